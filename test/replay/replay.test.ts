import { beforeAll, describe, expect, test } from 'vitest';
import { BlastguardError } from '../../src/core/errors.js';
import { evaluate } from '../../src/evaluate/index.js';
import { buildIr } from '../../src/ir/build.js';
import { bundleDataFromIr } from '../../src/ir/data.js';
import type { Decision, Ir } from '../../src/ir/types.js';
import { loadDocumentsFromText, loadPolicySet } from '../../src/load/index.js';
import type { LoadedDocument } from '../../src/load/index.js';
import { UNPARSEABLE, compareDecision, loadTestFixtures, runReplay, runTestSuite, violationsMatch } from '../../src/replay/index.js';
import { formatJunit } from '../../src/report/index.js';
import { loadTestBundle, withOverrides } from '../../src/toolchain/index.js';
import type { TestBundle } from '../../src/toolchain/index.js';

let ir: Ir;
let bundle: TestBundle;
beforeAll(async () => {
  const { set } = await loadPolicySet('policies', { cwd: process.cwd() });
  ir = buildIr(set);
  bundle = await loadTestBundle(ir);
});

function replay(yamlText: string): LoadedDocument<'Replay'> {
  const { documents, diagnostics } = loadDocumentsFromText('test/incidents/inline.yaml', yamlText);
  expect(diagnostics).toEqual([]);
  return documents[0] as LoadedDocument<'Replay'>;
}

const DENY: Decision = {
  allow: false,
  mode: 'deny',
  enforced: true,
  would_deny: true,
  rule: 'railway-production/no-destructive-in-production',
  reasons: ['r'],
  violations: [
    { kind: 'rule', rule: 'railway-production/no-destructive-in-production', mode: 'deny' },
    { kind: 'token-scope', rule: 'token:scope', mode: 'deny', token: 'ci-domains' },
  ],
  environment: 'production',
  environment_assumed: false,
  class: 'destructive',
  enforcement: 'normal',
};

describe('comparing decisions', () => {
  test('only the fields an expectation gives are checked', () => {
    expect(compareDecision({ mode: 'deny' }, DENY)).toEqual([]);
    expect(compareDecision({ mode: 'allow', rule: 'x', environment_assumed: false }, DENY)).toEqual([
      { field: 'mode', expected: 'allow', actual: 'deny' },
      { field: 'rule', expected: 'x', actual: DENY.rule },
    ]);
    expect(compareDecision({ operation: 'volumeDelete', mode: 'deny' }, DENY, 'customDomainCreate')[0]?.field).toBe('operation');
    expect(compareDecision({ mode: 'deny', reasons: ['other'] }, DENY)[0]?.field).toBe('reasons');
  });

  test('violations: exactly these, order ignored, partial entries allowed', () => {
    const actual = DENY.violations;
    expect(violationsMatch([{ kind: 'token-scope' }, { kind: 'rule', rule: 'railway-production/no-destructive-in-production' }], actual)).toBe(true);
    expect(violationsMatch([{ kind: 'rule' }], actual)).toBe(false);
    expect(violationsMatch([{ kind: 'rule' }, { kind: 'rule' }], actual)).toBe(false);
    expect(violationsMatch([{ kind: 'rule' }, { kind: 'token-scope', token: 'other' }], actual)).toBe(false);
    expect(violationsMatch([], [])).toBe(true);
    // A loose entry must not take the pair a precise one needs.
    const two: Decision['violations'] = [
      { kind: 'rule', rule: 'a', mode: 'deny' },
      { kind: 'rule', rule: 'b', mode: 'shadow' },
    ];
    expect(violationsMatch([{ kind: 'rule' }, { kind: 'rule', rule: 'a' }], two)).toBe(true);
  });
});

describe('running fixtures against the bundle', () => {
  test('every decision of the repository fixtures equals the reference evaluator', async () => {
    const fixtures = await loadTestFixtures('test', { cwd: process.cwd() });
    expect(fixtures.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(fixtures.replays.length).toBeGreaterThanOrEqual(8);
    let checked = 0;
    for (const doc of fixtures.replays) {
      const run = await runReplay(doc, ir, bundle.engineFor);
      expect(run.diagnostics).toEqual([]);
      const data = doc.value.spec.overrides ? withOverrides(bundleDataFromIr(ir), doc.value.spec.overrides) : bundleDataFromIr(ir);
      for (const r of run.results) {
        expect(r.passed, `${r.fixture} › ${r.step}: ${JSON.stringify(r.diffs)}`).toBe(true);
        expect(r.actual).toEqual(evaluate(ir, r.input, data));
        checked++;
      }
    }
    for (const doc of fixtures.suites) {
      const run = await runTestSuite(doc, bundle.engineFor);
      for (const r of run.results) expect(r.passed, `${r.fixture} › ${r.step}: ${JSON.stringify(r.diffs)}`).toBe(true);
    }
    expect(checked).toBeGreaterThan(20);
  });

  test('a step whose request performs more or fewer operations than expected fails on each', async () => {
    const doc = replay(`apiVersion: blastguard.dev/v1
kind: Replay
metadata: { name: counts }
spec:
  title: t
  date: "2026-04-24"
  sources: [{ url: https://example.com }]
  tokens: [{ name: t, value: fake-railway-custom-domains-cli-token }]
  steps:
    - name: two fields, one expectation
      time: "2026-04-24T00:00:00Z"
      request: { method: POST, url: https://backboard.railway.com/graphql/v2, headers: { Authorization: "Bearer \${token:t}" }, json: { query: "{ me { id } projects { edges { node { id } } } }" } }
      expect: [{ operation: me, mode: allow }]
    - name: one field, two expectations
      time: "2026-04-24T00:00:00Z"
      request: { method: POST, url: https://backboard.railway.com/graphql/v2, headers: { Authorization: "Bearer \${token:t}" }, json: { query: "{ me { id } }" } }
      expect: [{ operation: me, mode: allow }, { operation: volumeDelete, mode: deny }]
    - name: unparseable
      time: "2026-04-24T00:00:00Z"
      request: { method: POST, url: https://backboard.railway.com/graphql/v2, body: "{" }
      expect: [{ operation: "${UNPARSEABLE}", mode: deny, rule: "input:invalid" }]
`);
    const run = await runReplay(doc, ir, bundle.engineFor);
    expect(run.results.map((r) => [r.step, r.operation, r.passed])).toEqual([
      ['two fields, one expectation', 'me', true],
      ['two fields, one expectation', 'projects', false],
      ['one field, two expectations', 'me', true],
      ['one field, two expectations', 'volumeDelete', false],
      ['unparseable', UNPARSEABLE, true],
    ]);
    expect(run.results[1]?.expected).toBeNull();
    expect(run.results[3]?.actual).toBeNull();
    // Failures point at the expectation (or the step name when nothing was expected).
    expect(run.results[3]?.line).toBe(17);
    expect(run.results[1]?.line).toBe(10);
  });

  test('replay overrides change only that replay', async () => {
    const shadow = await bundle.engineFor({ enforcement: 'shadow-all', reason: 'r', expires: '2030-01-01T00:00:00+02:00' });
    const normal = await bundle.engineFor(null);
    const input = { api: 'railway', operation: { name: 'volumeDelete' }, time: '2026-04-24T00:00:00Z' };
    expect(shadow.decide(input).mode).toBe('shadow');
    expect(normal.decide(input).mode).toBe('deny');
    expect(withOverrides({ blastguard: { tokens: {} } }, { enforcement: 'lockdown', expires: '2030-01-01T00:00:00+02:00' })).toEqual({
      blastguard: { tokens: {}, overrides: { enforcement: 'lockdown', reason: null, expires: '2029-12-31T22:00:00Z' } },
    });
  });
});

test('an engine that refuses an input fails that case instead of the run', async () => {
  const { documents } = loadDocumentsFromText(
    'test/policies/inline.yaml',
    'apiVersion: blastguard.dev/v1\nkind: TestSuite\nmetadata: { name: refused }\nspec:\n  cases:\n    - { name: c, input: { api: railway }, expect: { mode: deny } }\n',
  );
  const run = await runTestSuite(documents[0] as LoadedDocument<'TestSuite'>, async () => ({
    decide: () => {
      throw new BlastguardError('BG121', 'the policy aborted: too deep');
    },
  }));
  expect(run.results[0]?.passed).toBe(false);
  expect(run.results[0]?.diffs).toEqual([{ field: 'decision', expected: 'a decision', actual: 'error BG121 the policy aborted: too deep' }]);
});

test('junit xml escapes what fixtures contain', () => {
  const xml = formatJunit({
    ok: false,
    revision: 'r',
    sources: new Map(),
    coverage: null,
    diagnostics: [],
    fixtures: [],
    results: [
      {
        kind: 'Replay',
        fixture: 'f<&>"',
        file: 'a.yaml',
        line: 3,
        column: 5,
        step: 'step "quoted" \u0001',
        index: 0,
        operation: 'op',
        expected: { mode: 'deny' },
        actual: { ...DENY, mode: 'allow' },
        input: {},
        extractError: null,
        passed: false,
        diffs: [{ field: 'mode', expected: 'deny', actual: 'allow' }],
      },
    ],
  });
  expect(xml).toContain('<testsuite name="Replay/f&lt;&amp;&gt;&quot;" tests="1" failures="1"');
  expect(xml).toContain('name="step &quot;quoted&quot; \\u{0001} › op"');
  expect(xml).toContain('<failure message="mode: expected deny, got allow" type="BG420">');
  expect(xml).not.toContain('\u0001');
});
