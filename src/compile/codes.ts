import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

export type CompileCode = CodeOf<typeof COMPILE_CODES>;

/** Error codes BG100–BG199: compiling policies (BG120–BG129, evaluating a module, are the engine's: src/engine/codes.ts). */
export const { codes: COMPILE_CODES, titles: COMPILE_CODE_TITLES } = codeRegistry({
  noProtectedEnvironments: ['BG101', 'an API has no protected environments'],
  runtimeMissing: ['BG110', 'the Wasm runtime is missing (run `npm run build`)'],
  notBlastguardRuntime: ['BG111', 'the Wasm runtime is not a blastguard runtime'],
});
