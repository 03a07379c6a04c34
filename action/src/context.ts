import { readFile } from 'node:fs/promises';
import { UsageError } from '../../src/toolchain/index.js';
import type { ActionIo } from './io.js';

/** What a run knows about where it is, read from the runner's environment (io.env), not `@actions/github`'s globals. */
export interface RunContext {
  eventName: string;
  owner: string;
  repo: string;
  /** e.g. https://github.com */
  serverUrl: string;
  /** e.g. https://api.github.com */
  apiUrl: string;
  runId: number;
  sha: string;
  /** The event payload (`$GITHUB_EVENT_PATH`); `{}` when there is none. */
  payload: Record<string, unknown>;
}

export async function runContext(io: ActionIo): Promise<RunContext> {
  const repository = io.env['GITHUB_REPOSITORY'] ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const eventPath = io.env['GITHUB_EVENT_PATH'];
  let payload: Record<string, unknown> = {};
  if (eventPath) {
    try {
      payload = JSON.parse(await readFile(eventPath, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError('BG570', `the event payload \`${eventPath}\` cannot be read: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`, {
        help: 'run the Action inside a GitHub Actions job (GITHUB_EVENT_PATH is set by the runner)',
      });
    }
  }
  return {
    eventName: io.env['GITHUB_EVENT_NAME'] ?? '',
    owner,
    repo,
    serverUrl: (io.env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (io.env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/+$/, ''),
    runId: Number(io.env['GITHUB_RUN_ID'] ?? '0') || 0,
    sha: io.env['GITHUB_SHA'] ?? '',
    payload,
  };
}

/** The pull request of a `pull_request` event: number, base and head commits. */
export interface PullRequestRef {
  number: number;
  base: string;
  head: string;
}

export function pullRequestOf(ctx: RunContext): PullRequestRef {
  const pr = ctx.payload['pull_request'] as { number?: unknown; base?: { sha?: unknown }; head?: { sha?: unknown } } | undefined;
  if (!pr || typeof pr.number !== 'number' || typeof pr.base?.sha !== 'string' || typeof pr.head?.sha !== 'string') {
    throw new UsageError('BG571', `\`check\` needs a pull_request event; this run is \`${ctx.eventName || 'unknown'}\``, {
      help: 'run `check` on `pull_request` (see .github/workflows/policy-check.yml); on push use `publish`',
    });
  }
  return { number: pr.number, base: pr.base.sha, head: pr.head.sha };
}

export function requireRepository(ctx: RunContext): void {
  if (!ctx.owner || !ctx.repo) {
    throw new UsageError('BG572', '`GITHUB_REPOSITORY` is not set (`owner/repo`)', { help: 'run the Action inside a GitHub Actions job' });
  }
}
