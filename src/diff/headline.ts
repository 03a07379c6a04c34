import type { DiffReport, DiffRow } from './types.js';

export interface HeadlineOptions {
  /** Incident replays whose outcome regresses on the head (counted by the caller); left out when unknown. */
  replayRegressions?: number;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Policy rules behind the loosened rows, at most `max`, for the headline's "via". */
function loosenedBy(rows: readonly DiffRow[], max: number): string[] {
  const ids: string[] = [];
  for (const r of rows) {
    if (r.direction !== 'loosened') continue;
    for (const id of [r.before.rule, r.after.rule]) {
      if (id.includes('/') && !ids.includes(id)) ids.push(id);
    }
  }
  return ids.length > max ? [...ids.slice(0, max), '…'] : ids;
}

/**
 * One line for the top of every rendering, e.g.
 * `⚠ loosens 3 decisions in production (1 destructive) via `p/r` · tightens 2 · 0 incident replays regress`.
 * A panic flag flip always comes first.
 */
export function headline(report: DiffReport, options: HeadlineOptions = {}): string {
  const parts: string[] = [];
  const o = report.overrides;
  if (o?.flipped) parts.push(`panic flag ${o.before.enforcement} → ${o.after.enforcement}`);
  const s = report.summary;
  if (s.loosened > 0) {
    const envs = [...new Set(report.rows.filter((r) => r.direction === 'loosened' && r.protected).flatMap((r) => protectedLabels(report, r)))];
    const where = envs.length > 0 ? envs.join(', ') : 'a protected environment';
    const details: string[] = [];
    let text = `loosens ${plural(s.loosened, 'decision')}`;
    if (s.loosenedProtected === s.loosened) text += ` in ${where}`;
    else if (s.loosenedProtected > 0) details.push(`${s.loosenedProtected} in ${where}`);
    if (s.loosenedDestructive > 0) details.push(`${s.loosenedDestructive} destructive`);
    if (details.length > 0) text += ` (${details.join(', ')})`;
    const via = loosenedBy(report.rows, 2);
    if (via.length > 0) text += ` via ${via.map((id) => (id === '…' ? id : `\`${id}\``)).join(', ')}`;
    parts.push(text);
  }
  if (s.tightened > 0) parts.push(`tightens ${s.tightened}`);
  if (s.sameModeOtherRule > 0) parts.push(`${s.sameModeOtherRule} decided by another rule`);
  if (parts.length === 0) parts.push('no decision changes');
  if (options.replayRegressions !== undefined) parts.push(`${plural(options.replayRegressions, 'incident replay')} regress`);
  const warn = s.loosened > 0 || (o?.flipped === true && o.after.enforcement === 'shadow-all');
  return `${warn ? '⚠' : '✓'} ${parts.join(' · ')}`;
}

/** The protected environments a row touches on the head side (`unknown` lands in the most protected one). */
function protectedLabels(report: DiffReport, row: DiffRow): string[] {
  const api = report.apis.find((a) => a.name === row.api);
  if (!api) return [];
  const named = row.environment.filter((e) => api.protectedEnvironments.includes(e));
  const first = api.protectedEnvironments[0];
  return row.environment.includes('unknown') && first !== undefined ? [...named, first] : named;
}
