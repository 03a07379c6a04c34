import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Ir, Mode } from '../ir/types.js';
import { loadTestFixtures, runReplay, runTestSuite, type CaseResult, type TestFixtures } from '../replay/index.js';
import type { TestBundle } from './test.js';

/** One fixture case on one side. */
export interface ReplaySide {
  passed: boolean;
  /** null: the operation was not performed on this side, or no decision was made. */
  mode: Mode | null;
  rule: string | null;
}

/** A replay step's operation or a decision test whose outcome (pass/fail or decision) differs between the bundles. */
export interface ReplayFlip {
  kind: 'Replay' | 'TestSuite';
  fixture: string;
  file: string;
  line: number;
  step: string;
  operation: string;
  /** null when the case did not run on the base (an operation only the head's catalog extracts). */
  before: ReplaySide | null;
  after: ReplaySide | null;
  /** Passed on the base, fails on the head. */
  regression: boolean;
}

export interface ReplayComparison {
  /** Cases run on the head. */
  cases: number;
  /** Cases failing on the head (whether or not they flipped). */
  failing: number;
  flips: ReplayFlip[];
  regressions: number;
  /** Failed on the base, pass on the head. */
  fixed: number;
}

interface Side {
  ir: Ir;
  bundle: TestBundle;
}

async function runAll(fixtures: TestFixtures, side: Side): Promise<Map<string, CaseResult>> {
  const results: CaseResult[] = [];
  for (const replay of fixtures.replays) results.push(...(await runReplay(replay, side.ir, side.bundle.engineFor)).results);
  for (const suite of fixtures.suites) results.push(...(await runTestSuite(suite, side.bundle.engineFor)).results);
  return new Map(results.map((r) => [`${r.kind}\u0000${r.fixture}\u0000${r.step}\u0000${r.index}`, r]));
}

const sideOf = (r: CaseResult): ReplaySide => ({ passed: r.passed, mode: r.actual?.mode ?? null, rule: r.actual?.rule ?? null });

/**
 * Runs the head's replays and decision tests against both bundles (the head's fixtures say what
 * the change is meant to do) and keeps every case whose outcome or decision differs.
 */
export async function replayFlips(options: { tests: string; root: string; base: Side; head: Side }): Promise<ReplayComparison | null> {
  if (!existsSync(path.join(options.root, options.tests))) return null;
  const fixtures = await loadTestFixtures(options.tests, { cwd: options.root });
  if (fixtures.replays.length + fixtures.suites.length === 0) return null;
  const before = await runAll(fixtures, options.base);
  const after = await runAll(fixtures, options.head);
  const flips: ReplayFlip[] = [];
  for (const key of new Set([...after.keys(), ...before.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const r = (a ?? b)!;
    const same = a !== undefined && b !== undefined && a.passed === b.passed && a.actual?.mode === b.actual?.mode && a.actual?.rule === b.actual?.rule;
    if (same) continue;
    flips.push({
      kind: r.kind,
      fixture: r.fixture,
      file: r.file,
      line: r.line,
      step: r.step,
      operation: r.operation,
      before: b ? sideOf(b) : null,
      after: a ? sideOf(a) : null,
      regression: b?.passed === true && a?.passed !== true,
    });
  }
  const results = [...after.values()];
  return {
    cases: results.length,
    failing: results.filter((r) => !r.passed).length,
    flips,
    regressions: flips.filter((f) => f.regression).length,
    fixed: flips.filter((f) => f.before?.passed === false && f.after?.passed === true).length,
  };
}
