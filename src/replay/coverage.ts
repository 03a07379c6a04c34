import type { Diagnostic } from '../diagnostics/types.js';
import type { PolicySet } from '../load/index.js';
import { testDiagnostic } from './codes.js';
import type { CaseResult } from './types.js';
import { TEST_CODES } from './codes.js';

export interface RuleCoverage {
  /** Every rule as `<policy>/<rule>`, in policy-file then rule order. */
  rules: { id: string; covered: boolean; file: string; line: number; column: number }[];
  covered: number;
  total: number;
  /** 100 when there are no rules. */
  percent: number;
}

/**
 * Which rules some replay step or test case exercised: a rule counts when it decided a decision
 * or appears among its violations (so a deny rule outweighed by another deny still counts; an
 * allow rule only counts when it decided).
 */
export function ruleCoverage(set: PolicySet, results: readonly CaseResult[]): RuleCoverage {
  const hit = new Set<string>();
  for (const r of results) {
    if (!r.actual) continue;
    hit.add(r.actual.rule);
    for (const v of r.actual.violations) hit.add(v.rule);
  }
  const rules: RuleCoverage['rules'] = [];
  for (const policy of set.policies) {
    policy.value.spec.rules.forEach((rule, i) => {
      const id = `${policy.name}/${rule.id}`;
      const at = policy.locate(['spec', 'rules', i, 'id'], 'value');
      rules.push({ id, covered: hit.has(id), file: at.file, line: at.line, column: at.column });
    });
  }
  const covered = rules.filter((r) => r.covered).length;
  const total = rules.length;
  return { rules, covered, total, percent: total === 0 ? 100 : (covered / total) * 100 };
}

/**
 * A warning per rule nothing exercised, and an error below `minCoverage`. `suiteHome` is where the
 * help sends the user to add a case: the directory the repository's TestSuites live in.
 */
export function coverageDiagnostics(coverage: RuleCoverage, minCoverage: number | null, suiteHome: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of coverage.rules) {
    if (rule.covered) continue;
    out.push(
      testDiagnostic(
        TEST_CODES.ruleNotCovered,
        `rule \`${rule.id}\` is not exercised by any replay step or test case`,
        { file: rule.file, line: rule.line, column: rule.column, endLine: rule.line, endColumn: rule.column + rule.id.length - rule.id.indexOf('/') - 1 },
        `add a TestSuite case under \`${suiteHome}\` whose input this rule decides or matches`,
      ),
    );
  }
  if (minCoverage !== null && coverage.percent < minCoverage) {
    const first = coverage.rules.find((r) => !r.covered);
    out.push(
      testDiagnostic(
        TEST_CODES.coverageBelowMinimum,
        `rule coverage is ${formatPercent(coverage.percent)}, below the required ${formatPercent(minCoverage)}`,
        first
          ? { file: first.file, line: first.line, column: first.column, endLine: first.line, endColumn: first.column }
          : { file: '.', line: 1, column: 1, endLine: 1, endColumn: 1 },
      ),
    );
  }
  return out;
}

export function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}
