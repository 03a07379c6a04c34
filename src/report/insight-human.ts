/** The decision-log report for a terminal: the evidence sections, then the busiest rules. */
import { escape } from '../core/untrusted.js';
import type { InsightReport } from '../insight/index.js';
import { callerText, candidateWhy, count, distinctText, durationText, readNotes, windowText } from './insight-text.js';

const MAX_RULES = 20;

export function renderInsightHuman(r: InsightReport): string {
  const out: string[] = [];
  out.push(`decision logs ${windowText(r)}: ${count(r.read.events)} decisions (${count(r.modes.allow)} allow, ${count(r.modes.shadow)} would-deny, ${count(r.modes.deny)} deny), ${count(r.read.files)} file(s), ${count(r.read.bad)} bad line(s)`);
  const setAside = readNotes(r);
  if (setAside !== null) out.push(`  ${setAside}`);
  out.push('');
  out.push('promotion candidates (shadow → deny):');
  if (r.candidates.length === 0) out.push('  none');
  for (const c of r.candidates) out.push(`  ${escape(c.rule)}: ${candidateWhy(c)}${c.samples[0] ? ` (e.g. ${escape(c.samples[0].id)}, ${escape(callerText(c.samples[0].caller))})` : ''}`);
  out.push('noisy shadow rules:');
  if (r.noisy.length === 0) out.push('  none');
  for (const n of r.noisy) out.push(`  ${escape(n.rule)}: ${count(n.expected)} of ${count(n.wouldDeny)} would-deny from expected callers${n.samples[0] ? ` (e.g. ${escape(n.samples[0].id)}, ${escape(callerText(n.samples[0].caller))})` : ''}`);
  out.push(`bursts (≥ ${r.burstOptions.threshold} distinct destructive calls within ${durationText(r.burstOptions.windowMs)}):`);
  if (r.bursts.length === 0) out.push('  none');
  for (const b of r.bursts) {
    out.push(`  ${escape(b.actor)} ${new Date(b.startMs).toISOString()} → ${new Date(b.endMs).toISOString()}: ${count(b.calls)} calls, ${b.operations.length} operations (${b.operations.map((o) => escape(o)).join(', ')}), ${count(b.resources)} resources, ${count(b.denied)} denied`);
  }
  out.push('tokens:');
  if (r.tokens.length === 0) out.push('  none seen');
  for (const t of r.tokens) {
    out.push(`  ${escape(t.token)}${t.declared ? '' : ' (undeclared)'}: ${count(t.calls)} calls, ${t.used.length} operations used, ${distinctText(t.originators)} originators`);
    if (t.unused.length > 0) out.push(`    never used: ${t.unused.map((o) => escape(o)).join(', ')}`);
    if (t.narrowerDenies.calls > 0) out.push(`    a grant of the expected callers' operations would deny ${count(t.narrowerDenies.calls)} call(s) to ${t.narrowerDenies.operations.map((o) => escape(o)).join(', ')}`);
    if (t.outsideGrant > 0) out.push(`    ${count(t.outsideGrant)} call(s) outside its grants`);
  }
  for (const t of r.idleTokens) out.push(`  ${escape(t.token)}: no call in the window (grants ${t.granted.length} operations)`);
  out.push('rules:');
  for (const x of r.rules.slice(0, MAX_RULES)) {
    out.push(`  ${escape(x.id)}${x.mode === null ? '' : ` [${x.mode}]`}: ${count(x.wouldDeny)} would-deny, ${count(x.deny)} deny, ${distinctText(x.callers.tokens)} tokens, ${distinctText(x.callers.originators)} originators, ${distinctText(x.callers.tenants)} tenants${x.firstSeen === null ? '' : `, ${x.firstSeen} → ${x.lastSeen}`}`);
  }
  if (r.rules.length > MAX_RULES) out.push(`  …and ${r.rules.length - MAX_RULES} more (--format json lists them all)`);
  return out.join('\n') + '\n';
}
