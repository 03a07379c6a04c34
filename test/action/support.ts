// Scratch policy repositories and Action runs for the check/publish/comment tests.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run, type ActionIo } from '../../action/src/main.js';
import { copyExampleRepo } from '../helpers/cli.js';
import * as core from './__fixtures__/core.js';

export const OWNER = 'acme';
export const REPO_NAME = 'policies';
export const TOKEN = 'ghs_emulated_write_token';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  // Fixed dates: the same edits give the same commit ids, so golden comments can name them.
  GIT_AUTHOR_DATE: '2026-06-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-06-01T00:00:00Z',
};

export const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV }).trim();

export const PRODUCTION = path.join('policies', 'platform', 'railway-production.yaml');

/** The example repository (with a CODEOWNERS file) as one commit on `main`, under `parent`; returns its directory and commit. */
export async function scratchRepo(parent: string): Promise<{ root: string; base: string }> {
  const root = await copyExampleRepo(await mkdtemp(path.join(parent, 'repo-')));
  await mkdir(path.join(root, '.github'));
  await writeFile(path.join(root, '.github', 'CODEOWNERS'), '/policies/platform/ @acme/security\n');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'example policies');
  return { root, base: git(root, 'rev-parse', 'HEAD') };
}

/** Edits a file of the repository and commits it; returns the new commit. */
export async function commitEdit(root: string, file: string, from: string, to: string, message: string): Promise<string> {
  const full = path.join(root, file);
  const text = await readFile(full, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  await writeFile(full, text.replace(from, to));
  git(root, 'commit', '-q', '-am', message);
  return git(root, 'rev-parse', 'HEAD');
}

/** deny → allow for destructive calls in production: a loosening that makes incident replays regress. */
export const LOOSEN = ['mode: deny\n      reason: Irreversible in production', 'mode: allow\n      reason: Irreversible in production'] as const;

export interface ActionRun {
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  failed: boolean;
}

/** Runs the Action's `run()` with these inputs and runner environment, in `cwd`. */
export async function runAction(cwd: string, inputs: Record<string, string>, env: Record<string, string | undefined>): Promise<ActionRun> {
  core.reset(inputs);
  let stdout = '';
  let stderr = '';
  const io: ActionIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    env,
  };
  await run(io);
  return { stdout, stderr, outputs: { ...core.outputs }, failed: core.setFailed.mock.calls.length > 0 };
}

/** The runner's environment for a `pull_request` run of pull request `number`. */
export async function pullRequestEnv(dir: string, apiUrl: string, pr: { number: number; base: string; head: string }, runId: number): Promise<Record<string, string>> {
  const event = path.join(dir, `event-${pr.number}-${runId}.json`);
  await writeFile(event, JSON.stringify({ pull_request: { number: pr.number, base: { sha: pr.base }, head: { sha: pr.head } } }));
  const summary = path.join(dir, `summary-${runId}.md`);
  await writeFile(summary, '');
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: `${OWNER}/${REPO_NAME}`,
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(runId),
    GITHUB_STEP_SUMMARY: summary,
  };
}
