import type { CodeOf, CodeRegistry, CodeTitles } from '../core/errors.js';

/** Error codes BG100–BG199: compiling policies and evaluating the compiled module. */
export const COMPILE_CODES = {
  noProtectedEnvironments: 'BG101',
  runtimeMissing: 'BG110',
  notBlastguardRuntime: 'BG111',
  policyUnloadable: 'BG120',
  policyAborted: 'BG121',
  noDecision: 'BG122',
} as const satisfies CodeRegistry;

export type CompileCode = CodeOf<typeof COMPILE_CODES>;

/** Titles for the README's diagnostics table. */
export const COMPILE_CODE_TITLES: CodeTitles<typeof COMPILE_CODES> = {
  BG101: 'an API has no protected environments',
  BG110: 'the Wasm runtime is missing (run `npm run build`)',
  BG111: 'the Wasm runtime is not a blastguard runtime',
  BG120: 'the policy module or its data cannot be loaded',
  BG121: 'the policy aborted during evaluation (e.g. an input it cannot parse); enforcers deny',
  BG122: 'the policy returned no decision',
};
