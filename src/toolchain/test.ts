import { stat } from 'node:fs/promises';
import path from 'node:path';
import { readBundle, type Bundle } from '../bundle/index.js';
import { isBlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { fileStart, sortDiagnostics } from '../diagnostics/create.js';
import { closest } from '../diagnostics/suggest.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { irDigest } from '../ir/build.js';
import type { Ir } from '../ir/types.js';
import {
  checkExpectations,
  coverageDiagnostics,
  loadTestFixtures,
  ruleCoverage,
  ruleIds,
  runReplay,
  runTestSuite,
  testDiagnostic,
  type CaseResult,
  type EngineFor,
  type FixtureSummary,
  type RunOptions,
  type TestFixtures,
  type TestReport,
} from '../replay/index.js';
import { buildBundle, packBuiltBundle } from './bundle.js';
import { checkPolicies } from './check.js';
import { bundleEngines } from './engines.js';
import { TEST_CODES } from '../replay/codes.js';

/** The bundle replays run against, as a host would hold it. */
export interface TestBundle {
  /** The bundle as `blastguard build` would write it, unsigned (`.tar.gz` bytes). */
  bytes: Uint8Array;
  /** The IR digest: a test run's revision names what was compiled, not a commit. */
  revision: string;
  bundle: Bundle;
  engineFor: EngineFor;
}

/**
 * Builds the bundle with `buildBundle` (the way `blastguard build` does), packs it, reads it back
 * and runs its `policy.wasm` with its `data.json` through the official OPA Wasm SDK: replays
 * exercise the artifact that ships, not the TypeScript reference.
 */
export async function loadTestBundle(ir: Ir): Promise<TestBundle> {
  const revision = irDigest(ir);
  const bytes = packBuiltBundle(await buildBundle(ir, { revision }));
  const bundle = await readBundle(bytes);
  return { bytes, revision, bundle, engineFor: bundleEngines(bundle) };
}

export interface RunTestsOptions {
  /** The policy directory, relative to `cwd`. */
  dir: string;
  /** Where Replay and TestSuite files are looked for, recursively. */
  tests: string;
  cwd: string;
  /** Run only the Replay or TestSuite of this `metadata.name`. */
  fixture?: string;
  /** Run only the steps and cases whose name contains this text. */
  step?: string;
  /** Fail below this rule coverage (0–100); null never fails on coverage. A partial run is not measured. */
  minCoverage?: number | null;
  /** The validation clock (token expiry warnings); default now. */
  now?: Date;
}

/** A coverage percentage from 0 to 100 (`90`, `90%`, `99.5`); undefined when the text is none. */
export function parsePercent(value: string): number | undefined {
  const text = value.trim().replace(/%$/, '');
  const n = Number(text);
  return text === '' || !Number.isFinite(n) || n < 0 || n > 100 ? undefined : n;
}

function failed(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>): TestReport {
  return { diagnostics, sources, results: [], fixtures: [], coverage: null, revision: null, ok: false };
}

/**
 * `blastguard test` without the printing: loads and checks the policies, builds the bundle once
 * in memory, runs every replay step and test case against its Wasm, and measures rule coverage.
 * Never throws for anything in the user's files.
 */
export async function runTests(options: RunTestsOptions): Promise<TestReport> {
  const cwd = options.cwd;
  // A missing tests directory is the one thing to say: validating policies first would bury it
  // under their findings (or a BG003 when --dir is wrong too) and coverage warnings.
  const testsDir = path.resolve(cwd, options.tests);
  const target = await stat(testsDir).then(
    (st) => (st.isDirectory() ? 'directory' : 'file'),
    () => 'missing',
  );
  if (target === 'missing') {
    const d = testDiagnostic(
      TEST_CODES.testsPathMissing,
      `tests path \`${options.tests}\` does not exist`,
      fileStart(options.tests),
      'pass the directory (or one file) holding your Replay and TestSuite files with --tests (default `test`)',
    );
    return failed([d], new Map());
  }

  const loaded = await checkPolicies(options.now === undefined ? { dir: options.dir, cwd } : { dir: options.dir, cwd, now: options.now });
  const policyDiagnostics = loaded.diagnostics;
  if (loaded.ir === null) return failed(policyDiagnostics, loaded.sources);
  const ir = loaded.ir;
  let bundle: TestBundle;
  try {
    bundle = await loadTestBundle(ir);
  } catch (e) {
    if (!isBlastguardError(e)) throw e;
    const at = fileStart(loaded.set.root);
    const d = testDiagnostic(TEST_CODES.bundleUnavailable, `the bundle cannot be built for testing: ${e.code} ${e.message}`, at, e.help);
    return failed([...policyDiagnostics, d], loaded.sources);
  }

  const fixtures = await loadTestFixtures(options.tests, { cwd });
  const diagnostics: Diagnostic[] = [...policyDiagnostics, ...fixtures.diagnostics];
  if (fixtures.replays.length + fixtures.suites.length === 0 && !fixtures.diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(
      testDiagnostic(
        TEST_CODES.noFixtures,
        `no Replay or TestSuite found under \`${escape(options.tests)}\``,
        fileStart(options.tests),
        `add YAML files of \`kind: Replay\` or \`kind: TestSuite\` under \`${escape(options.tests)}\`, or pass the directory holding them with --tests`,
      ),
    );
  }
  const selection = select(fixtures, options);
  const rules = ruleIds(loaded.set);
  for (const document of [...selection.replays, ...selection.suites]) diagnostics.push(...checkExpectations(document, rules));
  const ran = await runSelected(selection, ir, bundle.engineFor);
  diagnostics.push(...ran.diagnostics);
  const results = ran.results;
  const filtered = options.fixture !== undefined || options.step !== undefined;
  if (filtered && results.length === 0) diagnostics.push(noMatch(options, [...fixtures.replays, ...fixtures.suites].map((d) => d.name)));
  // A filter, or one file instead of a directory, runs part of the fixtures: coverage then says
  // nothing about the policies, so it is neither warned about nor enforced.
  const partial = filtered || target === 'file';
  const coverage = ruleCoverage(loaded.set, results);
  if (partial && options.minCoverage !== undefined && options.minCoverage !== null) {
    diagnostics.push(
      testDiagnostic(
        TEST_CODES.coverageNotEnforced,
        `--min-coverage ${options.minCoverage} was not enforced: this run is partial (${filtered ? '--fixture or --step' : 'one file'})`,
        fileStart(options.tests),
        'coverage is measured over every fixture; run without --fixture/--step and with the tests directory to enforce it',
      ),
    );
  }
  if (!partial) {
    const findings = coverageDiagnostics(coverage, options.minCoverage ?? null, suiteHome(fixtures.suites, options.tests));
    // With nothing run, one warning per rule would only repeat BG423.
    diagnostics.push(...(results.length === 0 ? findings.filter((d) => d.code !== TEST_CODES.ruleNotCovered) : findings));
  }
  const ok = results.every((r) => r.passed) && !diagnostics.some((d) => d.severity === 'error');
  return {
    diagnostics: sortDiagnostics(distinct(diagnostics)),
    sources: new Map([...loaded.sources, ...fixtures.sources]),
    results,
    fixtures: summaries(selection, partial ? results : null),
    coverage,
    revision: bundle.revision,
    ok,
  };
}

interface Selection {
  replays: TestFixtures['replays'];
  suites: TestFixtures['suites'];
  run: RunOptions;
}

/** The fixtures `--fixture` names (all without it), and the step filter `--step` gives. */
function select(fixtures: TestFixtures, options: RunTestsOptions): Selection {
  const picked = (d: { name: string }): boolean => options.fixture === undefined || d.name === options.fixture;
  const step = options.step;
  return {
    replays: fixtures.replays.filter(picked),
    suites: fixtures.suites.filter(picked),
    run: step === undefined ? {} : { only: (name: string): boolean => name.includes(step) },
  };
}

/** Every selected replay step and test case, against the bundle's engines. */
async function runSelected(selection: Selection, ir: Ir, engineFor: EngineFor): Promise<{ results: CaseResult[]; diagnostics: Diagnostic[] }> {
  const results: CaseResult[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const replay of selection.replays) {
    const ran = await runReplay(replay, ir, engineFor, selection.run);
    results.push(...ran.results);
    diagnostics.push(...ran.diagnostics);
  }
  for (const suite of selection.suites) {
    const ran = await runTestSuite(suite, engineFor, selection.run);
    results.push(...ran.results);
    diagnostics.push(...ran.diagnostics);
  }
  return { results, diagnostics };
}

/** One line per fixture; in a partial run only the fixtures something ran of (`ranOnly`). */
function summaries(selection: Selection, ranOnly: readonly CaseResult[] | null): FixtureSummary[] {
  const all: FixtureSummary[] = [
    ...selection.replays.map((d) => ({ kind: d.kind, name: d.name, file: d.file, title: d.value.spec.title })),
    ...selection.suites.map((d) => ({ kind: d.kind, name: d.name, file: d.file, title: d.value.metadata.description ?? `${d.value.spec.cases.length} decision tests` })),
  ];
  if (ranOnly === null) return all;
  const ran = new Set(ranOnly.map((r) => `${r.kind}/${r.fixture}`));
  return all.filter((f) => ran.has(`${f.kind}/${f.name}`));
}

/** Where the repository keeps its TestSuites (the directory of the first one), else the tests path. */
function suiteHome(suites: readonly { file: string }[], tests: string): string {
  const first = suites[0];
  return first === undefined ? tests : path.posix.dirname(first.file);
}

/** BG433: a filter that selects nothing would otherwise pass with nothing checked. */
function noMatch(options: RunTestsOptions, names: readonly string[]): Diagnostic {
  const parts = [
    ...(options.fixture === undefined ? [] : [`fixture \`${options.fixture}\``]),
    ...(options.step === undefined ? [] : [`steps containing \`${options.step}\``]),
  ];
  const fixtureKnown = options.fixture === undefined || names.includes(options.fixture);
  const near = options.fixture === undefined || fixtureKnown ? undefined : closest(options.fixture, names);
  const help =
    near !== undefined
      ? `did you mean \`${near}\`?`
      : fixtureKnown
        ? 'the step filter matches a part of a step or case name, case-sensitively'
        : `fixtures: ${names.map((n) => `\`${n}\``).join(', ') || '(none)'}`;
  return testDiagnostic(TEST_CODES.filterMatchesNothing, `no replay step or test case matches ${parts.join(' and ')}`, fileStart(options.tests), help);
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
