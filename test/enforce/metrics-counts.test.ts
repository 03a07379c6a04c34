// Decisions are counted by (mode, rule) with the last pair's count kept at hand; any sequence of
// decisions must give the counts a plain tally gives.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EnforcerMetrics, type EnforcerStatus } from '../../src/enforce/index.js';
import type { Decision } from '../../src/ir/types.js';

function metrics(): EnforcerMetrics {
  // The decision counter reads no status; the status-backed gauges are not scraped here.
  return new EnforcerMetrics(() => ({}) as EnforcerStatus);
}

async function counted(m: EnforcerMetrics): Promise<Map<string, number>> {
  const metric = await m.registry.getSingleMetric('blastguard_decisions_total')!.get();
  return new Map(metric.values.map((v) => [`${String(v.labels['mode'])} ${String(v.labels['rule'])}`, v.value]));
}

const decision = (mode: unknown, rule: unknown): Decision => ({ mode, rule }) as unknown as Decision;

describe('decision counts', () => {
  test('any sequence of (mode, rule) pairs is counted as a plain tally counts it', async () => {
    const pair = fc.tuple(fc.constantFrom('allow', 'shadow', 'deny'), fc.constantFrom('r1', 'r2', 'enforcer:error', 'x'));
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 60 }), async (pairs) => {
        const m = metrics();
        const want = new Map<string, number>();
        for (const [mode, rule] of pairs) {
          // Equal strings that are distinct objects count together.
          m.decision(decision(`${mode}`, [rule].join('')), 0.000001);
          want.set(`${mode} ${rule}`, (want.get(`${mode} ${rule}`) ?? 0) + 1);
        }
        expect(await counted(m)).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  test('a decision without mode or rule is counted under those labels, from the first one on', async () => {
    const m = metrics();
    m.decision(decision(undefined, undefined), 0.000001);
    m.decision(decision(undefined, undefined), 0.000001);
    m.decision(decision('deny', 'r'), 0.000001);
    expect(await counted(m)).toEqual(
      new Map([
        ['undefined undefined', 2],
        ['deny r', 1],
      ]),
    );
  });
});
