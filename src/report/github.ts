import { escapeData, escapeProperty, formatDiagnostics } from '../diagnostics/format.js';
import { formatPercent } from '../replay/index.js';
import type { TestReport } from '../replay/index.js';
import { caseTitle, counts, diffLines } from './case.js';

/** GitHub workflow commands: failures annotate the fixture at the step's expectation. */
export function formatGithub(report: TestReport): string {
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.passed) continue;
    const props = [`file=${escapeProperty(r.file)}`, `line=${r.line}`, `col=${r.column}`, `title=${escapeProperty(`BG420 ${caseTitle(r)}`)}`].join(',');
    lines.push(`::error ${props}::${escapeData([`${caseTitle(r)}: decision differs from the expectation`, ...diffLines(r)].join('\n'))}`);
  }
  const diagnostics = formatDiagnostics(report.diagnostics, 'github', { maxErrors: 0 });
  const n = counts(report);
  const coverage = report.coverage ? `; rule coverage ${formatPercent(report.coverage.percent)}` : '';
  return `${lines.map((l) => `${l}\n`).join('')}${diagnostics}${report.ok ? 'PASS' : 'FAIL'} ${n.passed} passed, ${n.failed} failed${coverage}\n`;
}

