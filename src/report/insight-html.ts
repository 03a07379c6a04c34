/**
 * The decision-log report as one self-contained HTML page: the evidence tables and, per rule and
 * per token, would-deny and deny over time as hand-drawn SVG bar charts (no script, no external
 * resource, so it opens from an artifact or a mail attachment).
 */
import type { InsightReport, SeriesReport } from '../insight/index.js';
import { callerText, candidateWhy, count, durationText, windowText } from './insight-text.js';

const WIDTH = 720;
const HEIGHT = 120;
const PAD = 24;

function h(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function chart(kind: 'rule' | 'token', s: SeriesReport, buckets: readonly string[]): string {
  const n = Math.max(buckets.length, 1);
  const max = Math.max(1, ...s.wouldDeny.map((w, i) => w + (s.deny[i] ?? 0)));
  const slot = (WIDTH - PAD) / n;
  const barWidth = Math.max(1, slot * 0.8);
  const plot = HEIGHT - PAD;
  const groups = buckets.map((start, i) => {
    const w = s.wouldDeny[i] ?? 0;
    const d = s.deny[i] ?? 0;
    const x = (PAD + i * slot).toFixed(2);
    const dh = (d / max) * plot;
    const wh = (w / max) * plot;
    const rects = [
      d > 0 ? `<rect class="bar bar-deny" x="${x}" y="${(plot - dh).toFixed(2)}" width="${barWidth.toFixed(2)}" height="${dh.toFixed(2)}" fill="#c62828"></rect>` : '',
      w > 0 ? `<rect class="bar bar-would-deny" x="${x}" y="${(plot - dh - wh).toFixed(2)}" width="${barWidth.toFixed(2)}" height="${wh.toFixed(2)}" fill="#f9a825"></rect>` : '',
    ].join('');
    return `<g class="bucket" data-start="${h(start)}" data-would-deny="${w}" data-deny="${d}"><title>${h(start)}: ${w} would-deny, ${d} deny</title>${rects}</g>`;
  });
  const total = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  return [
    `<figure class="series" data-kind="${kind}" data-name="${h(s.name)}">`,
    `<figcaption><code>${h(s.name)}</code> — ${count(total(s.wouldDeny))} would-deny, ${count(total(s.deny))} deny</figcaption>`,
    `<svg class="chart" role="img" aria-label="${h(`${s.name}: would-deny and deny over time`)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<line x1="${PAD}" y1="${plot}" x2="${WIDTH}" y2="${plot}" stroke="#999"></line>`,
    `<text x="0" y="12" font-size="10">${max}</text>`,
    `<text x="${PAD}" y="${HEIGHT - 6}" font-size="10">${h(buckets[0] ?? '')}</text>`,
    `<text x="${WIDTH}" y="${HEIGHT - 6}" font-size="10" text-anchor="end">${h(buckets[buckets.length - 1] ?? '')}</text>`,
    ...groups,
    '</svg></figure>',
  ].join('\n');
}

function table(id: string, head: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `<p id="${id}" class="empty">${h(empty)}</p>`;
  return [`<table id="${id}"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>`, ...rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`), '</tbody></table>'].join('\n');
}

function c(text: string): string {
  return `<code>${h(text)}</code>`;
}

export function renderInsightHtml(r: InsightReport): string {
  const buckets = r.timeline.buckets;
  const body = [
    '<h1>Decision-log report</h1>',
    `<p id="summary">Window ${h(windowText(r))}: <strong>${count(r.read.events)}</strong> decisions (${count(r.modes.allow)} allow, ${count(r.modes.shadow)} would-deny, ${count(r.modes.deny)} deny). Bars are ${h(durationText(r.timeline.widthMs))} wide. <span class="key"><span style="color:#f9a825">■</span> would-deny <span style="color:#c62828">■</span> deny</span></p>`,
    '<h2>Promotion candidates</h2>',
    table('candidates', ['rule', 'would-deny', 'evidence'], r.candidates.map((x) => [c(x.rule), count(x.wouldDeny), h(candidateWhy(x))]), 'None: every shadow rule has hits from expected callers.'),
    '<h2>Noisy shadow rules</h2>',
    table('noisy', ['rule', 'would-deny', 'from expected callers', 'example'], r.noisy.map((x) => [c(x.rule), count(x.wouldDeny), count(x.expected), x.samples[0] ? `${c(x.samples[0].id)} ${h(callerText(x.samples[0].caller))}` : '']), 'None.'),
    '<h2>Bursts</h2>',
    table('bursts', ['actor', 'from', 'to', 'calls', 'operations'], r.bursts.map((b) => [c(b.actor), h(new Date(b.startMs).toISOString()), h(new Date(b.endMs).toISOString()), count(b.calls), b.operations.map(c).join(' ')]), 'None.'),
    '<h2>Tokens</h2>',
    table('tokens', ['token', 'calls', 'never used', 'a narrower grant would deny'], r.tokens.map((t) => [c(t.token), count(t.calls), t.unused.map(c).join(' ') || '—', t.narrowerDenies.calls === 0 ? '—' : `${count(t.narrowerDenies.calls)}: ${t.narrowerDenies.operations.map(c).join(' ')}`]), 'No token was seen.'),
    '<h2>Would-deny and deny over time, per rule</h2>',
    `<section id="rule-charts">${r.timeline.rules.map((s) => chart('rule', s, buckets)).join('\n') || '<p class="empty">No rule fired.</p>'}</section>`,
    '<h2>Would-deny and deny over time, per token</h2>',
    `<section id="token-charts">${r.timeline.tokens.map((s) => chart('token', s, buckets)).join('\n') || '<p class="empty">No token was seen.</p>'}</section>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>blastguard decision-log report</title>',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    '<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}figure{margin:1em 0}code{font-size:12px}</style>',
    '</head><body>',
    ...body,
    '</body></html>',
  ].join('\n') + '\n';
}
