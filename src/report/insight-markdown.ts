/**
 * The decision-log report as Markdown: the body of the promotion pull request and of
 * `blastguard report --format markdown`. Evidence first (candidates, noisy rules, bursts,
 * least-privilege review), then the full per-rule and per-operation tables.
 */
import type { InsightReport } from '../insight/index.js';
import { callerText, candidateWhy, count, distinctText, durationText, windowText, readNotes } from './insight-text.js';

/** Operations listed in the table before the rest is summarised. */
const MAX_OPERATIONS = 40;

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/`/g, "'");
}

function code(text: string): string {
  return `\`${cell(text)}\``;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export function renderInsightMarkdown(r: InsightReport, options: { title?: string } = {}): string {
  const out: string[] = [`## ${options.title ?? 'Decision-log report'}`, ''];
  out.push(
    `Window ${code(windowText(r))}: **${count(r.read.events)}** decisions (${count(r.modes.allow)} allow, ${count(r.modes.shadow)} would-deny, ${count(r.modes.deny)} deny) from ${count(r.read.files)} file(s)` +
      (r.read.bad > 0 ? `, ${count(r.read.bad)} bad line(s) skipped` : '') +
      '.' +
      (readNotes(r) === null ? '' : ` ${cell(readNotes(r)!)}`),
  );
  out.push(`Unexpected callers: ${r.unexpectedPatterns.length === 0 ? 'none marked' : r.unexpectedPatterns.map(code).join(', ')}. Distinct counts: ${r.distinctMethod}.`, '');

  out.push('### Promotion candidates', '');
  if (r.candidates.length === 0) out.push('None: every shadow rule has would-deny hits from expected callers.', '');
  else
    out.push(
      ...table(
        ['rule', 'would-deny', 'evidence', 'samples'],
        r.candidates.map((c) => [code(c.rule), count(c.wouldDeny), cell(candidateWhy(c)), c.samples.map((s) => `${code(s.id)} (${cell(callerText(s.caller))})`).join('<br>') || '—']),
      ),
      '',
    );

  out.push('### Noisy shadow rules', '');
  if (r.noisy.length === 0) out.push('None.', '');
  else
    out.push(
      ...table(
        ['rule', 'would-deny', 'from expected callers', 'samples'],
        r.noisy.map((n) => [code(n.rule), count(n.wouldDeny), count(n.expected), n.samples.map((s) => `${code(s.id)} ${code(s.operation)} (${cell(callerText(s.caller))})`).join('<br>')]),
      ),
      '',
    );

  out.push(`### Bursts (≥ ${r.burstOptions.threshold} distinct destructive calls within ${durationText(r.burstOptions.windowMs)})`, '');
  if (r.bursts.length === 0) out.push('None.', '');
  else
    out.push(
      ...table(
        ['actor', 'from', 'to', 'calls', 'denied', 'operations', 'resources', 'samples'],
        r.bursts.map((b) => [
          code(b.actor),
          new Date(b.startMs).toISOString(),
          new Date(b.endMs).toISOString(),
          count(b.calls),
          count(b.denied),
          b.operations.map(code).join(', '),
          count(b.resources),
          b.sampleIds.slice(0, 3).map(code).join(' '),
        ]),
      ),
      '',
    );

  out.push('### Tokens: used against granted', '');
  if (r.tokens.length === 0 && r.idleTokens.length === 0) out.push('No token was seen.', '');
  else {
    out.push(
      ...table(
        ['token', 'calls', 'operations used', 'never used (granted)', 'a narrower grant would deny', 'outside grant'],
        r.tokens.map((t) => [
          code(t.token) + (t.declared ? '' : ' (undeclared)'),
          count(t.calls),
          t.used.map((u) => `${code(u.operation)}×${count(u.calls)}`).join(', '),
          t.declared ? (t.unused.length === 0 ? '—' : t.unused.map(code).join(', ')) : 'n/a',
          t.narrowerDenies.calls === 0 ? '—' : `${count(t.narrowerDenies.calls)} call(s): ${t.narrowerDenies.operations.map(code).join(', ')}`,
          count(t.outsideGrant),
        ]),
      ),
      '',
    );
    if (r.idleTokens.length > 0) out.push(`Declared tokens with no call in the window: ${r.idleTokens.map((t) => code(t.token)).join(', ')}.`, '');
  }

  out.push('### Rules', '');
  out.push(
    ...table(
      ['rule', 'mode', 'decided', 'would-deny', 'deny', 'tokens', 'originators', 'tenants', 'first seen', 'last seen', 'samples'],
      r.rules.map((x) => [
        code(x.id),
        x.mode ?? '—',
        count(x.decided),
        count(x.wouldDeny),
        count(x.deny),
        distinctText(x.callers.tokens),
        distinctText(x.callers.originators),
        distinctText(x.callers.tenants),
        x.firstSeen ?? '—',
        x.lastSeen ?? '—',
        x.sampleIds.slice(0, 2).map(code).join(' ') || '—',
      ]),
    ),
    '',
  );

  out.push('### Operations', '');
  const ops = r.operations.slice(0, MAX_OPERATIONS);
  out.push(
    ...table(
      ['operation', 'class', 'decisions', 'would-deny', 'deny', 'tokens', 'originators', 'tenants', 'first seen', 'last seen'],
      ops.map((o) => [code(`${o.api}/${o.operation}`), o.class ?? '—', count(o.decisions), count(o.wouldDeny), count(o.deny), distinctText(o.callers.tokens), distinctText(o.callers.originators), distinctText(o.callers.tenants), o.firstSeen, o.lastSeen]),
    ),
  );
  if (r.operations.length > ops.length) out.push('', `…and ${count(r.operations.length - ops.length)} more operations (\`--format json\` lists them all).`);
  return out.join('\n') + '\n';
}
