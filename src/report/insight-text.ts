import { escape } from '../core/untrusted.js';
import type { Caller, Distinct, InsightReport } from '../insight/index.js';

/** Small formatting shared by the decision-log report renderers. */
export function distinctText(d: Distinct): string {
  return d.exact ? String(d.count) : `~${d.count}`;
}

export function callerText(c: Caller): string {
  const parts = [c.token === null ? null : `token ${c.token}`, c.originator === null ? null : `originator ${c.originator}`, c.tenant === null ? null : `tenant ${c.tenant}`];
  const shown = parts.filter((p): p is string => p !== null);
  return shown.length === 0 ? 'no token, no originator' : shown.join(', ');
}

export function durationText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

export function windowText(r: InsightReport): string {
  const from = r.window.since ?? r.window.from ?? '—';
  const to = r.window.until ?? r.window.to ?? '—';
  return `${from} → ${to}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** What promoting a candidate means, in one sentence for reviewers. */
export function candidateWhy(c: InsightReport['candidates'][number]): string {
  return c.why === 'no-hits' ? 'no would-deny in the window' : `all ${count(c.wouldDeny)} would-deny from unexpected callers`;
}

/** What the read set aside besides bad lines (repeats, other policies' events, a policy change), or null. */
export function readNotes(r: InsightReport): string | null {
  const notes: string[] = [];
  if (r.read.duplicates > 0) notes.push(`${count(r.read.duplicates)} repeated decision id(s) counted once`);
  if (r.read.ignored > 0) {
    const top = r.read.ignoredPaths.slice(0, 3).map((p) => `${escape(p.path)} ×${count(p.events)}`);
    notes.push(`${count(r.read.ignored)} event(s) of other policies or without a decision set aside (${top.join(', ')}${r.read.ignoredPaths.length > 3 ? ', …' : ''})`);
  }
  if (r.read.outsideWindow > 0) notes.push(`${count(r.read.outsideWindow)} outside the window`);
  if (r.revisions.length > 1) notes.push(`decided by ${r.revisions.length} bundle revisions (${r.revisions.map((v) => escape(v.revision)).slice(0, 4).join(', ')}${r.revisions.length > 4 ? ', …' : ''})`);
  return notes.length === 0 ? null : `${notes.join('; ')}.`;
}
