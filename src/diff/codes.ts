import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/** Error codes BG560–BG579: `blastguard diff` (reading the base from git, loading either side). Titles are what the README lists. */
const REGISTRY = codeRegistry({
  unknownRevision: ['BG560', 'the diff base or head revision cannot be resolved in the git repository'],
  notGitRepository: ['BG561', 'the directory is not inside a git repository (diff reads the base from git)'],
  baseInvalid: ['BG562', 'the policy directory at the base revision does not load or validate'],
  headInvalid: ['BG563', 'the policy directory at the head does not load or validate'],
  gitFailed: ['BG564', 'git failed while reading the base revision'],
  missingAtBase: ['BG565', 'the policy directory does not exist at the base revision'],
});

export const DIFF_CODES = REGISTRY.codes;
export type DiffCode = CodeOf<typeof DIFF_CODES>;
export const DIFF_CODE_TITLES = REGISTRY.titles;
