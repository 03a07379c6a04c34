import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BlastguardError } from '../../src/core/errors.js';
import { gitTopLevel, hasCommit } from '../../src/toolchain/index.js';

const exec = promisify(execFile);

/**
 * Makes sure the pull request's base commit is in the checkout. `actions/checkout` fetches one
 * commit by default (the merge commit), so the base is usually missing: fetch just that commit,
 * `depth` deep. When that fails (no `origin`, no network, a token without read access) say
 * exactly what to set instead.
 */
export async function ensureBaseCommit(cwd: string, sha: string, depth: number): Promise<'present' | 'fetched'> {
  const top = await gitTopLevel(cwd);
  if (await hasCommit(top, sha)) return 'present';
  try {
    await exec('git', ['fetch', '--no-tags', '--no-recurse-submodules', `--depth=${depth}`, 'origin', sha], { cwd: top, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  } catch (e) {
    const stderr = typeof e === 'object' && e !== null && 'stderr' in e ? String((e as { stderr: unknown }).stderr).trim().split('\n').pop() : '';
    throw new BlastguardError('BG573', `the pull request base \`${sha}\` is not in the checkout and \`git fetch origin ${sha}\` failed${stderr ? ` (${stderr.toLowerCase()})` : ''}`, {
      help: 'set `fetch-depth: 0` on actions/checkout (or check out with a token that can read the base branch)',
      cause: e,
    });
  }
  if (!(await hasCommit(top, sha))) {
    throw new BlastguardError('BG573', `the pull request base \`${sha}\` is still missing after \`git fetch origin ${sha}\``, { help: 'set `fetch-depth: 0` on actions/checkout' });
  }
  return 'fetched';
}
