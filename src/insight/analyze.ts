import type { Ir } from '../ir/types.js';
import type { Aggregate, RuleAcc, SampledCall } from './aggregate.js';
import type { DistinctCounter } from './distinct.js';
import { DISTINCT_METHOD } from './distinct.js';
import { grantedOperations } from './grants.js';
import type { ReadLogsStats } from './read-logs.js';
import type { Distinct, InsightReport, RuleReport, SampleCall, SeriesReport, TokenReport } from './types.js';

export interface AnalyzeInput {
  aggregate: Aggregate;
  read: ReadLogsStats;
  ir: Ir | null;
  unexpectedPatterns: readonly string[];
  sinceMs: number | null;
  untilMs: number | null;
  bursts: { windowMs: number; threshold: number };
}

/** Series drawn per rule and per token: the busiest, so the page stays readable. */
const MAX_SERIES = 24;

function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function distinct(c: DistinctCounter): Distinct {
  return { count: c.count, exact: c.isExact };
}

function samples(calls: readonly SampledCall[]): SampleCall[] {
  return calls.map((c) => ({ id: c.id, operation: c.operation, caller: { ...c.caller } }));
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Turns the folded tables into the report: candidates, noisy rules, token reviews, series. */
export function analyze(input: AnalyzeInput): InsightReport {
  const { aggregate, ir } = input;
  const declaredModes = new Map<string, 'allow' | 'shadow' | 'deny'>();
  for (const policy of ir?.policies ?? []) for (const rule of policy.rules) declaredModes.set(rule.id, rule.mode);

  const ruleReport = (id: string, acc: RuleAcc | undefined): RuleReport => ({
    id,
    mode: declaredModes.get(id) ?? null,
    decided: acc?.decided ?? 0,
    wouldDeny: acc?.wouldDeny ?? 0,
    deny: acc?.deny ?? 0,
    unexpected: acc?.unexpected ?? 0,
    callers: {
      tokens: acc === undefined ? { count: 0, exact: true } : distinct(acc.callers.tokens),
      originators: acc === undefined ? { count: 0, exact: true } : distinct(acc.callers.originators),
      tenants: acc === undefined ? { count: 0, exact: true } : distinct(acc.callers.tenants),
    },
    firstSeen: acc === undefined ? null : iso(acc.extent.first),
    lastSeen: acc === undefined ? null : iso(acc.extent.last),
    sampleIds: acc?.samples.slice() ?? [],
  });

  const rules = [...aggregate.rules].map(([id, acc]) => ruleReport(id, acc));
  // Declared shadow rules with no hit at all still belong in the table: they are candidates.
  for (const [id, mode] of declaredModes) if (mode === 'shadow' && !aggregate.rules.has(id)) rules.push(ruleReport(id, undefined));
  rules.sort((a, b) => b.wouldDeny + b.deny - (a.wouldDeny + a.deny) || byName(a.id, b.id));

  // A rule is shadow when the set says so, or (without a set) when the logs only show it shadowing.
  const isShadow = (r: RuleReport): boolean => (r.mode !== null ? r.mode === 'shadow' : r.wouldDeny > 0 && r.deny === 0 && r.id.includes('/'));
  const candidates: InsightReport['candidates'] = [];
  const noisy: InsightReport['noisy'] = [];
  for (const r of rules) {
    if (!isShadow(r)) continue;
    const acc = aggregate.rules.get(r.id);
    if (r.wouldDeny === 0) candidates.push({ rule: r.id, why: 'no-hits', wouldDeny: 0, samples: [] });
    else if (r.unexpected === r.wouldDeny) candidates.push({ rule: r.id, why: 'unexpected-only', wouldDeny: r.wouldDeny, samples: samples(acc?.unexpectedSamples ?? []) });
    else noisy.push({ rule: r.id, wouldDeny: r.wouldDeny, expected: r.wouldDeny - r.unexpected, samples: samples(acc?.expectedSamples ?? []) });
  }
  candidates.sort((a, b) => byName(a.rule, b.rule));
  noisy.sort((a, b) => b.expected - a.expected || byName(a.rule, b.rule));

  const operations = [...aggregate.operations.values()]
    .map((op) => ({
      api: op.api,
      operation: op.operation,
      class: op.opClass,
      decisions: op.decisions,
      wouldDeny: op.wouldDeny,
      deny: op.deny,
      callers: { tokens: distinct(op.callers.tokens), originators: distinct(op.callers.originators), tenants: distinct(op.callers.tenants) },
      firstSeen: iso(op.extent.first)!,
      lastSeen: iso(op.extent.last)!,
      sampleIds: op.samples.slice(),
    }))
    .sort((a, b) => b.decisions - a.decisions || byName(`${a.api}/${a.operation}`, `${b.api}/${b.operation}`));

  const declaredTokens = new Map((ir?.tokens ?? []).map((t) => [t.fingerprint, t]));
  const tokens: TokenReport[] = [...aggregate.tokens].map(([fingerprint, acc]) => {
    const declared = declaredTokens.get(fingerprint);
    const granted = declared === undefined || ir === null ? null : new Set(grantedOperations(ir, declared));
    const used = [...acc.operations]
      .map(([operation, use]) => ({ operation, calls: use.calls, unexpected: use.unexpected, granted: granted === null ? null : granted.has(operation) }))
      .sort((a, b) => b.calls - a.calls || byName(a.operation, b.operation));
    const usedNames = new Set(used.map((u) => u.operation));
    const unexpectedOnly = used.filter((u) => u.granted !== false && u.unexpected === u.calls);
    return {
      token: declared?.name ?? fingerprint,
      fingerprint,
      declared: declared !== undefined,
      apis: [...acc.apis].sort(),
      calls: acc.calls,
      outsideGrant: acc.outsideGrant,
      originators: distinct(acc.originators),
      firstSeen: iso(acc.extent.first)!,
      lastSeen: iso(acc.extent.last)!,
      used,
      unused: granted === null ? [] : [...granted].filter((op) => !usedNames.has(op)),
      narrowerDenies: { operations: unexpectedOnly.map((u) => u.operation).sort(), calls: unexpectedOnly.reduce((n, u) => n + u.calls, 0) },
      suggested: used.filter((u) => u.granted !== false && u.unexpected < u.calls).map((u) => u.operation).sort(),
    };
  });
  tokens.sort((a, b) => b.calls - a.calls || byName(a.token, b.token));
  const idleTokens = (ir?.tokens ?? [])
    .filter((t) => !aggregate.tokens.has(t.fingerprint))
    .map((t) => ({ token: t.name, granted: grantedOperations(ir!, t) }))
    .sort((a, b) => byName(a.token, b.token));

  const buckets = aggregate.timeline.buckets();
  const first = aggregate.timeline.firstIndex;
  const seriesOf = (name: string, s: { dense: (f: number, n: number) => { wouldDeny: number[]; deny: number[] } }): SeriesReport => ({ name, ...s.dense(first, buckets.length) });
  const ruleSeries = rules
    .filter((r) => r.wouldDeny + r.deny > 0)
    .slice(0, MAX_SERIES)
    .map((r) => seriesOf(r.id, aggregate.rules.get(r.id)!.series));
  const tokenSeries = tokens
    .slice(0, MAX_SERIES)
    .map((t) => seriesOf(t.token, aggregate.tokens.get(t.fingerprint)!.series));

  return {
    window: {
      from: iso(aggregate.extent.first),
      to: iso(aggregate.extent.last),
      since: input.sinceMs === null ? null : iso(input.sinceMs),
      until: input.untilMs === null ? null : iso(input.untilMs),
    },
    read: input.read,
    modes: { ...aggregate.modes },
    revisions: [...aggregate.revisions]
      .map(([revision, r]) => ({ revision, events: r.events, firstSeen: iso(r.extent.first)!, lastSeen: iso(r.extent.last)! }))
      .sort((a, b) => byName(a.firstSeen, b.firstSeen) || byName(a.revision, b.revision)),
    distinctMethod: DISTINCT_METHOD,
    unexpectedPatterns: [...input.unexpectedPatterns],
    rules,
    operations,
    candidates,
    noisy,
    tokens,
    idleTokens,
    bursts: aggregate.bursts(),
    burstOptions: { ...input.bursts },
    timeline: { widthMs: aggregate.timeline.widthMs, buckets: buckets.map((b) => new Date(b).toISOString()), rules: ruleSeries, tokens: tokenSeries },
  };
}
