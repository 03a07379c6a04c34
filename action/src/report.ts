import * as core from '@actions/core';
import path from 'node:path';
import { promoteRules } from '../../src/edit/index.js';
import { INSIGHT_CODES, reportLogs } from '../../src/insight/index.js';
import { COMMENT_LIMIT, renderInsightMarkdown } from '../../src/report/index.js';
import { UsageError, checkPolicies } from '../../src/toolchain/index.js';
import { requireRepository, runContext } from './context.js';
import { githubClient } from './github.js';
import { annotate, input, jobSummary, type ActionIo } from './io.js';
import { lines, logInput, logWarning } from './logs.js';
import { upsertPromotion } from './promotion-pr.js';

export const DEFAULT_BRANCH = 'blastguard/promote-shadow-rules';
const MARKER = '<!-- blastguard:promotion -->';

function windowMs(): number {
  const text = input('window') || '7d';
  const m = /^(\d+)(h|d)$/.exec(text);
  if (m === null || Number(m[1]) === 0) throw new UsageError(INSIGHT_CODES.badWindow, `input \`window\` \`${text}\` is not a number of hours or days`, { help: 'e.g. window: 7d (the last week) or window: 48h' });
  return Number(m[1]) * (m[2] === 'h' ? 3_600_000 : 86_400_000);
}

/**
 * `report`, on a schedule: reads the decision logs of the window, writes the evidence to the
 * job summary, and when shadow rules qualify for promotion opens (or updates) the one promotion
 * pull request that flips them to deny — through the normal review, with the policy-diff
 * comment `check` adds to it.
 */
export async function report(io: ActionIo): Promise<number> {
  const ctx = await runContext(io);
  requireRepository(ctx);
  const dir = input('dir') || 'policies';
  const window = windowMs();
  const sources = await logInput(io, true);
  const checked = await checkPolicies({ dir, cwd: io.cwd });
  annotate(io, checked.diagnostics);
  if (checked.ir === null) return 1;
  const sinceMs = Date.now() - window;
  const evidence = await reportLogs(sources, { ir: checked.ir, sinceMs, unexpected: lines('unexpected'), onWarning: logWarning(io) });
  const markdown = renderInsightMarkdown(evidence, { title: 'Decision-log evidence' });
  await jobSummary(io, markdown);
  const rules = evidence.candidates.map((c) => c.rule);
  core.setOutput('candidates', rules.join(' '));
  io.stdout(`${evidence.read.events} decisions read; ${rules.length} promotion candidate(s)${rules.length === 0 ? '' : `: ${rules.join(', ')}`}\n`);
  if (rules.length === 0) return 0;

  const promoted = await promoteRules({ dir, cwd: io.cwd, rules, dryRun: true });
  const files = promoted.files.map((f) => ({ path: path.relative(io.cwd, path.resolve(io.cwd, f.file)).split(path.sep).join('/'), text: f.text }));
  const list = promoted.rules.map((p) => `- \`${p.rule}\` (\`${p.file.split(path.sep).join('/')}\` line ${p.line}): shadow → deny`).join('\n');
  const header = [
    MARKER,
    `Proposed by the scheduled \`blastguard report\` over the decision logs of the last ${input('window') || '7d'}: these shadow rules had would-deny hits only from callers marked unexpected, or none at all.`,
    '',
    list,
    '',
    'The policy-diff comment on this pull request shows the exact decisions that tighten; `blastguard test --logs` replays the logged calls against it.',
    '',
  ].join('\n');
  const body = `${header}${markdown}`.slice(0, COMMENT_LIMIT);
  const token = input('github-token');
  if (!token) throw new UsageError('BG572', 'input `github-token` is empty: the promotion pull request cannot be opened', { help: 'give the job `contents: write` and `pull-requests: write` and pass github-token' });
  const base = input('base-branch') || ((ctx.payload['repository'] as { default_branch?: unknown } | undefined)?.default_branch as string | undefined) || 'main';
  const result = await upsertPromotion(githubClient(token, ctx.apiUrl), { owner: ctx.owner, repo: ctx.repo }, {
    base,
    branch: input('promotion-branch') || DEFAULT_BRANCH,
    title: `blastguard: promote ${rules.length} shadow rule${rules.length === 1 ? '' : 's'} to deny`,
    body,
    message: `policies: promote ${rules.join(', ')} to deny\n\nEvidence: ${evidence.read.events} logged decisions, ${evidence.window.from ?? '?'} to ${evidence.window.to ?? '?'}.`,
    files,
  });
  io.stdout(`promotion pull request #${result.pull} ${result.created ? 'opened' : 'updated'}${result.pushed ? ` (commit ${result.commit.slice(0, 12)})` : ' (files unchanged)'}\n`);
  core.setOutput('pull-request', String(result.pull));
  return 0;
}
