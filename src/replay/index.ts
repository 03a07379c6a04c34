import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isBlastguardError } from '../core/errors.js';
import { fileStart, sortDiagnostics } from '../diagnostics/create.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { buildIr } from '../ir/build.js';
import { checkPolicyDir } from '../validate/index.js';
import { testDiagnostic } from './codes.js';
import { coverageDiagnostics, ruleCoverage } from './coverage.js';
import { buildTestBundle } from './engine.js';
import { checkExpectations, ruleIds } from './expectations.js';
import type { FixtureSummary, TestReport } from './report.js';
import { loadTestFixtures, runReplay, runTestSuite } from './run.js';
import type { CaseResult } from './run.js';

export { TEST_CODES } from './codes.js';
export { compareDecision, violationsMatch } from './compare.js';
export type { ExpectedDecision, FieldDiff } from './compare.js';
export { coverageDiagnostics, formatPercent, ruleCoverage } from './coverage.js';
export type { RuleCoverage } from './coverage.js';
export { DECISION_ENTRYPOINT, buildTestBundle, withOverrides } from './engine.js';
export type { EngineFor, OverridesSpec, TestBundle } from './engine.js';
export { SYSTEM_RULE_IDS, VIOLATION_KINDS, checkExpectations, ruleIds } from './expectations.js';
export { replayInventory } from './inventory.js';
export { caseTitle, counts, formatGithub, formatHuman, formatHumanResults, formatHumanVerdict, formatJson, formatJunit } from './report.js';
export type { FixtureSummary, HumanOptions, TestFormat, TestReport, TestReportJson } from './report.js';
export { NO_OPERATION, UNPARSEABLE, loadTestFixtures, runReplay, runTestSuite } from './run.js';
export type { CaseResult, FixtureRun, TestFixtures } from './run.js';

export interface RunTestsOptions {
  /** The policy directory. */
  dir: string;
  /** Where Replay and TestSuite files are looked for, recursively. */
  tests: string;
  cwd?: string;
  /** Fail below this rule coverage (0–100); null never fails on coverage. */
  minCoverage?: number | null;
  /** The validation clock (token expiry warnings); default now. */
  now?: Date;
}

/**
 * `blastguard test` without the printing: loads and checks the policies, builds the bundle once
 * in memory, runs every replay step and test case against its Wasm, and measures rule coverage.
 * Never throws for anything in the user's files.
 */
export async function runTests(options: RunTestsOptions): Promise<TestReport> {
  const cwd = options.cwd ?? process.cwd();
  // A missing tests directory is the one thing to say: validating policies first would bury it
  // under their findings (or a BG003 when --dir is wrong too) and coverage warnings.
  const testsDir = path.resolve(cwd, options.tests);
  const kind = await stat(testsDir).then(
    (st) => (st.isDirectory() ? 'dir' : 'file'),
    () => 'missing',
  );
  if (kind !== 'dir') {
    const d = testDiagnostic(
      'BG426',
      kind === 'missing' ? `tests directory \`${options.tests}\` does not exist` : `tests path \`${options.tests}\` is not a directory`,
      fileStart(options.tests),
      'pass the directory holding your Replay and TestSuite files with --tests (default `test`)',
    );
    return { diagnostics: [d], results: [], fixtures: [], coverage: null, revision: null, ok: false };
  }

  const loaded = await checkPolicyDir(options.dir, options.now === undefined ? { cwd } : { cwd, now: options.now });
  const policyDiagnostics = loaded.diagnostics;
  if (loaded.errorCount > 0) {
    return { diagnostics: policyDiagnostics, results: [], fixtures: [], coverage: null, revision: null, ok: false };
  }
  const ir = buildIr(loaded.set);
  let bundle: Awaited<ReturnType<typeof buildTestBundle>>;
  try {
    bundle = await buildTestBundle(ir);
  } catch (e) {
    if (!isBlastguardError(e)) throw e;
    const at = fileStart(loaded.set.root);
    const d = testDiagnostic('BG428', `the bundle cannot be built for testing: ${e.code} ${e.message}`, at, e.help);
    return { diagnostics: [...policyDiagnostics, d], results: [], fixtures: [], coverage: null, revision: null, ok: false };
  }

  const fixtures = await loadTestFixtures(options.tests, { cwd });
  const diagnostics: Diagnostic[] = [...policyDiagnostics, ...fixtures.diagnostics];
  if (fixtures.replays.length + fixtures.suites.length === 0 && !fixtures.diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(
      testDiagnostic('BG423', `no Replay or TestSuite found under \`${options.tests}\``, fileStart(options.tests), 'add replays under test/incidents/ and suites under test/policies/'),
    );
  }
  const rules = ruleIds(loaded.set);
  for (const document of [...fixtures.replays, ...fixtures.suites]) diagnostics.push(...checkExpectations(document, rules));
  const results: CaseResult[] = [];
  const summaries: FixtureSummary[] = [
    ...fixtures.replays.map((d) => ({ kind: d.kind, name: d.name, file: d.file, title: d.value.spec.title })),
    ...fixtures.suites.map((d) => ({ kind: d.kind, name: d.name, file: d.file, title: d.value.metadata.description ?? `${d.value.spec.cases.length} decision tests` })),
  ];
  for (const replay of fixtures.replays) {
    const run = await runReplay(replay, ir, bundle.engineFor);
    results.push(...run.results);
    diagnostics.push(...run.diagnostics);
  }
  for (const suite of fixtures.suites) {
    const run = await runTestSuite(suite, bundle.engineFor);
    results.push(...run.results);
    diagnostics.push(...run.diagnostics);
  }
  const coverage = ruleCoverage(loaded.set, results);
  // With nothing run, one warning per rule would only repeat BG423.
  const coverageFindings = coverageDiagnostics(coverage, options.minCoverage ?? null);
  diagnostics.push(...(results.length === 0 ? coverageFindings.filter((d) => d.code !== 'BG424') : coverageFindings));
  const ok = results.every((r) => r.passed) && !diagnostics.some((d) => d.severity === 'error');
  return { diagnostics: sortDiagnostics(distinct(diagnostics)), results, fixtures: summaries, coverage, revision: bundle.revision, ok };
}

/** Each finding once: fixtures under the policy directory are checked by validation and by the fixture loader alike. */
function distinct(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.file, d.line, d.column, d.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
