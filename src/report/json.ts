import type { Diagnostic } from '../diagnostics/types.js';
import type { CaseResult, FieldDiff, FixtureSummary, RuleCoverage, TestReport } from '../replay/index.js';
import { counts } from './case.js';

/** The stable shape of `--format json`. */
export interface TestReportJson {
  ok: boolean;
  revision: string | null;
  summary: { passed: number; failed: number; total: number };
  fixtures: FixtureSummary[];
  results: {
    kind: CaseResult['kind'];
    fixture: string;
    file: string;
    line: number;
    column: number;
    step: string;
    index: number;
    operation: string;
    passed: boolean;
    expected: CaseResult['expected'];
    actual: CaseResult['actual'];
    /** Why the step's request was unparseable (the extractor's code and message); null when it was not. */
    extractError: CaseResult['extractError'];
    diffs: FieldDiff[];
  }[];
  coverage: RuleCoverage | null;
  diagnostics: Diagnostic[];
}

export function formatJson(report: TestReport): string {
  const body: TestReportJson = {
    ok: report.ok,
    revision: report.revision,
    summary: counts(report),
    fixtures: report.fixtures,
    results: report.results.map((r) => ({
      kind: r.kind,
      fixture: r.fixture,
      file: r.file,
      line: r.line,
      column: r.column,
      step: r.step,
      index: r.index,
      operation: r.operation,
      passed: r.passed,
      expected: r.expected,
      actual: r.actual,
      extractError: r.extractError,
      diffs: r.diffs,
    })),
    coverage: report.coverage,
    diagnostics: report.diagnostics,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

