import { headline, type HeadlineOptions } from './headline.js';
import type { ArgumentValues, Conditions, DiffReport, DiffRow, SideDecision, ValueCondition } from './types.js';

export interface HumanOptions extends HeadlineOptions {
  /** Rows shown per direction before the rest is summarised (0 = all). */
  maxRows?: number;
  /** How to name the two sides in the footer, e.g. `origin/main (1a2b3c4)` and `working tree`. */
  labels?: { base: string; head: string };
}

const MAX_ATTEMPT = 1_000_000_000;

function values(name: string, c: ValueCondition): string {
  const show = (v: string | null): string => (v === null ? 'absent' : `\`${v}\``);
  if ('in' in c) return c.in.length === 1 ? `${name} ${c.in[0] === null ? 'absent' : `= ${show(c.in[0]!)}`}` : `${name} ∈ {${c.in.map(show).join(', ')}}`;
  const listed = c.notIn.filter((v) => v !== null);
  const present = c.notIn.includes(null) ? ' present' : '';
  return listed.length === 0 ? `${name}${present}` : `${name}${present} not ${listed.length === 1 ? show(listed[0]!) : `in {${listed.map(show).join(', ')}}`}`;
}

// Argument classes read as values: `false`, `"x"`, absent, an empty string, an empty list or object.
function argumentValues(path: string, c: ArgumentValues): string {
  const show = (a: string): string => (a === 'absent' ? 'absent' : a === 'empty' ? 'an empty list or object' : a === '""' ? 'an empty string' : `\`${a}\``);
  const name = `argument \`${path}\``;
  if ('in' in c) return c.in.length === 1 ? `${name} ${c.in[0] === 'absent' ? 'absent' : `= ${show(c.in[0]!)}`}` : `${name} ∈ {${c.in.map(show).join(', ')}}`;
  return `${name} not ${c.notIn.length === 1 ? show(c.notIn[0]!) : `in {${c.notIn.map(show).join(', ')}}`}`;
}

/** The further conditions of a row, beyond operation, environment and token. */
export function describeConditions(c: Conditions): string[] {
  const out: string[] = [];
  if (c.operationType) out.push(c.operationType.query ? 'type `query`' : 'type other than `query`');
  if (c.time) {
    const { from, until } = c.time;
    out.push(from && until ? `from ${from} until ${until}` : from ? `from ${from}` : `until ${until ?? ''}`);
  }
  if (c.attempt) {
    const { min, max } = c.attempt;
    out.push(min === max ? `attempt ${min}` : max === MAX_ATTEMPT ? `attempt ≥ ${min}` : min === 1 ? `attempt ≤ ${max}` : `attempt ${min}–${max}`);
  }
  if (c.verified !== undefined) out.push(c.verified ? 'identity verified' : 'identity not verified');
  if (c.originator) out.push(values('originator', c.originator));
  if (c.tenant) out.push(values('tenant', c.tenant));
  if (c.resourceKind) out.push(values('resource kind', c.resourceKind));
  if (c.resourceId) out.push(values('resource id', c.resourceId));
  if (c.project) out.push(values('project', c.project));
  for (const [path, v] of Object.entries(c.arguments ?? {})) out.push(argumentValues(path, v));
  return out;
}

const side = (d: SideDecision): string => `${d.mode} by \`${d.rule}\``;

const opLabel = (op: string): string => (op.startsWith('class:') ? `any other ${op.slice('class:'.length)} operation` : `\`${op}\``);

/** `volumeDelete · production · token ci-domains: deny by `p/r` → allow by `q/s`` plus the further conditions. */
export function describeRow(r: DiffRow, operations: readonly string[] = [r.operation]): string {
  const ops = operations.length > 6 ? `${operations.slice(0, 5).map(opLabel).join(', ')} and ${operations.length - 5} more operations` : operations.map(opLabel).join(', ');
  const tokens = r.token.map((t) => (t === 'unknown' || t === 'missing' ? t : `\`${t}\``)).join(', ');
  const more = describeConditions(r.conditions);
  return `${r.api} · ${ops} · ${r.environment.join(', ')} · token ${tokens}: ${side(r.before)} → ${side(r.after)}${more.length > 0 ? ` (when ${more.join('; ')})` : ''}`;
}

/** Rows that differ only in their operation, shown as one line naming every operation. */
function byOperation(rows: readonly DiffRow[]): { row: DiffRow; operations: string[] }[] {
  const groups = new Map<string, { row: DiffRow; operations: string[] }>();
  for (const r of rows) {
    const rest: Partial<Conditions> = { ...r.conditions };
    delete rest.operation;
    const key = JSON.stringify([r.api, r.environment, r.token, rest, r.before.mode, r.before.rule, r.after.mode, r.after.rule]);
    const g = groups.get(key);
    if (g) g.operations.push(r.operation);
    else groups.set(key, { row: r, operations: [r.operation] });
  }
  return [...groups.values()];
}

const TITLES = { loosened: 'Loosened', tightened: 'Tightened', 'same-mode-other-rule': 'Same mode, other rule' } as const;

/** The report for a terminal: headline first, then the changed rows, verdicts and facts. */
export function renderHuman(report: DiffReport, options: HumanOptions = {}): string {
  const max = options.maxRows ?? 200;
  const lines = [headline(report, options), ''];
  for (const direction of ['loosened', 'tightened', 'same-mode-other-rule'] as const) {
    const rows = report.rows.filter((r) => r.direction === direction);
    if (rows.length === 0) continue;
    lines.push(`${TITLES[direction]} (${rows.length} ${rows.length === 1 ? 'row' : 'rows'}):`);
    const groups = byOperation(rows);
    const shown = max === 0 ? groups : groups.slice(0, max);
    for (const g of shown) lines.push(`  ${describeRow(g.row, g.operations)}`);
    if (shown.length < groups.length) lines.push(`  … and ${groups.length - shown.length} more lines (--format json lists every row)`);
    lines.push('');
  }
  const changed = report.verdicts.filter((v) => v.verdict !== 'equivalent');
  const otherRuleOnly = report.verdicts.filter((v) => v.verdict === 'equivalent' && v.otherRule > 0).length;
  if (changed.length > 0 || otherRuleOnly > 0) {
    lines.push('Verdicts:');
    for (const v of changed) lines.push(`  ${v.api} · ${v.operation}: ${v.verdict}`);
    if (otherRuleOnly > 0) lines.push(`  ${otherRuleOnly} more ${otherRuleOnly === 1 ? 'operation' : 'operations'}: equivalent, decided by another rule in some calls`);
    lines.push('  every other operation: equivalent', '');
  }
  if (report.facts.length > 0) {
    lines.push('Policy changes:');
    for (const f of report.facts) lines.push(`  - ${f.message}${f.effect === 'changes' ? '' : ` (${f.effect})`}`);
    lines.push('');
  }
  const labels = options.labels ?? { base: 'base', head: 'head' };
  lines.push(`base ${labels.base} · IR ${report.base.irDigest}`, `head ${labels.head} · IR ${report.head.irDigest}`, `${report.summary.cellsEvaluated} cells evaluated on both sides`);
  return lines.join('\n') + '\n';
}
