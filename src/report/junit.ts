import type { CaseResult, TestReport } from '../replay/index.js';
import { caseTitle, counts, diffLines } from './case.js';
import { xml } from './xml.js';

/** JUnit XML: one testsuite per Replay/TestSuite, one testcase per checked decision. */
export function formatJunit(report: TestReport): string {
  const byFixture = new Map<string, CaseResult[]>();
  for (const r of report.results) {
    const key = `${r.kind}/${r.fixture}`;
    const list = byFixture.get(key) ?? [];
    list.push(r);
    byFixture.set(key, list);
  }
  const n = counts(report);
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<testsuites name="blastguard" tests="${n.total + (errors.length > 0 ? 1 : 0)}" failures="${n.failed}" errors="${errors.length > 0 ? 1 : 0}">\n`;
  for (const [key, results] of byFixture) {
    const first = results[0];
    if (!first) continue;
    const failed = results.filter((r) => !r.passed).length;
    out += `  <testsuite name="${xml(key)}" tests="${results.length}" failures="${failed}" errors="0" file="${xml(first.file)}">\n`;
    const nameOf = (r: CaseResult): string => (r.kind === 'Replay' ? `${r.step} › ${r.operation}${r.index > 0 ? ` #${r.index + 1}` : ''}` : r.step);
    // Steps or cases sharing a name (BG430) keep one test case each: report viewers key test cases
    // by classname and name and would show only one, so a repeated name is told apart by its line.
    const uses = new Map<string, number>();
    for (const r of results) uses.set(nameOf(r), (uses.get(nameOf(r)) ?? 0) + 1);
    for (const r of results) {
      const plain = nameOf(r);
      const name = (uses.get(plain) ?? 0) > 1 ? `${plain} (line ${r.line})` : plain;
      const open = `    <testcase classname="${xml(r.fixture)}" name="${xml(name)}" file="${xml(r.file)}" line="${r.line}"`;
      if (r.passed) {
        out += `${open}/>\n`;
        continue;
      }
      const message = diffLines(r).join('; ');
      out += `${open}>\n`;
      out += `      <failure message="${xml(message)}" type="BG420">${xml(`${r.file}:${r.line}:${r.column} ${caseTitle(r)}\n${diffLines(r).join('\n')}`, false)}</failure>\n`;
      out += '    </testcase>\n';
    }
    out += '  </testsuite>\n';
  }
  if (errors.length > 0) {
    out += `  <testsuite name="blastguard/diagnostics" tests="1" failures="0" errors="1">\n`;
    out += `    <testcase classname="blastguard" name="policies and fixtures load">\n`;
    out += `      <error message="${xml(`${errors.length} error(s)`)}">${xml(errors.map((d) => `${d.file}:${d.line}:${d.column}: ${d.code} ${d.message}`).join('\n'), false)}</error>\n`;
    out += '    </testcase>\n  </testsuite>\n';
  }
  out += '</testsuites>\n';
  return out;
}
