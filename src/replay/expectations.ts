import { closest } from '../diagnostics/suggest.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { Violation } from '../ir/types.js';
import type { JsonPath, LoadedDocument, PolicySet } from '../load/index.js';
import { testDiagnostic } from './codes.js';
import type { ExpectedDecision } from './compare.js';
import { TEST_CODES } from './codes.js';

/** Every violation kind a decision can carry (exhaustive: a new kind fails to compile here). */
const KINDS: Readonly<Record<Violation['kind'], true>> = {
  rule: true,
  default: true,
  'token-missing': true,
  'token-unknown': true,
  'token-expired': true,
  'token-scope': true,
  lockdown: true,
  'unknown-api': true,
  'invalid-input': true,
};
export const VIOLATION_KINDS: readonly string[] = Object.keys(KINDS);

/** Rule ids the engine itself decides with, besides `<policy>/<rule>`. */
export const SYSTEM_RULE_IDS: readonly string[] = [
  'default:read',
  'default:write',
  'default:destructive',
  'token:missing',
  'token:unknown',
  'token:expired',
  'token:scope',
  'overrides:lockdown',
  'api:unknown',
  'input:invalid',
];

/** `<policy>/<rule>` of every rule of the set. */
export function ruleIds(set: PolicySet): Set<string> {
  const out = new Set<string>();
  for (const policy of set.policies) for (const rule of policy.value.spec.rules) out.add(`${policy.name}/${rule.id}`);
  return out;
}

/**
 * Expectations no decision can meet, found before anything runs: a violation kind the engine never
 * reports, or a rule id that is neither a policy's rule nor a system id. Without this such a case
 * only shows FAIL, and a typo reads like a policy regression.
 */
export function checkExpectations(document: LoadedDocument<'Replay'> | LoadedDocument<'TestSuite'>, rules: ReadonlySet<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const expectations: { path: JsonPath; expect: ExpectedDecision }[] = [];
  if (document.kind === 'Replay') {
    (document as LoadedDocument<'Replay'>).value.spec.steps.forEach((step, s) => {
      step.expect.forEach((expect, i) => expectations.push({ path: ['spec', 'steps', s, 'expect', i], expect }));
    });
  } else {
    (document as LoadedDocument<'TestSuite'>).value.spec.cases.forEach((testCase, c) => {
      expectations.push({ path: ['spec', 'cases', c, 'expect'], expect: testCase.expect });
    });
  }
  const checkRule = (rule: string, path: JsonPath): void => {
    if (rules.has(rule) || SYSTEM_RULE_IDS.includes(rule)) return;
    out.push(
      testDiagnostic(
        TEST_CODES.unknownRule,
        `rule \`${rule}\` is declared by no policy and is not a system rule id`,
        document.locate(path, 'value'),
        nearest(rule, [...rules, ...SYSTEM_RULE_IDS]) ?? 'rules are named `<policy>/<rule id>`; system ids are default:<class>, token:<missing|unknown|expired|scope>, overrides:lockdown, api:unknown, input:invalid',
      ),
    );
  };
  for (const { path, expect } of expectations) {
    if (expect.rule !== undefined) checkRule(expect.rule, [...path, 'rule']);
    (expect.violations ?? []).forEach((violation, v) => {
      if (!VIOLATION_KINDS.includes(violation.kind)) {
        out.push(
          testDiagnostic(
            TEST_CODES.unknownViolationKind,
            `violation kind \`${violation.kind}\` is not one a decision reports`,
            document.locate([...path, 'violations', v, 'kind'], 'value'),
            nearest(violation.kind, VIOLATION_KINDS) ?? `kinds: ${VIOLATION_KINDS.join(', ')}`,
          ),
        );
      }
      if (violation.rule !== undefined) checkRule(violation.rule, [...path, 'violations', v, 'rule']);
    });
  }
  return out;
}

function nearest(value: string, candidates: readonly string[]): string | undefined {
  const found = closest(value, candidates);
  return found === undefined ? undefined : `did you mean \`${found}\`?`;
}
