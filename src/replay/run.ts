import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { extractDecisionInputs, fingerprintOf } from '../extract/index.js';
import type { HttpRequest } from '../extract/index.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { Decision, Ir } from '../ir/types.js';
import { emptyPolicySet, loadDocumentsFromText } from '../load/index.js';
import type { LoadedDocument, PolicySet, SourceSpan } from '../load/index.js';
import { findPolicyFiles } from '../load/files.js';
import { decodeUtf8 } from '../load/text.js';
import { testDiagnostic } from './codes.js';
import { compareDecision } from './compare.js';
import type { ExpectedDecision, FieldDiff } from './compare.js';
import type { EngineFor } from './engine.js';
import type { DecisionEngine } from '../compile/sdk.js';
import { isBlastguardError } from '../core/errors.js';
import { createContext, placeOf } from '../validate/context.js';
import { invalidTimestamp } from '../validate/rules/invalid-timestamp.js';
import { rawCredential } from '../validate/rules/raw-credential.js';
import { replayInventory } from './inventory.js';

/** The operation label of a request extraction could not understand (an `input:invalid` decision). */
export const UNPARSEABLE = '(unparseable)';
/** The operation label of a test case whose input has no operation name. */
export const NO_OPERATION = '(none)';

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

export interface TestFixtures {
  replays: LoadedDocument<'Replay'>[];
  suites: LoadedDocument<'TestSuite'>[];
  diagnostics: Diagnostic[];
}

const FIXTURE_KIND = /^\s*kind\s*:\s*["']?(Replay|TestSuite)["']?\s*(#.*)?$/m;

/**
 * Every Replay and TestSuite under `dir`, recursively. Only files that declare one of those kinds
 * are read, so a tests directory may hold other YAML (fixtures of other tools, broken policies
 * used by unit tests) without failing `blastguard test`.
 */
export async function loadTestFixtures(dir: string, options: { cwd?: string } = {}): Promise<TestFixtures> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const { files, diagnostics } = await findPolicyFiles(dir, cwd);
  let replays: LoadedDocument<'Replay'>[] = [];
  let suites: LoadedDocument<'TestSuite'>[] = [];
  for (const file of files) {
    let text: string;
    try {
      const decoded = decodeUtf8(await readFile(file.abs));
      if (!decoded.ok) continue;
      text = decoded.text;
    } catch {
      continue;
    }
    if (!FIXTURE_KIND.test(text)) continue;
    const loaded = loadDocumentsFromText(file.rel, text);
    diagnostics.push(...loaded.diagnostics);
    for (const document of loaded.documents) {
      if (document.kind === 'Replay') replays.push(document as LoadedDocument<'Replay'>);
      else if (document.kind === 'TestSuite') suites.push(document as LoadedDocument<'TestSuite'>);
    }
  }
  // Fixtures are checked for committed credentials as policies are (BG056), duplicates included.
  // A fixture holding one is not run: its names and values would be printed in results and reports.
  const leaks = (document: LoadedDocument): boolean => {
    const set: PolicySet = emptyPolicySet(dir);
    if (document.kind === 'Replay') set.replays.push(document as LoadedDocument<'Replay'>);
    else set.testSuites.push(document as LoadedDocument<'TestSuite'>);
    const found = rawCredential.check(createContext(set, new Date(0)));
    diagnostics.push(...found);
    return found.length > 0;
  };
  replays = replays.filter((document) => !leaks(document));
  suites = suites.filter((document) => !leaks(document));

  // Results, summaries and junit suites are keyed by kind and name: a second fixture of a name is
  // reported and not run, so its results never merge into the first one's.
  const seen = new Map<string, LoadedDocument>();
  const unique = (document: LoadedDocument): boolean => {
    const key = `${document.kind}/${document.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, document);
      return true;
    }
    diagnostics.push(
      testDiagnostic(
        'BG427',
        `${document.kind} \`${document.name}\` is already defined at ${placeOf(first, ['metadata', 'name'])}; this one is not run`,
        document.locate(['metadata', 'name'], 'value'),
        'give every replay and test suite its own metadata.name: results and junit reports are keyed by it',
      ),
    );
    return false;
  };
  const keptReplays = replays.filter(unique);
  const keptSuites = suites.filter(unique);
  // A step time (or a date, or an overrides expiry) of the right shape that is no real instant
  // (`2026-02-30T…`): the validator's own check, so `blastguard test` says it where it says BG060.
  const dated: PolicySet = emptyPolicySet(dir);
  dated.replays.push(...keptReplays);
  dated.testSuites.push(...keptSuites);
  diagnostics.push(...invalidTimestamp.check(createContext(dated, new Date(0))));
  for (const replay of keptReplays) diagnostics.push(...duplicateNames(replay, replay.value.spec.steps, 'steps', 'step'));
  for (const suite of keptSuites) diagnostics.push(...duplicateNames(suite, suite.value.spec.cases, 'cases', 'case'));
  return { replays: keptReplays, suites: keptSuites, diagnostics };
}

/** A step or case named like an earlier one of its fixture: their results could not be told apart. */
function duplicateNames(document: LoadedDocument, entries: readonly { name: string }[], field: 'steps' | 'cases', noun: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const first = seen.get(entry.name);
    if (first === undefined) {
      seen.set(entry.name, i);
      return;
    }
    out.push(
      testDiagnostic(
        'BG430',
        `${noun} \`${entry.name}\` of ${document.kind} \`${document.name}\` is already defined at ${placeOf(document, ['spec', field, first, 'name'])}`,
        document.locate(['spec', field, i, 'name'], 'value'),
        `give every ${noun} its own name: results and junit test cases are keyed by it`,
      ),
    );
  });
  return out;
}

export interface FixtureRun {
  results: CaseResult[];
  diagnostics: Diagnostic[];
}

const TOKEN_REF = /\$\{token:([^}]*)\}/g;

/** Runs a replay's steps in order: extraction as the proxy does it, then the bundle's decision. */
export async function runReplay(document: LoadedDocument<'Replay'>, ir: Ir, engineFor: EngineFor): Promise<FixtureRun> {
  const spec = document.value.spec;
  const diagnostics: Diagnostic[] = [];
  const results: CaseResult[] = [];
  const tokens = new Map<string, string>();
  (spec.tokens ?? []).forEach((token, i) => {
    tokens.set(token.name, token.value);
    if (token.declaredAs === undefined) return;
    const declared = ir.tokens.find((t) => t.name === token.declaredAs);
    const at = document.locate(['spec', 'tokens', i, 'declaredAs'], 'value');
    if (!declared) {
      diagnostics.push(testDiagnostic('BG422', `replay token \`${token.name}\` is declared as \`${token.declaredAs}\`, but no Token has that name`, at));
    } else if (declared.fingerprint !== fingerprintOf(token.value)) {
      diagnostics.push(
        testDiagnostic(
          'BG422',
          `replay token \`${token.name}\` does not fingerprint to Token \`${declared.name}\` (\`${declared.fingerprint}\`)`,
          at,
          'the fake value must hash to the Token\'s fingerprint: printf %s "$VALUE" | sha256sum',
        ),
      );
    }
  });
  const inventory = replayInventory(spec.inventory);
  const engine = await engineFor(spec.overrides ?? null);

  for (const [s, step] of spec.steps.entries()) {
    const headers: Record<string, string> = {};
    let unresolved = false;
    for (const [name, value] of Object.entries(step.request.headers ?? {})) {
      if (value === undefined) continue;
      headers[name] = value.replace(TOKEN_REF, (whole, ref: string) => {
        const fake = tokens.get(ref);
        if (fake !== undefined) return fake;
        unresolved = true;
        diagnostics.push(
          testDiagnostic(
            'BG421',
            `\`${whole}\` names no token of this replay`,
            document.locate(['spec', 'steps', s, 'request', 'headers', name], 'value'),
            tokens.size > 0 ? `declared tokens: ${[...tokens.keys()].map((t) => `\`${t}\``).join(', ')}` : 'declare it under spec.tokens',
          ),
        );
        return whole;
      });
    }
    if (unresolved) continue;
    const body = step.request.body ?? (step.request.json === undefined ? undefined : JSON.stringify(step.request.json));
    const request: HttpRequest = { method: step.request.method, url: step.request.url, headers };
    if (body !== undefined) request.body = body;
    const extracted = extractDecisionInputs(request, ir, { time: step.time, inventory });
    const count = Math.max(extracted.length, step.expect.length);
    for (let i = 0; i < count; i++) {
      const found = extracted[i];
      const expected = step.expect[i] ?? null;
      const at: SourceSpan = expected ? document.locate(['spec', 'steps', s, 'expect', i]) : document.locate(['spec', 'steps', s, 'name'], 'value');
      const operation = found ? (found.operation ?? UNPARSEABLE) : (expected?.operation ?? UNPARSEABLE);
      const decided = found ? decide(engine, found.input) : null;
      const actual = decided && 'decision' in decided ? decided.decision : null;
      let diffs: FieldDiff[];
      if (decided && 'failure' in decided) diffs = [decided.failure];
      else if (!found) diffs = [{ field: 'operation', expected: expected?.operation, actual: 'nothing: the request performs fewer operations' }];
      else if (!expected) diffs = [{ field: 'operation', expected: 'nothing: the step expects fewer operations', actual: operation }];
      else diffs = compareDecision(expected, actual as Decision, operation);
      results.push({
        kind: 'Replay',
        fixture: document.name,
        file: document.file,
        line: at.line,
        column: at.column,
        step: step.name,
        index: i,
        operation,
        expected,
        actual,
        input: found?.input ?? null,
        extractError: found?.error ? { code: found.error.code, message: found.error.message } : null,
        passed: diffs.length === 0,
        diffs,
      });
    }
  }
  return { results, diagnostics };
}

/** Runs a suite's cases: each input straight to the bundle, no HTTP. */
export async function runTestSuite(document: LoadedDocument<'TestSuite'>, engineFor: EngineFor): Promise<FixtureRun> {
  const spec = document.value.spec;
  const engine = await engineFor(spec.overrides ?? null);
  const results: CaseResult[] = spec.cases.map((testCase, i) => {
    const at = document.locate(['spec', 'cases', i]);
    const decided = decide(engine, testCase.input);
    const actual = 'decision' in decided ? decided.decision : null;
    const diffs = 'decision' in decided ? compareDecision(testCase.expect, decided.decision) : [decided.failure];
    return {
      kind: 'TestSuite',
      fixture: document.name,
      file: document.file,
      line: at.line,
      column: at.column,
      step: testCase.name,
      index: 0,
      operation: operationOf(testCase.input),
      expected: testCase.expect,
      actual,
      input: testCase.input,
      extractError: null,
      passed: diffs.length === 0,
      diffs,
    };
  });
  return { results, diagnostics: [] };
}

/** A decision, or the engine's refusal (e.g. an input too deep to evaluate) as a failed field. */
function decide(engine: Pick<DecisionEngine, 'decide'>, input: unknown): { decision: Decision } | { failure: FieldDiff } {
  try {
    return { decision: engine.decide(input) };
  } catch (e) {
    if (!isBlastguardError(e)) throw e;
    return { failure: { field: 'decision', expected: 'a decision', actual: `error ${e.code} ${e.message}` } };
  }
}

function operationOf(input: unknown): string {
  if (typeof input !== 'object' || input === null) return NO_OPERATION;
  const operation = (input as Record<string, unknown>)['operation'];
  if (typeof operation !== 'object' || operation === null) return NO_OPERATION;
  const name = (operation as Record<string, unknown>)['name'];
  return typeof name === 'string' && name !== '' ? name : NO_OPERATION;
}
