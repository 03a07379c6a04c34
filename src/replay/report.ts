import { escapeData, escapeProperty, formatDiagnostics } from '../diagnostics/format.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { RuleCoverage } from './coverage.js';
import { formatPercent } from './coverage.js';
import type { FieldDiff } from './compare.js';
import type { CaseResult } from './run.js';

export type TestFormat = 'human' | 'json' | 'github';

/** One Replay or TestSuite that ran. */
export interface FixtureSummary {
  kind: 'Replay' | 'TestSuite';
  name: string;
  file: string;
  /** The replay's `spec.title`, or the suite's `metadata.description`. */
  title: string;
}

export interface TestReport {
  /** Policy, fixture and coverage findings (failures are in `results`). */
  diagnostics: Diagnostic[];
  results: CaseResult[];
  fixtures: FixtureSummary[];
  /** null when the policies did not validate, so nothing ran. */
  coverage: RuleCoverage | null;
  /** The bundle revision the fixtures ran against. */
  revision: string | null;
  ok: boolean;
}

export function counts(report: TestReport): { passed: number; failed: number; total: number } {
  const failed = report.results.filter((r) => !r.passed).length;
  return { passed: report.results.length - failed, failed, total: report.results.length };
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function expectedText(r: CaseResult): string {
  return r.expected ? r.expected.mode : '—';
}

function actualText(r: CaseResult): string {
  return r.actual ? r.actual.mode : '—';
}

/** A failure's field diffs, then why extraction could not read the request, when it could not. */
function diffLines(r: Pick<CaseResult, 'diffs' | 'extractError'>): string[] {
  const lines = r.diffs.map((d) => `${d.field}: expected ${show(d.expected)}, got ${show(d.actual)}`);
  if (r.extractError) lines.push(`unparseable: ${extractText(r.extractError)}`);
  return lines;
}

function extractText(error: NonNullable<CaseResult['extractError']>): string {
  return `${error.code} ${error.message}`;
}

function ruleText(r: CaseResult): string {
  if (!r.actual) return '—';
  return r.extractError ? `${r.actual.rule} (${r.extractError.code})` : r.actual.rule;
}

/** `fixture › step › operation`, how a failure is named everywhere. */
export function caseTitle(r: CaseResult): string {
  return `${r.fixture} › ${r.step} › ${r.operation}`;
}

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
  readSource?: (file: string) => string | undefined;
}

function painter(color: boolean | undefined): (code: string, text: string) => string {
  return (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
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
      ? `\n${formatDiagnostics(report.diagnostics, 'human', { color: options.color ?? false, readSource: options.readSource, maxErrors: 0 })}`
      : '';
  return `${formatHumanResults(report, options)}${diagnostics}${formatHumanVerdict(report, options)}`;
}

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

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Attribute-value normalisation turns literal tab, newline and return into spaces; references survive.
const XML_ATTRIBUTE_WHITESPACE: Readonly<Record<string, string>> = { '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Text safe in an XML 1.0 element (or, with `attribute`, an attribute value). Characters outside
 * the Char production (C0 controls but tab, newline and return; U+FFFE, U+FFFF; lone surrogates)
 * cannot appear even as character references, so they are written as visible `\u{…}` escapes.
 */
export function xml(text: string, attribute = true): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
        continue;
      }
    }
    const ch = text.charAt(i);
    const replaced = XML_ENTITIES[ch] ?? (attribute ? XML_ATTRIBUTE_WHITESPACE[ch] : undefined);
    if (replaced !== undefined) out += replaced;
    else if (ch === '\t' || ch === '\n' || ch === '\r' || (unit >= 0x20 && unit <= 0xd7ff) || (unit >= 0xe000 && unit <= 0xfffd)) out += ch;
    else out += `\\u{${unit.toString(16).padStart(4, '0')}}`;
  }
  return out;
}

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
