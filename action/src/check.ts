import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffChangesSomething, diffHeadline, formatGithub, renderDiffJson, renderDiffMarkdown, type StickyMeta } from '../../src/report/index.js';
import { UsageError, checkPolicies, diffPolicies, parsePercent, replayLogs, runTests } from '../../src/toolchain/index.js';
import { renderLogReplayMarkdown } from '../../src/report/index.js';
import { logInput, logWarning } from './logs.js';
import { ensureBaseCommit } from './base-commit.js';
import { pullRequestOf, requireRepository, runContext } from './context.js';
import { githubClient, isPermissionError, upsertComment } from './github.js';
import { annotate, input, jobSummary, warn, type ActionIo } from './io.js';

/** What `check` leaves for the `workflow_run` poster (fork pull requests): the comment and who it is for. */
export interface CommentArtifact {
  pull: number;
  head: string;
  meta: StickyMeta;
}

export const COMMENT_FILE = 'comment.md';
export const COMMENT_META_FILE = 'comment.json';
export const ARTIFACT_NAME = 'blastguard-policy-diff';
/** `$GITHUB_STEP_SUMMARY` uploads are refused above 1024 KiB; characters are at most 4 bytes. */
const SUMMARY_LIMIT = 250_000;

function failOnInput(): 'loosened' | 'any' | null {
  const value = input('fail-on');
  if (value === '' || value === 'none') return null;
  if (value === 'loosened' || value === 'any') return value;
  throw new UsageError('BG574', `input \`fail-on\` \`${value}\` is not one of \`loosened\`, \`any\`, \`none\``, { help: 'use `fail-on: loosened` to block loosening changes until reviewed' });
}

function positive(name: string, fallback: number): number {
  const text = input(name);
  if (text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('BG574', `input \`${name}\` \`${text}\` must be a positive whole number`, { help: `e.g. ${name}: ${fallback}` });
  return n;
}

/**
 * `check`, on pull_request: validate (annotations on the YAML lines), run the replays and
 * decision tests, diff against the pull request's base, upsert the one sticky comment, write the
 * job summary and the artifact, set the outputs. Fails on errors, failing replays and, with
 * `fail-on: loosened`, on loosening.
 */
export async function check(io: ActionIo): Promise<number> {
  const ctx = await runContext(io);
  requireRepository(ctx);
  const pr = pullRequestOf(ctx);
  const dir = input('dir') || 'policies';
  const tests = input('tests') || 'test';
  const failOn = failOnInput();
  const coverageText = input('min-coverage');
  const minCoverage = coverageText ? parsePercent(coverageText) : null;
  if (minCoverage === undefined) throw new UsageError('BG574', `input \`min-coverage\` \`${coverageText}\` must be a percentage from 0 to 100`, { help: 'e.g. min-coverage: 90' });

  const checked = await checkPolicies({ dir, cwd: io.cwd });
  annotate(io, checked.diagnostics);
  let testsOk = checked.ir !== null;
  if (checked.ir !== null) {
    const report = await runTests({ dir, tests, cwd: io.cwd, minCoverage });
    io.stdout(formatGithub(report));
    testsOk = report.ok;
  }

  const fetched = await ensureBaseCommit(io.cwd, pr.base, positive('fetch-depth', 1));
  if (fetched === 'fetched') io.stdout(`fetched the pull request base ${pr.base.slice(0, 12)} (the checkout was shallow)\n`);
  const diff = await diffPolicies({ cwd: io.cwd, dir, tests, base: pr.base });
  const meta: StickyMeta = { head: pr.head, ir: diff.head.irDigest, run: ctx.runId, changes: diffChangesSomething(diff) };
  const links = {
    repositoryUrl: `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}`,
    linkCommit: pr.head,
    command: `git fetch origin ${pr.base} ${pr.head} && npx blastguard diff --base ${pr.base} --head ${pr.head} --dir ${dir} --tests ${tests}`,
  };
  // With a `logs` input: the recorded calls decided again by the head, beside the exact diff.
  const sources = checked.ir === null ? [] : await logInput(io, false);
  const traffic = sources.length === 0 ? '' : `\n${renderLogReplayMarkdown(await replayLogs(checked.ir!, sources, { onWarning: logWarning(io) }))}`;
  const body = renderDiffMarkdown(diff, { ...links, marker: meta, fullReport: `the job summary and the \`${ARTIFACT_NAME}\` artifact` }) + traffic;
  // The job summary takes up to 1 MiB: the uncut report, unless even that is more.
  const full = renderDiffMarkdown(diff, { ...links, limit: SUMMARY_LIMIT, fullReport: `the \`${ARTIFACT_NAME}\` artifact (diff.json)` }) + traffic;
  io.stdout(`${diffHeadline(diff)}\n`);

  const reportDir = path.resolve(io.cwd, input('report-dir') || ARTIFACT_NAME);
  await mkdir(reportDir, { recursive: true });
  const artifact: CommentArtifact = { pull: pr.number, head: pr.head, meta };
  await writeFile(path.join(reportDir, COMMENT_FILE), body);
  await writeFile(path.join(reportDir, COMMENT_META_FILE), `${JSON.stringify(artifact, null, 2)}\n`);
  await writeFile(path.join(reportDir, 'report.md'), full);
  const json = renderDiffJson(diff);
  if (json !== null) await writeFile(path.join(reportDir, 'diff.json'), json);
  await jobSummary(io, full);

  if (input('comment') !== 'false') {
    const token = input('github-token');
    if (!token) warn(io, 'blastguard: no comment', 'input `github-token` is empty; the comment is in the job summary and the artifact');
    else {
      try {
        const result = await upsertComment(githubClient(token, ctx.apiUrl), { owner: ctx.owner, repo: ctx.repo }, pr.number, body, meta);
        io.stdout(`comment: ${result.plan.action}${result.plan.action === 'skip' ? ` (${result.plan.reason})` : ''}${result.id === null ? '' : ` #${result.id}`}\n`);
        if (result.id !== null) core.setOutput('comment-id', String(result.id));
      } catch (e) {
        // A fork's pull request gets a read-only token: the workflow_run poster comments from the artifact.
        if (!isPermissionError(e)) throw e;
        warn(io, 'blastguard: comment left to the workflow_run poster', 'the token cannot comment (a fork pull request gets a read-only token); policy-comment.yml posts it from the artifact');
      }
    }
  }

  const s = diff.report?.summary;
  core.setOutput('loosened', String(s?.loosened ?? 0));
  core.setOutput('tightened', String(s?.tightened ?? 0));
  core.setOutput('ir-digest', diff.head.irDigest ?? '');
  core.setOutput('changed', String(meta.changes));
  core.setOutput('report-dir', reportDir);

  const failures: string[] = [];
  if (checked.errorCount > 0 || diff.headErrors !== null) failures.push('the policies do not validate');
  else if (!testsOk) failures.push('replays or decision tests fail');
  if ((diff.replay?.regressions ?? 0) > 0) failures.push(`${diff.replay!.regressions} replay outcome(s) regress`);
  if (failOn === 'loosened' && (s?.loosened ?? 0) > 0) failures.push(`the change loosens ${s!.loosened} decision(s) and \`fail-on: loosened\` is set`);
  if (failOn === 'any' && (s?.loosened ?? 0) + (s?.tightened ?? 0) + (s?.sameModeOtherRule ?? 0) > 0) failures.push('the change alters decisions and `fail-on: any` is set');
  for (const f of failures) io.stderr(`error: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}
