import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, copyExampleRepo, replayYaml, runCli } from '../helpers/cli.js';
import type { TestReportJson } from '../../src/report/index.js';

const cli = (argv: string[], cwd: string = REPO) => runCli(argv, { cwd });

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-test-command-checks-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A copy of the example repository and its fixtures that a test may break. */
const copyRepo = (name: string): Promise<string> => copyExampleRepo(path.join(work, name));

// Built from pieces so that this file holds no credential-shaped literal.
const GITHUB_TOKEN = ['ghp', '_', 'R4nd0mL00k1ngT0k3nV4lu3Xy9Zq8Wp7Vn6'].join('');


describe('blastguard test checks', () => {
  test('a missing tests directory is BG426 alone, even where the policies would not load', async () => {
    const root = path.join(work, 'nothing');
    await mkdir(root, { recursive: true });
    const json = await cli(['test', '--tests', 'nope', '--format', 'json'], root);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout) as TestReportJson;
    expect(body.diagnostics.map((d) => [d.code, d.file])).toEqual([['BG426', 'nope']]);
    const human = await cli(['test', '--tests', 'nope'], root);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('BG426');
    expect(human.stderr).not.toMatch(/BG003|BG424/);
  });

  test('a raw credential in a replay fails the run, located and masked', async () => {
    const root = await copyRepo('credential');
    const step = [
      '    - name: s',
      '      time: "2026-04-24T00:00:00Z"',
      `      request: { method: POST, url: https://backboard.railway.com/graphql/v2, headers: { Authorization: "Bearer ${GITHUB_TOKEN}" }, json: { query: "{ me { id } }" } }`,
      '      expect: [{ operation: me, mode: deny }]',
    ];
    await writeFile(path.join(root, 'test', 'incidents', 'leak.yaml'), replayYaml('leak', step));
    const { code, stdout, stderr } = await cli(['test'], root);
    expect(code).toBe(1);
    expect(stderr).toMatch(/test\/incidents\/leak\.yaml:11:\d+: error BG056 `spec\.steps\[0\]\.request\.headers\.Authorization` looks like a credential \(a GitHub token: `ghp_…`\)/);
    expect(stdout + stderr).not.toContain(GITHUB_TOKEN);
    expect(stdout).toMatch(/FAIL \d+ passed/);
    // The fixture is not run, so no name or value of it reaches the results.
    expect(stdout).not.toMatch(/\bleak\b/);
    const junit = path.join(root, 'junit.xml');
    await cli(['test', '--junit', junit, '--format', 'json'], root);
    expect(await readFile(junit, 'utf8')).not.toContain(GITHUB_TOKEN);
  });

  test('an unparseable request says why in the failure', async () => {
    const root = await copyRepo('why');
    const step = [
      '    - name: wrong host',
      '      time: "2026-04-24T00:00:00Z"',
      '      request: { method: POST, url: https://api.example.com/graphql/v2, json: { query: "{ me { id } }" } }',
      '      expect: [{ operation: me, mode: allow }]',
    ];
    await writeFile(path.join(root, 'test', 'incidents', 'why.yaml'), replayYaml('why', step));
    const junit = path.join(root, 'out', 'junit.xml');
    const { code, stdout } = await cli(['test', '--junit', junit], root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL\s+why\s+wrong host\s+\(unparseable\)\s+allow\s+deny\s+input:invalid \(BG401\)/);
    expect(stdout).toContain('  unparseable: BG401 host `api.example.com` belongs to no declared api');
    expect(await readFile(junit, 'utf8')).toContain('unparseable: BG401 host `api.example.com` belongs to no declared api');
    const json = JSON.parse((await cli(['test', '--format', 'json'], root)).stdout) as TestReportJson;
    expect(json.results.find((r) => r.fixture === 'why')?.extractError).toEqual({ code: 'BG401', message: 'host `api.example.com` belongs to no declared api' });
    const github = await cli(['test', '--format', 'github'], root);
    expect(github.stdout).toMatch(/^::error file=test\/incidents\/why\.yaml,.*unparseable: BG401 host `api\.example\.com` belongs to no declared api/m);
  });

  test('two suites of one name: BG427 at the second, which is not run or merged', async () => {
    const root = await copyRepo('duplicate');
    const original = await readFile(path.join(root, 'test', 'policies', 'railway.yaml'), 'utf8');
    const name = /metadata:\s*\{?\s*name:\s*([\w-]+)/.exec(original)?.[1];
    expect(name).toBeDefined();
    await writeFile(path.join(root, 'test', 'policies', 'zz-copy.yaml'), original);
    const { code, stdout } = await cli(['test', '--format', 'json'], root);
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    const d = body.diagnostics.find((x) => x.code === 'BG427');
    expect(d?.file).toBe('test/policies/zz-copy.yaml');
    expect(d?.message).toMatch(new RegExp(`TestSuite \`${name ?? ''}\` is already defined at test/policies/railway\\.yaml:\\d+; this one is not run`));
    expect(new Set(body.results.filter((r) => r.fixture === name).map((r) => r.file))).toEqual(new Set(['test/policies/railway.yaml']));
    expect(body.fixtures.filter((f) => f.name === name)).toHaveLength(1);
  });

  test('an expectation naming a rule no policy has is a located error, not just FAIL', async () => {
    const root = await copyRepo('typo');
    await writeFile(
      path.join(root, 'test', 'policies', 'typo.yaml'),
      [
        'apiVersion: blastguard.dev/v1',
        'kind: TestSuite',
        'metadata: { name: typo }',
        'spec:',
        '  cases:',
        '    - name: c',
        '      input: { api: railway, operation: { name: volumeDelete }, time: "2026-04-24T00:00:00Z" }',
        '      expect: { mode: deny, rule: railway-production/no-destructive-in-prod, violations: [{ kind: tokenscope }] }',
        '',
      ].join('\n'),
    );
    const { code, stderr } = await cli(['test'], root);
    expect(code).toBe(1);
    expect(stderr).toMatch(/test\/policies\/typo\.yaml:8:\d+: error BG432 rule `railway-production\/no-destructive-in-prod` is declared by no policy/);
    expect(stderr).toMatch(/test\/policies\/typo\.yaml:8:\d+: error BG431 violation kind `tokenscope` is not one a decision reports/);
  });
});
