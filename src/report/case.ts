import type { CaseResult, TestReport } from '../replay/index.js';

/** Passed, failed and total checked decisions of a run. */
export function counts(report: TestReport): { passed: number; failed: number; total: number } {
  const failed = report.results.filter((r) => !r.passed).length;
  return { passed: report.results.length - failed, failed, total: report.results.length };
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function expectedText(r: CaseResult): string {
  return r.expected ? r.expected.mode : '—';
}

export function actualText(r: CaseResult): string {
  return r.actual ? r.actual.mode : '—';
}

/** A failure's field diffs, then why extraction could not read the request, when it could not. */
export function diffLines(r: Pick<CaseResult, 'diffs' | 'extractError'>): string[] {
  const lines = r.diffs.map((d) => `${d.field}: expected ${show(d.expected)}, got ${show(d.actual)}`);
  if (r.extractError) lines.push(`unparseable: ${extractText(r.extractError)}`);
  return lines;
}

function extractText(error: NonNullable<CaseResult['extractError']>): string {
  return `${error.code} ${error.message}`;
}

/** `fixture › step › operation`, how a failure is named everywhere. */
export function caseTitle(r: CaseResult): string {
  return `${r.fixture} › ${r.step} › ${r.operation}`;
}

/** The deciding rule, with the extractor's code when the request was unparseable. */
export function ruleText(r: CaseResult): string {
  if (!r.actual) return '—';
  return r.extractError ? `${r.actual.rule} (${r.extractError.code})` : r.actual.rule;
}

