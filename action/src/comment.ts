import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BlastguardError } from '../../src/core/errors.js';
import { COMMENT_LIMIT, parseMarker } from '../../src/report/index.js';
import { UsageError } from '../../src/toolchain/index.js';
import { COMMENT_FILE, COMMENT_META_FILE, ARTIFACT_NAME, type CommentArtifact } from './check.js';
import { requireRepository, runContext } from './context.js';
import { githubClient, pullHead, upsertComment } from './github.js';
import { input, type ActionIo } from './io.js';

/** GitHub's own cap on a comment body. */
const GITHUB_BODY_LIMIT = 65_536;

function badArtifact(problem: string): BlastguardError {
  return new BlastguardError('BG581', `the comment artifact ${problem}`, { help: `download the \`${ARTIFACT_NAME}\` artifact of the triggering run into \`report-dir\` (see policy-comment.yml)` });
}

/**
 * `comment`, on workflow_run: posts the comment a `check` run left in its artifact, with this
 * workflow's write token. The artifact comes from a run on untrusted (fork) code, so nothing in
 * it is believed: the pull request must exist and its head must be the commit the triggering run
 * checked (`workflow_run.head_sha`, set by GitHub), and the body must carry the same marker.
 */
export async function comment(io: ActionIo): Promise<number> {
  const ctx = await runContext(io);
  requireRepository(ctx);
  const run = ctx.payload['workflow_run'] as { head_sha?: unknown; conclusion?: unknown } | undefined;
  if (ctx.eventName !== 'workflow_run' || typeof run?.head_sha !== 'string') {
    throw new UsageError('BG571', `\`comment\` runs on workflow_run; this run is \`${ctx.eventName || 'unknown'}\``, { help: 'use it in the workflow that follows the check (policy-comment.yml)' });
  }
  const token = input('github-token');
  if (!token) throw new UsageError('BG572', 'input `github-token` is empty', { help: 'pass `github-token: ${{ github.token }}` with `pull-requests: write`' });
  const dir = path.resolve(io.cwd, input('report-dir') || ARTIFACT_NAME);
  let artifact: CommentArtifact;
  let body: string;
  try {
    artifact = JSON.parse(await readFile(path.join(dir, COMMENT_META_FILE), 'utf8')) as CommentArtifact;
    body = await readFile(path.join(dir, COMMENT_FILE), 'utf8');
  } catch {
    throw badArtifact(`is not in \`${dir}\` (\`${COMMENT_META_FILE}\`, \`${COMMENT_FILE}\`)`);
  }
  if (typeof artifact.pull !== 'number' || typeof artifact.head !== 'string') throw badArtifact('names no pull request');
  if (artifact.head !== run.head_sha) throw badArtifact(`is for \`${String(artifact.head).slice(0, 12)}\`, not the checked commit \`${run.head_sha.slice(0, 12)}\``);
  const marker = parseMarker(body);
  if (marker === null || marker.head !== run.head_sha) throw badArtifact('body carries no matching blastguard marker');
  if (body.length > Math.min(GITHUB_BODY_LIMIT, COMMENT_LIMIT + 1_000)) throw badArtifact(`body is ${body.length} characters, over the comment limit`);
  const octokit = githubClient(token, ctx.apiUrl);
  const at = { owner: ctx.owner, repo: ctx.repo };
  const head = await pullHead(octokit, at, artifact.pull);
  if (head !== run.head_sha) {
    // The pull request moved on: its own check run will comment; this one would be stale.
    io.stdout(`comment: skip (pull request #${artifact.pull} is now at ${head.slice(0, 12)})\n`);
    return 0;
  }
  const result = await upsertComment(octokit, at, artifact.pull, body, marker);
  io.stdout(`comment: ${result.plan.action}${result.plan.action === 'skip' ? ` (${result.plan.reason})` : ''}${result.id === null ? '' : ` #${result.id}`}\n`);
  if (result.id !== null) core.setOutput('comment-id', String(result.id));
  return 0;
}
