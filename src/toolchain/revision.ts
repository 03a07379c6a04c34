import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BlastguardError } from '../core/errors.js';
import { BUNDLE_CODES } from '../bundle/codes.js';

const run = promisify(execFile);

/** `git rev-parse HEAD` of the policy directory; `warn` hears when the directory has uncommitted changes. */
export async function gitRevision(dir: string, warn: (message: string) => void): Promise<string> {
  let head: string;
  try {
    head = (await run('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.noRevision, `cannot determine the bundle revision: \`${dir}\` is not in a git checkout with a commit`, {
      help: 'pass --revision (for example --revision "$GITHUB_SHA"); an empty revision is allowed with --revision ""',
      cause: e,
    });
  }
  try {
    const status = (await run('git', ['status', '--porcelain', '--', '.'], { cwd: dir })).stdout;
    if (status.trim() !== '') warn(`\`${dir}\` has uncommitted changes; revision ${head} does not describe them`);
  } catch {
    // The revision is known; a failing status only loses the warning.
  }
  return head;
}

/**
 * The committer time of HEAD in seconds: a `metadata.sequence` that increases along a branch
 * without any state kept between builds (a later commit on main is committed later; a revert is a
 * new commit), unlike a CI run number, which restarts when a workflow is renamed.
 */
export async function gitCommitTime(dir: string): Promise<number> {
  try {
    const text = (await run('git', ['log', '-1', '--format=%ct', 'HEAD'], { cwd: dir })).stdout.trim();
    const seconds = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(seconds)) throw new Error(`git printed \`${text}\``);
    return seconds;
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.buildFlagValue, `cannot read the commit time for \`--sequence commit-time\`: \`${dir}\` is not in a git checkout with a commit`, {
      help: 'pass a number instead (for example --sequence "$GITHUB_RUN_NUMBER"), or build inside the policy repository',
      cause: e,
    });
  }
}
