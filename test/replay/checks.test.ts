import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Decision } from '../../src/ir/types.js';
import { loadDocumentsFromText, loadPolicySet } from '../../src/load/index.js';
import type { LoadedDocument } from '../../src/load/index.js';
import { buildIr } from '../../src/ir/build.js';
import { SYSTEM_RULE_IDS, checkExpectations, loadTestFixtures, ruleIds, runReplay } from '../../src/replay/index.js';
import type { CaseResult, TestReport } from '../../src/replay/index.js';
import { formatGithub, formatHuman, formatJson, formatJunit } from '../../src/report/index.js';
import type { TestReportJson } from '../../src/report/index.js';
import { loadTestBundle } from '../../src/toolchain/index.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-replay-checks-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function fixtureDir(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(work, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

const REPLAY_HEAD = (name: string): string =>
  ['apiVersion: blastguard.dev/v1', 'kind: Replay', `metadata: { name: ${name} }`, 'spec:', '  title: t', '  date: "2026-04-24"', '  sources: [{ url: https://example.com }]'].join('\n');

const SUITE = (name: string, cases: string[]): string =>
  ['apiVersion: blastguard.dev/v1', 'kind: TestSuite', `metadata: { name: ${name} }`, 'spec:', '  cases:', ...cases].join('\n') + '\n';

const CASE = (name: string, expect = '{ mode: deny }'): string =>
  `    - { name: ${name}, input: { api: railway, operation: { name: volumeDelete }, time: "2026-04-24T00:00:00Z" }, expect: ${expect} }`;

// Built from pieces so that this file holds no credential-shaped literal.
const GITHUB_TOKEN = ['ghp', '_', 'R4nd0mL00k1ngT0k3nV4lu3Xy9Zq8Wp7Vn6'].join('');

describe('raw credentials in fixtures (BG056)', () => {
  test('a credential in a replay header or a suite input is a located, masked error; replay token values are exempt', async () => {
    const dir = await fixtureDir('credentials', {
      'incidents/leak.yaml': [
        REPLAY_HEAD('leak'),
        '  tokens: [{ name: t, value: fake-railway-custom-domains-cli-token }]',
        '  steps:',
        '    - name: s',
        '      time: "2026-04-24T00:00:00Z"',
        `      request: { method: POST, url: https://backboard.railway.com/graphql/v2, headers: { Authorization: "Bearer ${GITHUB_TOKEN}" }, json: { query: "{ me { id } }" } }`,
        '      expect: [{ operation: me, mode: deny }]',
        '',
      ].join('\n'),
      'policies/leak.yaml': SUITE('leaky-suite', [
        `    - { name: c, input: { api: railway, operation: { name: me }, identity: { originator: "${GITHUB_TOKEN}" }, time: "2026-04-24T00:00:00Z" }, expect: { mode: deny } }`,
      ]),
    });
    const fixtures = await loadTestFixtures('.', { cwd: dir });
    const found = fixtures.diagnostics.filter((d) => d.code === 'BG056');
    const headerLine = `      request: { method: POST, url: https://backboard.railway.com/graphql/v2, headers: { Authorization: "Bearer ${GITHUB_TOKEN}" }, json: { query: "{ me { id } }" } }`;
    expect(found.map((d) => [d.file, d.line, d.severity])).toEqual([
      ['incidents/leak.yaml', 12, 'error'],
      ['policies/leak.yaml', 6, 'error'],
    ]);
    const [header] = found;
    expect(header?.column).toBe(headerLine.indexOf('"Bearer') + 1);
    expect(header?.message).toContain('`spec.steps[0].request.headers.Authorization` looks like a credential (a GitHub token: `ghp_…`)');
    expect(JSON.stringify(fixtures.diagnostics)).not.toContain(GITHUB_TOKEN);
    expect(JSON.stringify(fixtures.diagnostics)).not.toContain('fake-railway');
    // Their names and values would be printed in results and reports: they are not run.
    expect(fixtures.replays).toEqual([]);
    expect(fixtures.suites).toEqual([]);
  });
});

describe('duplicate names', () => {
  test('a second fixture of a name is BG427 at its metadata.name, naming the first, and is not run', async () => {
    const dir = await fixtureDir('duplicates', {
      'a.yaml': SUITE('same', [CASE('one')]),
      'b.yaml': `# another suite\n${SUITE('same', [CASE('two'), CASE('three')])}`,
      'c.yaml': SUITE('other', [CASE('x'), CASE('y'), CASE('x', '{ mode: allow }')]),
    });
    const fixtures = await loadTestFixtures('.', { cwd: dir });
    expect(fixtures.suites.map((s) => [s.name, s.file])).toEqual([
      ['same', 'a.yaml'],
      ['other', 'c.yaml'],
    ]);
    expect(fixtures.diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.message])).toEqual([
      ['BG427', 'b.yaml', 4, 19, 'TestSuite `same` is already defined at a.yaml:3; this one is not run'],
      ['BG430', 'c.yaml', 8, 15, 'case `x` of TestSuite `other` is already defined at c.yaml:6'],
    ]);
  });

  test('two replay steps of one name are BG430 too', async () => {
    const step = (name: string): string[] => [
      `    - name: ${name}`,
      '      time: "2026-04-24T00:00:00Z"',
      '      request: { method: POST, url: https://backboard.railway.com/graphql/v2, json: { query: "{ me { id } }" } }',
      '      expect: [{ operation: me, mode: deny }]',
    ];
    const dir = await fixtureDir('duplicate-steps', { 'r.yaml': [REPLAY_HEAD('r'), '  steps:', ...step('s'), ...step('s'), ''].join('\n') });
    const fixtures = await loadTestFixtures('.', { cwd: dir });
    expect(fixtures.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([['BG430', 13, 'step `s` of Replay `r` is already defined at r.yaml:9']]);
  });
});

describe('expectations no decision can meet', () => {
  test('an unknown violation kind (BG431) and an unknown rule id (BG432) are located errors; system ids are fine', async () => {
    const { set } = await loadPolicySet('policies', { cwd: process.cwd() });
    const rules = ruleIds(set);
    const { documents } = loadDocumentsFromText(
      'test/policies/expect.yaml',
      SUITE('expect', [
        CASE('kind', '{ mode: deny, violations: [{ kind: token_scope }, { kind: rule, rule: railway-production/no-destructive-in-production }] }'),
        CASE('rule', '{ mode: deny, rule: railway-production/no-destructive-in-prod }'),
        CASE('violation rule', '{ mode: deny, violations: [{ kind: rule, rule: nobody/nothing }] }'),
        ...SYSTEM_RULE_IDS.map((id, i) => CASE(`system ${i}`, `{ mode: deny, rule: "${id}" }`)),
      ]),
    );
    const found = checkExpectations(documents[0] as LoadedDocument<'TestSuite'>, rules);
    expect(found.map((d) => [d.code, d.severity, d.line, d.message, d.help])).toEqual([
      ['BG431', 'error', 6, 'violation kind `token_scope` is not one a decision reports', 'did you mean `token-scope`?'],
      ['BG432', 'error', 7, 'rule `railway-production/no-destructive-in-prod` is declared by no policy and is not a system rule id', expect.stringContaining('did you mean')],
      [
        'BG432',
        'error',
        8,
        'rule `nobody/nothing` is declared by no policy and is not a system rule id',
        'rules are named `<policy>/<rule id>`; system ids are default:<class>, token:<missing|unknown|expired|scope>, overrides:lockdown, api:unknown, input:invalid',
      ],
    ]);
    expect(found[0]?.column).toBeGreaterThan(1);
  });
});

const DENY: Decision = {
  allow: false,
  mode: 'deny',
  enforced: true,
  would_deny: true,
  rule: 'input:invalid',
  reasons: ['input field `operation` is missing'],
  violations: [{ kind: 'invalid-input', rule: 'input:invalid', mode: 'deny' }],
  environment: null,
  environment_assumed: false,
  class: null,
  enforcement: null,
};

function report(results: CaseResult[]): TestReport {
  return { ok: false, revision: 'r', coverage: null, diagnostics: [], sources: new Map(), fixtures: [], results };
}

describe('why a request was unparseable', () => {
  test('runReplay records the extractor error, and every format shows it', async () => {
    const { set } = await loadPolicySet('policies', { cwd: process.cwd() });
    const ir = buildIr(set);
    const bundle = await loadTestBundle(ir);
    const { documents } = loadDocumentsFromText(
      'test/incidents/why.yaml',
      [
        REPLAY_HEAD('why'),
        '  steps:',
        '    - name: unknown host',
        '      time: "2026-04-24T00:00:00Z"',
        '      request: { method: POST, url: https://api.example.com/graphql/v2, json: { query: "{ me { id } }" } }',
        '      expect: [{ operation: me, mode: allow }]',
        '    - name: a PUT',
        '      time: "2026-04-24T00:00:00Z"',
        '      request: { method: PUT, url: https://backboard.railway.com/graphql/v2, json: { query: "{ me { id } }" } }',
        '      expect: [{ operation: (unparseable), mode: deny }]',
        '',
      ].join('\n'),
    );
    const run = await runReplay(documents[0] as LoadedDocument<'Replay'>, ir, bundle.engineFor);
    expect(run.results.map((r) => [r.passed, r.extractError])).toEqual([
      [false, { code: 'BG401', message: 'host `api.example.com` belongs to no declared api' }],
      [true, { code: 'BG403', message: 'method `PUT` cannot carry a graphql operation' }],
    ]);
    const r = report(run.results);
    expect(formatHuman(r)).toContain('unparseable: BG401 host `api.example.com` belongs to no declared api');
    expect(formatHuman(r)).toMatch(/ok\s+why\s+a PUT\s+\(unparseable\)\s+deny\s+deny\s+input:invalid \(BG403\)/);
    const json = JSON.parse(formatJson(r)) as TestReportJson;
    expect(json.results.map((x) => x.extractError?.code)).toEqual(['BG401', 'BG403']);
    expect(formatGithub(r)).toContain('unparseable: BG401 host `api.example.com` belongs to no declared api');
    expect(formatJunit(r)).toContain('unparseable: BG401 host `api.example.com` belongs to no declared api');
  });
});

/**
 * A small XML 1.0 well-formedness check: every character matches the Char production, markup is
 * balanced elements with quoted attributes, and text and attribute values use only the five
 * predefined entities or numeric references to allowed characters.
 */
function assertWellFormedXml(text: string): void {
  expect(/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u.test(text), 'only XML 1.0 Char').toBe(true);
  const body = text.replace(/^<\?xml [^?]*\?>\n/, '');
  const references = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
  const checkText = (t: string): void => {
    expect(t.replace(references, ''), `text ${JSON.stringify(t)}`).not.toMatch(/[<&]/);
    for (const m of t.matchAll(/&#(x?)([0-9a-fA-F]+);/g)) {
      const cp = parseInt(m[2] ?? '', m[1] ? 16 : 10);
      const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      expect(ok, `reference ${m[0]}`).toBe(true);
    }
  };
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  let roots = 0;
  for (const m of body.matchAll(tag)) {
    checkText(body.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    for (const a of (m[3] ?? '').matchAll(/="([^"]*)"/g)) checkText(a[1] ?? '');
    const [, close, name, , selfClosing] = m;
    if (close) expect(stack.pop(), `</${name}>`).toBe(name);
    else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name ?? '');
    }
  }
  checkText(body.slice(last));
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

test('junit xml stays well-formed whatever fixtures and diagnostics contain', () => {
  const nasty = 'a\u0001b\u0008c\u000bd\u001fe\uFFFEf\uFFFFg\uD800h\uDFFFi\uDBFF\uDFFFj😀k<&>"\'\t\r\n';
  const result: CaseResult = {
    kind: 'Replay',
    fixture: `fixture ${nasty}`,
    file: `f${nasty}.yaml`,
    line: 3,
    column: 5,
    step: `step ${nasty}`,
    index: 1,
    operation: `op${nasty}`,
    expected: { mode: 'allow' },
    actual: DENY,
    input: {},
    extractError: { code: 'BG408', message: `graphql syntax error: unexpected character ${nasty}` },
    passed: false,
    diffs: [{ field: 'rule', expected: nasty, actual: 'input:invalid' }],
  };
  const xml = formatJunit({
    ...report([result, { ...result, passed: true, index: 0 }]),
    diagnostics: [{ code: 'BG023', severity: 'error', message: `bad ${nasty}`, file: 'x.yaml', line: 1, column: 1, endLine: 1, endColumn: 2 }],
  });
  assertWellFormedXml(xml);
  // Characters XML cannot carry are shown, not silently dropped; astral characters survive.
  expect(xml).toContain('a\\u{0001}b\\u{0008}c\\u{000b}d\\u{001f}e\\u{fffe}f\\u{ffff}g\\u{d800}h\\u{dfff}i\uDBFF\uDFFFj😀k&lt;&amp;&gt;&quot;&apos;&#9;&#13;&#10;');
  // The check itself rejects what the old escaping let through.
  expect(() => assertWellFormedXml('<a>\uFFFE</a>')).toThrow();
  expect(() => assertWellFormedXml('<a>\uD800</a>')).toThrow();
  expect(() => assertWellFormedXml('<a><b></a>')).toThrow();
});
