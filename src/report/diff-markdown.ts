/**
 * The pull-request comment for a policy change (`blastguard diff --format markdown`, the Action's
 * `check`). Laid out for a reviewer, after Infracost's and tfcmt's comments: the headline, a
 * loosening banner, the decision matrix of the changed rows, facts, replay flips, owners, the
 * exact artifacts and the command that reproduces it. It stays under GitHub's comment limit by
 * cutting the middle of its long lists (never the summary); the job summary gets it uncut.
 */
import { describeConditions, headline } from '../diff/index.js';
import type { DiffRow } from '../diff/index.js';
import type { PolicyDiff, ReplayFlip, ReplaySide } from '../toolchain/index.js';
import { markerLine, type StickyMeta } from './sticky.js';

/** GitHub rejects comment bodies over 65,536 characters; tfcmt's margin. */
export const COMMENT_LIMIT = 60_000;
/** Lists longer than this fold into `<details>`. */
const FOLD_AT = 8;
/** Matrix rows shown before the rest folds. */
const MATRIX_VISIBLE = 15;

export interface DiffMarkdownOptions {
  /** `https://github.com/<owner>/<repo>`: rule ids link to `blob/<head>/<file>#L<line>`. */
  repositoryUrl?: string;
  /** The commit rule links point into (default: the head's commit). */
  linkCommit?: string;
  /** The hidden marker's metadata; left out, no marker is written. */
  marker?: StickyMeta;
  /** The command that reproduces the diff locally. */
  command?: string;
  /** Where the uncut report is (job summary, artifact), said where a list is cut. */
  fullReport?: string;
  /** Character budget (default COMMENT_LIMIT); 0 renders everything. */
  limit?: number;
}

type Mode = DiffRow['before']['mode'];

const MODE_ICON: Readonly<Record<Mode, string>> = { deny: '🟥 deny', shadow: '🟨 shadow', allow: '🟩 allow' };

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
/** Table cells must not break the row. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function ruleLink(diff: PolicyDiff, options: DiffMarkdownOptions, rule: string): string {
  const at = diff.rules[rule];
  const commit = options.linkCommit ?? diff.head.commit;
  if (!at || !options.repositoryUrl || !commit) return code(rule);
  return `[${code(rule)}](${options.repositoryUrl}/blob/${commit}/${at.file}#L${at.line})`;
}

function fileLink(options: DiffMarkdownOptions, commit: string | null, file: string, line?: number): string {
  const text = code(line === undefined ? file : `${file}:${line}`);
  const at = options.linkCommit ?? commit;
  if (!options.repositoryUrl || !at) return text;
  return `[${text}](${options.repositoryUrl}/blob/${at}/${file}${line === undefined ? '' : `#L${line}`})`;
}

const opText = (op: string): string => (op.startsWith('class:') ? `any other ${op.slice('class:'.length)} operation` : code(op));
const tokenText = (t: string): string => (t === 'unknown' || t === 'missing' ? t : code(t));

/** A list that may be cut in its middle to fit: at most `limit` of its items are shown. */
interface Cuttable {
  limit: number;
}

function middleCut<T>(items: readonly T[], limit: number): { head: T[]; cut: number; tail: T[] } {
  if (items.length <= limit) return { head: [...items], cut: 0, tail: [] };
  const first = Math.ceil(limit / 2);
  const last = limit - first;
  return { head: items.slice(0, first), cut: items.length - limit, tail: last === 0 ? [] : items.slice(items.length - last) };
}

function cutNote(n: number, options: DiffMarkdownOptions, what: string): string {
  return `*… ${plural(n, what)} cut here to fit GitHub's comment limit${options.fullReport ? `; ${options.fullReport} has them all` : ''}.*`;
}

function details(summary: string, body: string[], open = false): string[] {
  return [`<details${open ? ' open' : ''}><summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

/** Rows that differ only in their operation, shown as one line naming every operation (as the human renderer does). */
interface RowGroup {
  row: DiffRow;
  operations: string[];
}

function byOperation(rows: readonly DiffRow[]): RowGroup[] {
  const groups = new Map<string, RowGroup>();
  for (const r of rows) {
    const rest: Partial<DiffRow['conditions']> = { ...r.conditions };
    delete rest.operation;
    const key = JSON.stringify([r.api, r.environment, r.token, rest, r.before, r.after]);
    const g = groups.get(key);
    if (g) g.operations.push(r.operation);
    else groups.set(key, { row: r, operations: [r.operation] });
  }
  return [...groups.values()];
}

function opsText(ops: readonly string[]): string {
  return ops.length > 6 ? `${ops.slice(0, 5).map(opText).join(', ')} and ${ops.length - 5} more` : ops.map(opText).join(', ');
}

function matrixRow(diff: PolicyDiff, options: DiffMarkdownOptions, g: RowGroup, withApi: boolean): string {
  const r = g.row;
  const when = describeConditions(r.conditions);
  const rules = r.before.rule === r.after.rule ? ruleLink(diff, options, r.after.rule) : `${ruleLink(diff, options, r.before.rule)} → ${ruleLink(diff, options, r.after.rule)}`;
  const ops = `${withApi ? `${code(r.api)} · ` : ''}${opsText(g.operations)}`;
  return `| ${cell(ops)} | ${cell(r.environment.join(', '))} | ${cell(r.token.map(tokenText).join(', '))} | ${MODE_ICON[r.before.mode]} → ${MODE_ICON[r.after.mode]} | ${cell(rules)} | ${cell(when.join('; ') || 'always')} |`;
}

const MATRIX_HEAD = ['| operation | environment | token | before → after | deciding rule | when |', '| --- | --- | --- | --- | --- | --- |'];

/** A table of groups, the first `visible` shown, the rest folded; the middle cut to `limit` groups. */
function table(diff: PolicyDiff, options: DiffMarkdownOptions, groups: RowGroup[], limit: number, visible: number, withApi: boolean): string[] {
  const line = (g: RowGroup): string => matrixRow(diff, options, g, withApi);
  const { head, cut, tail } = middleCut(groups, limit);
  const shown = head.slice(0, visible);
  const folded = head.slice(visible);
  const out = shown.length > 0 ? [...MATRIX_HEAD, ...shown.map(line), ''] : [];
  if (folded.length + tail.length > 0) {
    const body = [...MATRIX_HEAD, ...folded.map(line)];
    if (cut > 0) body.push('', cutNote(cut, options, 'line'), '', ...MATRIX_HEAD);
    body.push(...tail.map(line));
    out.push(...details(`${plural(folded.length + tail.length + cut, shown.length > 0 ? 'more line' : 'line')}`, body));
  }
  return out;
}

const TITLES = { loosened: '⚠ Loosened', tightened: 'Tightened', 'same-mode-other-rule': 'Same mode, decided by another rule' } as const;

function matrix(diff: PolicyDiff, options: DiffMarkdownOptions, cuts: Cuttable): string[] {
  const report = diff.report!;
  if (report.rows.length === 0) return [];
  const withApi = new Set(report.rows.map((r) => r.api)).size > 1;
  const out: string[] = ['#### Decision matrix', ''];
  for (const direction of ['loosened', 'tightened', 'same-mode-other-rule'] as const) {
    const rows = report.rows.filter((r) => r.direction === direction);
    if (rows.length === 0) continue;
    const groups = byOperation(rows);
    out.push(`**${TITLES[direction]}** (${plural(rows.length, 'row')})`, '');
    // Modes that did not move matter less than modes that did: that table starts folded.
    out.push(...table(diff, options, groups, cuts.limit, direction === 'same-mode-other-rule' ? 0 : MATRIX_VISIBLE, withApi));
  }
  const changed = report.verdicts.filter((v) => v.verdict !== 'equivalent');
  if (changed.length > 0) {
    const verdicts = changed.map((v) => `- ${code(v.api)} · ${opText(v.operation)}: **${v.verdict}**`);
    out.push(...(verdicts.length > FOLD_AT ? details(`Verdicts per operation (${changed.length}; every other operation: equivalent)`, verdicts) : ['Verdicts per operation (every other operation: equivalent):', '', ...verdicts, '']));
  }
  return out;
}

function facts(diff: PolicyDiff, options: DiffMarkdownOptions, cuts: Cuttable): string[] {
  const all = diff.report!.facts;
  if (all.length === 0) return [];
  const { head, cut, tail } = middleCut(all, cuts.limit);
  const item = (f: (typeof all)[number]): string => `- ${f.effect === 'loosens' ? '⚠ ' : ''}${f.message}${f.effect === 'changes' ? '' : ` (${f.effect})`}`;
  const body = [...head.map(item), ...(cut > 0 ? [cutNote(cut, options, 'fact')] : []), ...tail.map(item)];
  return all.length > FOLD_AT ? details(`Policy changes (${all.length})`, body) : ['#### Policy changes', '', ...body, ''];
}

const sideText = (s: ReplaySide | null): string => (s === null ? 'not run' : `${s.passed ? '✅ pass' : '❌ fail'}${s.mode ? ` (${MODE_ICON[s.mode]}${s.rule ? ` by ${code(s.rule)}` : ''})` : ''}`);

function replays(diff: PolicyDiff, options: DiffMarkdownOptions, cuts: Cuttable): string[] {
  const r = diff.replay;
  if (r === null) return [];
  const title = `#### Incident replays and decision tests: ${plural(r.flips.length, 'outcome')} flip (${r.regressions} regress, ${r.fixed} fixed) of ${r.cases} cases`;
  if (r.flips.length === 0) return [title.replace(/: 0 outcomes flip.*/, `: none of ${r.cases} cases flips`), ''];
  const flips = [...r.flips].sort((a, b) => Number(b.regression) - Number(a.regression));
  const line = (f: ReplayFlip): string =>
    `| ${f.regression ? '⚠ ' : ''}${fileLink(options, diff.head.commit, f.file, f.line)} ${cell(`${f.fixture} · ${f.step}`)} | ${cell(opText(f.operation))} | ${cell(sideText(f.before))} | ${cell(sideText(f.after))} |`;
  const { head, cut, tail } = middleCut(flips, cuts.limit);
  const table = ['| case | operation | base | head |', '| --- | --- | --- | --- |', ...head.map(line), ...tail.map(line)];
  if (cut > 0) table.splice(2 + head.length, 0, `| ${cutNote(cut, options, 'case')} | | | |`);
  return flips.length > FOLD_AT ? [title, '', ...details('every flipped case', table)] : [title, '', ...table, ''];
}

function owners(diff: PolicyDiff, options: DiffMarkdownOptions): string[] {
  if (diff.documents.length === 0) return [];
  const list = diff.documents.map((d) => {
    const who = [...new Set([...d.owners, ...d.codeowners])];
    return `- ${d.kind} ${code(d.name)} (${d.change}, ${fileLink(options, d.change === 'removed' ? null : diff.head.commit, d.file)}): ${who.length > 0 ? who.join(', ') : 'no owners declared'}`;
  });
  const source = diff.codeownersFile ? ` (\`metadata.owners\` and ${code(diff.codeownersFile)})` : ' (`metadata.owners`)';
  const head = `**Owners to review**${source}: ${diff.owners.length > 0 ? diff.owners.join(', ') : 'none declared'}`;
  return list.length > FOLD_AT ? [head, '', ...details(`${plural(list.length, 'changed document')}`, list)] : [head, '', ...list, ''];
}

function headErrors(diff: PolicyDiff, options: DiffMarkdownOptions, cuts: Cuttable): string[] {
  const e = diff.headErrors;
  if (e === null) return [];
  const item = (d: (typeof e.diagnostics)[number]): string => `- ${fileLink(options, diff.head.commit, d.file, d.line)} **${d.code}** ${d.message}${d.help ? ` — help: ${d.help}` : ''}`;
  const { head, cut, tail } = middleCut(e.diagnostics, cuts.limit);
  return [
    `### ❌ The head does not validate (${plural(e.diagnostics.length, 'error')})`,
    '',
    'No decision diff was computed: fix these and push again (`blastguard validate` shows them locally).',
    '',
    ...head.map(item),
    ...(cut > 0 ? [cutNote(cut, options, 'error')] : []),
    ...tail.map(item),
    '',
  ];
}

function banners(diff: PolicyDiff): string[] {
  const out: string[] = [];
  const report = diff.report;
  if (!report) return out;
  const o = report.overrides;
  if (o?.flipped) {
    out.push('> [!CAUTION]', `> **Panic flag:** enforcement ${code(o.before.enforcement)} → ${code(o.after.enforcement)}${o.after.reason ? ` — ${o.after.reason}` : ''}${o.after.expires ? ` (expires ${o.after.expires})` : ''}.`, '');
  }
  const s = report.summary;
  if (s.loosened > 0) {
    const more = [s.loosenedDestructive > 0 ? `${s.loosenedDestructive} destructive` : '', s.loosenedProtected > 0 ? `${s.loosenedProtected} in protected environments` : ''].filter((x) => x !== '');
    out.push(
      '> [!WARNING]',
      `> **This change loosens ${plural(s.loosened, 'decision')}**${more.length > 0 ? ` (${more.join(', ')})` : ''}: calls that were denied or shadowed will go through. Approve only if that is intended${diff.owners.length > 0 ? `; owners: ${diff.owners.join(', ')}` : ''}.`,
      '',
    );
  }
  // Facts that loosen (a class lowered from destructive, a grant widened, an expiry moved later)
  // deserve the banner even when no evaluated decision moved: the next rule change may rely on them.
  const loosening = report.facts.filter((f) => f.effect === 'loosens' || f.kind === 'token-grant-widened' || f.kind === 'token-grant-added' || f.kind === 'token-expiry-later');
  if (loosening.length > 0 && s.loosened === 0) {
    const shown = loosening.slice(0, 3).map((f) => f.message);
    out.push('> [!WARNING]', `> **This change loosens the policy** (no evaluated decision changes mode): ${shown.join('; ')}${loosening.length > shown.length ? `; and ${loosening.length - shown.length} more` : ''}.`, '');
  }
  return out;
}

function footer(diff: PolicyDiff, options: DiffMarkdownOptions): string[] {
  const out: string[] = [];
  if (options.command) out.push('<details><summary>Reproduce locally</summary>', '', '```sh', options.command, '```', '', '</details>', '');
  const side = (label: string, s: PolicyDiff['base']): string =>
    `${label} ${s.commit ? code(s.commit.slice(0, 12)) : code(s.label)} · IR ${s.irDigest ? code(s.irDigest) : 'none (does not validate)'} · bundle ${s.bundleDigest ? code(s.bundleDigest) : 'none'}`;
  out.push(`<sub>${side('base', diff.base)}<br>${side('head', diff.head)}${diff.report ? `<br>${diff.report.summary.cellsEvaluated} decision cells evaluated on both sides` : ''}<br>This comment is updated in place when the pull request changes.</sub>`);
  return out;
}

/** Whether the diff is worth a comment: decisions, the panic flag, replay outcomes or head errors. */
export function diffChangesSomething(diff: PolicyDiff): boolean {
  if (diff.headErrors !== null) return true;
  const r = diff.report;
  return r !== null && (r.rows.length > 0 || r.overrides?.flipped === true || (diff.replay?.flips.length ?? 0) > 0);
}

/** The comment's headline, with replay regressions when the fixtures ran. */
export function diffHeadline(diff: PolicyDiff): string {
  if (diff.report === null) return `✗ the head does not validate (${plural(diff.headErrors?.diagnostics.length ?? 0, 'error')}); no decision diff`;
  return headline(diff.report, diff.replay ? { replayRegressions: diff.replay.regressions } : {});
}

function render(diff: PolicyDiff, options: DiffMarkdownOptions, cuts: Record<'matrix' | 'facts' | 'replays' | 'errors', Cuttable>): string {
  const lines: string[] = [];
  if (options.marker) lines.push(markerLine(options.marker));
  lines.push('### 🛡️ blastguard policy diff', '', `**${diffHeadline(diff)}**`, '');
  lines.push(...banners(diff));
  lines.push(...headErrors(diff, options, cuts.errors));
  if (diff.report !== null) {
    if (!diffChangesSomething(diff)) lines.push('This pull request changes no decision: every operation, environment and token is decided as before.', '');
    lines.push(...matrix(diff, options, cuts.matrix));
    lines.push(...facts(diff, options, cuts.facts));
    lines.push(...replays(diff, options, cuts.replays));
  }
  lines.push(...owners(diff, options));
  lines.push(...footer(diff, options));
  return `${lines.join('\n')}\n`;
}

/**
 * The comment body. Over the budget, the longest list is cut in its middle, halving until the
 * body fits; the headline, banners, owners and footer are never cut.
 */
export function renderDiffMarkdown(diff: PolicyDiff, options: DiffMarkdownOptions = {}): string {
  const cuts = {
    matrix: { limit: diff.report?.rows.length ?? 0 },
    facts: { limit: diff.report?.facts.length ?? 0 },
    replays: { limit: diff.replay?.flips.length ?? 0 },
    errors: { limit: diff.headErrors?.diagnostics.length ?? 0 },
  };
  const budget = options.limit ?? COMMENT_LIMIT;
  let body = render(diff, options, cuts);
  while (budget > 0 && body.length > budget) {
    const longest = Object.values(cuts).reduce((a, b) => (b.limit > a.limit ? b : a));
    if (longest.limit <= 2) break;
    longest.limit = Math.floor(longest.limit / 2);
    body = render(diff, options, cuts);
  }
  return body;
}
