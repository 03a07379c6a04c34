import { formatDiagnostics } from '../diagnostics/format.js';
import { formatPercent } from '../replay/index.js';
import type { TestReport } from '../replay/index.js';
import { actualText, caseTitle, counts, diffLines, expectedText, ruleText } from './case.js';
import { painter } from './paint.js';

// Keeps the table readable in a 150-column terminal; failure diffs and JSON carry the full names.
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd()).join('\n');
}

export interface HumanOptions {
  color?: boolean;
}

/** The results table, failure diffs, per-fixture lines and coverage: everything but diagnostics and the verdict. */
export function formatHumanResults(report: TestReport, options: HumanOptions = {}): string {
  const paint = painter(options.color);
  let out = '';
  if (report.results.length > 0) {
    const rows = [['', 'FIXTURE', 'STEP', 'OPERATION', 'EXPECTED', 'ACTUAL', 'RULE']];
    for (const r of report.results) {
      rows.push([r.passed ? 'ok' : 'FAIL', clip(r.fixture, 28), clip(r.step, 44), clip(r.operation, 28), expectedText(r), actualText(r), ruleText(r)]);
    }
    out += `${table(rows)
      .split('\n')
      .map((line) => (line.startsWith('FAIL') ? paint('31', line) : line))
      .join('\n')}\n`;
  }
  const failures = report.results.filter((r) => !r.passed);
  if (failures.length > 0) {
    out += `\n${paint('1', 'Failures')}\n`;
    for (const r of failures) {
      out += `\n${paint('1;31', 'FAIL')} ${r.file}:${r.line}:${r.column} ${caseTitle(r)}\n`;
      for (const line of diffLines(r)) out += `  ${line}\n`;
      if (r.actual && r.actual.reasons.length > 0) out += `  ${paint('2', `reasons: ${r.actual.reasons.join(' | ')}`)}\n`;
    }
  }
  if (report.fixtures.length > 0) {
    out += '\n';
    const rows = report.fixtures.map((f) => {
      const mine = report.results.filter((r) => r.kind === f.kind && r.fixture === f.name);
      const failed = mine.filter((r) => !r.passed).length;
      return { f, failed, text: `${failed > 0 ? 'FAIL' : 'ok  '} ${mine.length - failed}/${mine.length}` };
    });
    const width = Math.max(...rows.map((r) => r.text.length));
    for (const { f, failed, text } of rows) {
      out += `${paint(failed > 0 ? '31' : '32', text.padEnd(width))}  ${f.kind === 'Replay' ? 'replay' : 'suite '} ${f.name}: ${f.title}\n`;
    }
  }
  if (report.coverage) {
    const c = report.coverage;
    out += `\nrule coverage: ${c.covered}/${c.total} rules (${formatPercent(c.percent)})\n`;
  }
  return out;
}

/** The last line: PASS or FAIL with the counts. */
export function formatHumanVerdict(report: TestReport, options: HumanOptions = {}): string {
  const paint = painter(options.color);
  const n = counts(report);
  const status = report.ok ? paint('1;32', 'PASS') : paint('1;31', 'FAIL');
  return `\n${status} ${n.passed} passed, ${n.failed} failed, ${n.total} decisions checked\n`;
}

/** The whole human report in one string (results, diagnostics, verdict). */
export function formatHuman(report: TestReport, options: HumanOptions = {}): string {
  const diagnostics =
    report.diagnostics.length > 0
      ? `\n${formatDiagnostics(report.diagnostics, 'human', { color: options.color ?? false, readSource: (file) => report.sources.get(file), maxErrors: 0 })}`
      : '';
  return `${formatHumanResults(report, options)}${diagnostics}${formatHumanVerdict(report, options)}`;
}
