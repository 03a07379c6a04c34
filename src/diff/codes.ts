/** Error codes BG560–BG569: `blastguard diff` (reading the base from git, loading either side). Titles are what the README lists. */
export const DIFF_ERROR_CODES: Readonly<Record<string, string>> = {
  BG560: 'the diff base or head revision cannot be resolved in the git repository',
  BG561: 'the directory is not inside a git repository (diff reads the base from git)',
  BG562: 'the policy directory at the base revision does not load or validate',
  BG563: 'the policy directory at the head does not load or validate',
  BG564: 'git failed while reading the base revision',
  BG565: 'the policy directory does not exist at the base revision',
};
