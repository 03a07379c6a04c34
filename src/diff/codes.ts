/** Error codes BG500–BG549: `blastguard diff` (reading the base from git, loading either side). Titles are what the README lists. */
export const DIFF_ERROR_CODES: Readonly<Record<string, string>> = {
  BG500: 'the diff base or head revision cannot be resolved in the git repository',
  BG501: 'the directory is not inside a git repository (diff reads the base from git)',
  BG502: 'the policy directory at the base revision does not load or validate',
  BG503: 'the policy directory at the head does not load or validate',
  BG504: 'git failed while reading the base revision',
  BG505: 'the policy directory does not exist at the base revision',
};
