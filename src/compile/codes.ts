import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

export type CompileCode = CodeOf<typeof COMPILE_CODES>;

/** Error codes BG100–BG199: compiling policies and evaluating the compiled module. */
export const { codes: COMPILE_CODES, titles: COMPILE_CODE_TITLES } = codeRegistry({
  noProtectedEnvironments: ['BG101', 'an API has no protected environments'],
  runtimeMissing: ['BG110', 'the Wasm runtime is missing (run `npm run build`)'],
  notBlastguardRuntime: ['BG111', 'the Wasm runtime is not a blastguard runtime'],
  policyUnloadable: ['BG120', 'the policy module or its data cannot be loaded'],
  policyAborted: ['BG121', 'the policy aborted during evaluation (e.g. an input it cannot parse); enforcers deny'],
  noDecision: ['BG122', 'the policy returned no decision'],
});
