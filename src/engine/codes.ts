import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

export type EngineCode = CodeOf<typeof ENGINE_CODES>;

/**
 * Error codes BG120–BG129: loading and evaluating a compiled policy module. They live with the
 * engine, not the compiler, because enforcers run the engine without the compiler.
 */
export const { codes: ENGINE_CODES, titles: ENGINE_CODE_TITLES } = codeRegistry({
  policyUnloadable: ['BG120', 'the policy module or its data cannot be loaded'],
  policyAborted: ['BG121', 'the policy aborted during evaluation (e.g. an input it cannot parse); enforcers deny'],
  noDecision: ['BG122', 'the policy returned no decision'],
  catalogUnreadable: ['BG123', 'the bundle\'s api catalog (`catalog.json`) is not an api catalog this version reads'],
});
