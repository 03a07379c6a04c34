import { extractDecisionInputs, fingerprintOf } from '../extract/index.js';
import type { HttpRequest } from '../extract/index.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { DecisionEngine } from '../engine/index.js';
import type { Decision, Ir } from '../ir/types.js';
import type { LoadedDocument, SourceSpan } from '../load/index.js';
import { isBlastguardError } from '../core/errors.js';
import { testDiagnostic } from './codes.js';
import { compareDecision } from './compare.js';
import type { FieldDiff } from './compare.js';
import { replayInventory } from './inventory.js';
import type { CaseResult, EngineFor } from './types.js';
import { TEST_CODES } from './codes.js';

/** The operation label of a request extraction could not understand (an `input:invalid` decision). */
export const UNPARSEABLE = '(unparseable)';
/** The operation label of a test case whose input has no operation name. */
export const NO_OPERATION = '(none)';
/** The operation label of a replay step whose request could not be made (BG421), when it expects none by name. */
export const NOT_RUN = '(not run)';

export interface RunOptions {
  /** Run only the steps or cases whose name this accepts (`blastguard test --step`). */
  only?: (name: string) => boolean;
}

export interface FixtureRun {
  results: CaseResult[];
  diagnostics: Diagnostic[];
}

const TOKEN_REF = /\$\{token:([^}]*)\}/g;

/** Runs a replay's steps in order: extraction as the proxy does it, then the bundle's decision. */
export async function runReplay(document: LoadedDocument<'Replay'>, ir: Ir, engineFor: EngineFor, options: RunOptions = {}): Promise<FixtureRun> {
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
      diagnostics.push(testDiagnostic(TEST_CODES.fingerprintMismatch, `replay token \`${token.name}\` is declared as \`${token.declaredAs}\`, but no Token has that name`, at));
    } else if (declared.family !== null ? !token.value.startsWith(declared.family) : declared.fingerprint !== fingerprintOf(token.value)) {
      diagnostics.push(
        testDiagnostic(
          TEST_CODES.fingerprintMismatch,
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
    if (options.only && !options.only(step.name)) continue;
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
            TEST_CODES.unknownToken,
            `\`${whole}\` names no token of this replay`,
            document.locate(['spec', 'steps', s, 'request', 'headers', name], 'value'),
            tokens.size > 0 ? `declared tokens: ${[...tokens.keys()].map((t) => `\`${t}\``).join(', ')}` : 'declare it under spec.tokens',
          ),
        );
        return whole;
      });
    }
    if (unresolved) {
      // The request cannot be sent, so nothing was decided: the step still gets its row, as a
      // failure, so the table, the fixture line and the summary count it.
      const at = document.locate(['spec', 'steps', s, 'name'], 'value');
      const expected = step.expect[0] ?? null;
      results.push({
        kind: 'Replay',
        fixture: document.name,
        file: document.file,
        line: at.line,
        column: at.column,
        step: step.name,
        index: 0,
        operation: expected?.operation ?? NOT_RUN,
        expected,
        actual: null,
        input: null,
        extractError: null,
        passed: false,
        diffs: [{ field: 'request', expected: 'every `${token:NAME}` a token of this replay', actual: 'not run: BG421 a token reference names no token' }],
      });
      continue;
    }
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
      if (expected?.error !== undefined && expected.error !== (found?.error?.code ?? null)) {
        diffs.push({ field: 'error', expected: expected.error, actual: found?.error ? `${found.error.code} ${found.error.message}` : 'none' });
      }
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
export async function runTestSuite(document: LoadedDocument<'TestSuite'>, engineFor: EngineFor, options: RunOptions = {}): Promise<FixtureRun> {
  const spec = document.value.spec;
  const engine = await engineFor(spec.overrides ?? null);
  const results: CaseResult[] = spec.cases.flatMap((testCase, i): CaseResult[] => {
    if (options.only && !options.only(testCase.name)) return [];
    const at = document.locate(['spec', 'cases', i]);
    const decided = decide(engine, testCase.input);
    const actual = 'decision' in decided ? decided.decision : null;
    const diffs = 'decision' in decided ? compareDecision(testCase.expect, decided.decision) : [decided.failure];
    return [{
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
    }];
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
