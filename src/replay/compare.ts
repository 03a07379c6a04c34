import type { Decision } from '../ir/types.js';
import type { Expectation, TestSuiteDocument } from '../schemas/types.generated.js';

/**
 * What a replay step or a test case expects of one decision; absent fields are not checked. The
 * union of the two schemas' expectation shapes, so a schema change reaches the comparison.
 */
export type ExpectedDecision = Omit<Expectation, 'operation'> &
  Omit<TestSuiteDocument['spec']['cases'][number]['expect'], 'mode'> & { operation?: string };

export interface FieldDiff {
  field: string;
  expected: unknown;
  actual: unknown;
}

const SCALARS = ['mode', 'allow', 'would_deny', 'enforced', 'rule', 'environment', 'environment_assumed'] as const;

/** The fields where a decision differs from its expectation, in a stable order. */
export function compareDecision(expected: ExpectedDecision, actual: Decision, actualOperation?: string): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (expected.operation !== undefined && actualOperation !== undefined && expected.operation !== actualOperation) {
    diffs.push({ field: 'operation', expected: expected.operation, actual: actualOperation });
  }
  for (const field of SCALARS) {
    const want = expected[field];
    if (want !== undefined && want !== actual[field]) diffs.push({ field, expected: want, actual: actual[field] });
  }
  if (expected.reasons !== undefined && JSON.stringify(expected.reasons) !== JSON.stringify(actual.reasons)) {
    diffs.push({ field: 'reasons', expected: expected.reasons, actual: actual.reasons });
  }
  if (expected.violations !== undefined && !violationsMatch(expected.violations, actual.violations)) {
    diffs.push({ field: 'violations', expected: expected.violations, actual: actual.violations });
  }
  return diffs;
}

/**
 * Exactly these violations, in any order: every expected entry pairs with a distinct actual one
 * that agrees on the fields the entry gives, and nothing is left over.
 */
export function violationsMatch(expected: NonNullable<ExpectedDecision['violations']>, actual: Decision['violations']): boolean {
  if (expected.length !== actual.length) return false;
  const used = new Set<number>();
  const agrees = (e: (typeof expected)[number], a: Decision['violations'][number]): boolean =>
    e.kind === a.kind &&
    (e.rule === undefined || e.rule === a.rule) &&
    (e.mode === undefined || e.mode === a.mode) &&
    (e.token === undefined || e.token === a.token);
  // Most specific expectations first, so a loose entry never steals the pair a precise one needs.
  const order = [...expected].sort((x, y) => specificity(y) - specificity(x));
  for (const e of order) {
    const i = actual.findIndex((a, index) => !used.has(index) && agrees(e, a));
    if (i < 0) return false;
    used.add(i);
  }
  return true;
}

function specificity(e: NonNullable<ExpectedDecision['violations']>[number]): number {
  return (e.rule === undefined ? 0 : 1) + (e.mode === undefined ? 0 : 1) + (e.token === undefined ? 0 : 1);
}
