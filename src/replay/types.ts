import type { Diagnostic } from '../diagnostics/types.js';
import type { DecisionEngine } from '../engine/index.js';
import type { Decision, IrOverrides } from '../ir/types.js';
import type { ExpectedDecision, FieldDiff } from './compare.js';
import type { RuleCoverage } from './coverage.js';

/** What a replay or a suite may put in place of the repository's Overrides. */
export interface OverridesSpec {
  enforcement: IrOverrides['enforcement'];
  reason?: string;
  expires?: string;
}

/**
 * Decides with the bundle under test, or with its data under other Overrides. Replays take this
 * factory and build nothing themselves: whoever runs them decides which artifact they exercise.
 */
export type EngineFor = (overrides: OverridesSpec | null) => Promise<Pick<DecisionEngine, 'decide'>>;

/** One checked decision: a replay step's operation or a test case. */
export interface CaseResult {
  kind: 'Replay' | 'TestSuite';
  /** metadata.name of the Replay or TestSuite. */
  fixture: string;
  file: string;
  line: number;
  column: number;
  /** The step's or the case's name. */
  step: string;
  /** Position of the operation within its step (0 for test cases). */
  index: number;
  /** The operation the request performed (or the input names); `(unparseable)` when extraction failed. */
  operation: string;
  /** null: the request performed an operation the step did not expect. */
  expected: ExpectedDecision | null;
  /** null: the step expected an operation the request did not perform. */
  actual: Decision | null;
  /** The decision input that was sent (never holds a raw token). */
  input: unknown;
  /** Why extraction could not understand the step's request (the `input:invalid` cause); null otherwise. */
  extractError: { code: string; message: string } | null;
  passed: boolean;
  diffs: FieldDiff[];
}

/** One Replay or TestSuite that ran. */
export interface FixtureSummary {
  kind: 'Replay' | 'TestSuite';
  name: string;
  file: string;
  /** The replay's `spec.title`, or the suite's `metadata.description`. */
  title: string;
}

/** Everything a test run found; the renderers in src/report/ print it. */
export interface TestReport {
  /** Policy, fixture and coverage findings (failures are in `results`). */
  diagnostics: Diagnostic[];
  /** The text the loaders read, by the file name diagnostics carry: code frames show only this. */
  sources: ReadonlyMap<string, string>;
  results: CaseResult[];
  fixtures: FixtureSummary[];
  /** null when the policies did not validate, so nothing ran. */
  coverage: RuleCoverage | null;
  /** The bundle revision the fixtures ran against. */
  revision: string | null;
  ok: boolean;
}
