// A pull request that changes only the panic flag (overrides) or an API's defaults reaches every
// cell of every API, so the diff must not split what the change cannot decide differently. These
// assert the work (cells evaluated), not wall time: speed goals are in test/bench/diff.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffDecisions, type DiffReport } from '../../src/diff/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir } from '../../src/ir/types.js';
import { irArb } from '../differential/arbitraries.js';
import { pairArb } from './mutations.js';
import { DIFF_SEED } from './seed.js';
import { clone, irOf } from './support.js';

const withOverrides = (ir: Ir, overrides: Ir['overrides']): Ir => ({ ...clone(ir), overrides });
const LOCKDOWN: Ir['overrides'] = { enforcement: 'lockdown', reason: 'incident INC-7 under way', expires: '2026-12-01T00:00:00Z' };

/** Every row's example decides on each side as the row says. */
function examplesHold(base: Ir, head: Ir, report: DiffReport): void {
  for (const row of report.rows) {
    const b = evaluate(base, row.example);
    const h = evaluate(head, row.example);
    expect([b.mode, b.rule, h.mode, h.rule]).toEqual([row.before.mode, row.before.rule, row.after.mode, row.after.rule]);
  }
}

describe('a change of the panic flag or the defaults only', () => {
  it('splits nothing when the flag changes only its reason and how its expiry is written (FC_SEED=3, pair 3 of the exactness test: 52,629 cells before)', () => {
    // The pair the exactness test drew third with FC_SEED=3; rebuilt here from the same generator.
    const { base, head } = fc.sample(pairArb, { seed: 3, numRuns: 4 })[3]!;
    expect({ ...head, overrides: base.overrides }).toEqual(base);
    expect(head.overrides).not.toEqual(base.overrides);
    const report = diffDecisions(base, head);
    expect(report.rows).toEqual([]);
    expect(report.summary.cellsEvaluated).toBe(0);
  });

  it('splits nothing when the flag is in force on neither side, whatever its reason and expiry', () => {
    fc.assert(
      fc.property(irArb, fc.constantFrom(null, '', 'why'), fc.constantFrom(null, '2026-04-25T21:14:03Z', 'not a time'), (base, reason, expires) => {
        const off = withOverrides(base, { enforcement: 'normal', reason, expires });
        // shadow-all without a reason or an end is ignored by the evaluator.
        const ignored = withOverrides(base, { enforcement: 'shadow-all', reason: reason === 'why' ? '' : reason, expires });
        for (const head of [off, ignored]) expect(diffDecisions(withOverrides(base, { enforcement: 'normal', reason: null, expires: null }), head).summary.cellsEvaluated).toBe(0);
      }),
      { numRuns: 30, seed: DIFF_SEED },
    );
  });

  it('a lockdown on the example repository splits only destructive operations, on the base side (7,424 cells before)', async () => {
    const base = await irOf();
    const head = withOverrides(base, LOCKDOWN);
    const report = diffDecisions(base, head);
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) {
      expect(row.after).toMatchObject({ mode: 'deny', rule: 'overrides:lockdown', class: 'destructive' });
      expect(row.conditions.time).toEqual({ from: null, until: '2026-12-01T00:00:00Z' });
    }
    examplesHold(base, head, report);
    expect(report.summary.cellsEvaluated).toBeLessThanOrEqual(1_200);
    // The same lockdown with another reason changes no decision at all.
    expect(diffDecisions(head, withOverrides(base, { ...LOCKDOWN, reason: 'incident INC-8' })).summary.cellsEvaluated).toBe(0);
  });

  it('shadow-all on the example repository splits only where a side can deny (7,424 cells before)', async () => {
    const base = await irOf();
    const head = withOverrides(base, { ...LOCKDOWN, enforcement: 'shadow-all' });
    const report = diffDecisions(base, head);
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) {
      expect([row.before.mode, row.after.mode]).toEqual(['deny', 'shadow']);
      expect(row.after.rule).toBe(row.before.rule);
    }
    examplesHold(base, head, report);
    expect(report.summary.cellsEvaluated).toBeLessThanOrEqual(2_700);
  });

  it('new defaults on the example repository split only where no rule decides (4,390 cells before)', async () => {
    const base = await irOf();
    const head = clone(base);
    for (const api of head.apis) api.defaults = { read: 'deny', write: 'allow', destructive: 'shadow' };
    const report = diffDecisions(base, head);
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) expect([row.before.rule, row.after.rule].some((r) => r.startsWith('default:'))).toBe(true);
    examplesHold(base, head, report);
    // The bound grows with the example catalog (1,134 cells with the gh/Octokit routes of github-rest).
    expect(report.summary.cellsEvaluated).toBeLessThanOrEqual(1_500);
  });
});
