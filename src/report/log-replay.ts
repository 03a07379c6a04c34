/**
 * `test --logs` results: the headline a reviewer reads ("this change would have denied 12 of the
 * 48,211 logged calls"), then each group of flipped decisions with examples.
 */
import type { LogReplay } from '../toolchain/index.js';
import { escape } from '../core/untrusted.js';

function n(x: number): string {
  return x.toLocaleString('en-US');
}

export function logReplayHeadline(r: LogReplay): string {
  const window = r.window.from === null ? 'no logged calls' : `${r.window.from} → ${r.window.to}`;
  const parts = [`this change would have denied ${n(r.newlyDenied)} of the ${n(r.letThrough)} logged calls let through (${window}, ${n(r.read.events)} decisions)`];
  if (r.newlyAllowed > 0) parts.push(`and let through ${n(r.newlyAllowed)} logged denies`);
  if (r.otherFlips > 0) parts.push(`${n(r.otherFlips)} allow/shadow changes`);
  if (r.failures > 0) parts.push(`${n(r.failures)} inputs failed to decide`);
  return parts.join('; ');
}

export function renderLogReplayHuman(r: LogReplay): string {
  const out = [`decision logs: ${logReplayHeadline(r)}`];
  for (const g of r.groups) {
    out.push(`  ${escape(g.api)}/${escape(g.operation)}: ${g.before} → ${g.after} (${escape(g.rule)}) ×${n(g.count)}`);
    for (const e of g.examples) out.push(`    ${escape(e.id)} at ${e.time}${e.originator === null ? '' : ` originator ${escape(e.originator)}`}${e.tenant === null ? '' : ` tenant ${escape(e.tenant)}`}`);
  }
  return out.join('\n') + '\n';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/[\r\n]+/g, ' ');
}

export function renderLogReplayMarkdown(r: LogReplay): string {
  const out = ['### Recorded traffic', '', `**${cell(logReplayHeadline(r))}.**`, ''];
  if (r.groups.length > 0) {
    out.push('| operation | before → after | deciding rule | calls | examples |', '| --- | --- | --- | --- | --- |');
    for (const g of r.groups) {
      out.push(`| \`${cell(`${g.api}/${g.operation}`)}\` | ${g.before} → ${g.after} | \`${cell(g.rule)}\` | ${n(g.count)} | ${g.examples.map((e) => `\`${cell(e.id)}\` ${cell(e.originator ?? e.tenant ?? '')}`).join('<br>')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
