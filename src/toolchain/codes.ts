/** Error codes BG570–BG589: the GitHub Action's `check`, `publish` and `comment` (run context, git, GitHub API). Titles are what the README lists. */
export const ACTION_ERROR_CODES = {
  BG570: 'the GitHub event payload cannot be read',
  BG571: 'the command needs another GitHub event (`check` a pull_request, `publish` a push)',
  BG572: 'the GitHub repository, token or run context is missing',
  BG573: 'the pull request base commit is not in the checkout and cannot be fetched',
  BG574: 'an Action input has an invalid value',
  BG580: 'a GitHub API call failed',
  BG581: 'the comment artifact is missing, malformed or does not match the pull request',
} as const;

export type ActionCode = keyof typeof ACTION_ERROR_CODES;
