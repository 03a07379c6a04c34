import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, copyExampleRepo, runCli } from '../helpers/cli.js';
import type { TestReportJson } from '../../src/report/index.js';

const cli = (argv: string[], cwd: string = REPO) => runCli(argv, { cwd });

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-test-command-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A copy of the example repository and its fixtures that a test may break. */
const copyRepo = (name: string): Promise<string> => copyExampleRepo(path.join(work, name));

describe('blastguard test', () => {
  test('the example repository passes every replay and suite with full rule coverage', async () => {
    const { code, stdout } = await cli(['test', '--min-coverage', '100']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/FIXTURE\s+STEP\s+OPERATION\s+EXPECTED\s+ACTUAL\s+RULE/);
    expect(stdout).toMatch(/ok\s+pocketos-volume-delete\s+volumeDelete with the domains token\s+volumeDelete\s+deny\s+deny\s+railway-production\/no-destructive-in-production/);
    expect(stdout).toContain('rule coverage: 34/34 rules (100%)');
    expect(stdout).toMatch(/PASS \d+ passed, 0 failed/);
    expect(stdout).not.toContain('fake-railway-custom-domains-cli-token');
  });

  test('json output is a stable document', async () => {
    const { code, stdout } = await cli(['test', '--format', 'json']);
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.ok).toBe(true);
    expect(body.summary.failed).toBe(0);
    expect(body.coverage?.percent).toBe(100);
    const pocketos = body.results.find((r) => r.fixture === 'pocketos-volume-delete' && r.operation === 'volumeDelete');
    expect(pocketos?.actual?.violations).toHaveLength(3);
    expect(pocketos?.file).toBe('test/incidents/pocketos-volume-delete.yaml');
  });

  test('a loosened rule fails with a diff naming the fixture and the field', async () => {
    const root = await copyRepo('loosened');
    const file = path.join(root, 'policies', 'platform', 'railway-production.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('match: { operations: ["class:destructive"], environments: [production] }\n      mode: deny', 'match: { operations: ["class:destructive"], environments: [production] }\n      mode: shadow'));
    const junit = path.join(root, 'out', 'junit.xml');
    const { code, stdout } = await cli(['test', '--junit', junit], root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL test\/incidents\/pocketos-volume-delete\.yaml:\d+:\d+ pocketos-volume-delete › volumeDelete with the domains token › volumeDelete/);
    expect(stdout).toContain('violations: expected');
    expect(stdout).toMatch(/FAIL \d+ passed, [1-9]\d* failed/);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="blastguard" tests="\d+" failures="[1-9]\d*"/);
    expect(xml).toContain('<testsuite name="Replay/pocketos-volume-delete"');
    expect(xml).toContain('<failure message="violations: expected');

    const github = await cli(['test', '--format', 'github'], root);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=test\/incidents\/pocketos-volume-delete\.yaml,line=\d+,col=\d+,title=BG420 pocketos-volume-delete › volumeDelete with the domains token › volumeDelete::/m);
  });

  test('a widened token grant fails the PocketOS replay on its violations', async () => {
    const root = await copyRepo('allowed');
    const tokens = path.join(root, 'policies', 'tokens', 'railway.yaml');
    const text = await readFile(tokens, 'utf8');
    await writeFile(tokens, text.replace('- operations: [customDomainCreate, customDomainUpdate, customDomainDelete, serviceDomainCreate, serviceDomainDelete]', '- operations: ["*"]'));
    const { code, stdout } = await cli(['test', '--format', 'json'], root);
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    const failed = body.results.filter((r) => !r.passed);
    expect(failed.some((r) => r.fixture === 'pocketos-volume-delete' && r.diffs.some((d) => d.field === 'violations'))).toBe(true);
  });

  test('uncovered rules are warnings; --min-coverage fails below the percentage', async () => {
    const root = await copyRepo('coverage');
    await rm(path.join(root, 'test', 'policies'), { recursive: true });
    const plain = await cli(['test'], root);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/warning BG424 rule `railway-safety\/backups-are-another-blast-radius` is not exercised/);
    const strict = await cli(['test', '--min-coverage', '95'], root);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('error BG425');
    const bad = await cli(['test', '--min-coverage', 'lots'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--min-coverage');
  });

  test('policy errors stop before anything runs', async () => {
    const root = await copyRepo('broken');
    await writeFile(path.join(root, 'policies', 'broken.yaml'), 'apiVersion: blastguard.dev/v1\nkind: Policy\nmetadata: { name: broken }\nspec: { api: railway }\n');
    const { code, stdout } = await cli(['test', '--format', 'json'], root);
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.results).toHaveLength(0);
    expect(body.diagnostics.some((d) => d.severity === 'error' && d.file === 'policies/broken.yaml')).toBe(true);
  });

  test('schema errors in a replay are located diagnostics; valid fixtures still run', async () => {
    const root = await copyRepo('bad-replay');
    await writeFile(
      path.join(root, 'test', 'incidents', 'bad.yaml'),
      'apiVersion: blastguard.dev/v1\nkind: Replay\nmetadata: { name: bad }\nspec:\n  title: t\n  date: "2026-04-24"\n  sources: [{ url: https://example.com }]\n  steps:\n    - name: s\n      time: "2026-04-24T00:00:00Z"\n      request: { method: POST, url: https://backboard.railway.com/graphql/v2 }\n      expect: [{ operation: me, mode: maybe }]\n',
    );
    const { code, stdout } = await cli(['test', '--format', 'json'], root);
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    const d = body.diagnostics.find((x) => x.file === 'test/incidents/bad.yaml');
    expect(d?.code).toBe('BG023');
    expect(d?.line).toBe(12);
    expect(body.results.length).toBeGreaterThan(0);
  });

  test('token references and declaredAs are checked', async () => {
    const root = await copyRepo('tokens');
    await writeFile(
      path.join(root, 'test', 'incidents', 'tokens.yaml'),
      [
        'apiVersion: blastguard.dev/v1',
        'kind: Replay',
        'metadata: { name: token-checks }',
        'spec:',
        '  title: t',
        '  date: "2026-04-24"',
        '  sources: [{ url: https://example.com }]',
        '  tokens:',
        '    - { name: wrong, value: fake-not-the-domains-token, declaredAs: ci-domains }',
        '  steps:',
        '    - name: s',
        '      time: "2026-04-24T00:00:00Z"',
        '      request: { method: POST, url: https://backboard.railway.com/graphql/v2, headers: { Authorization: "Bearer ${token:nope}" }, json: { query: "{ me { id } }" } }',
        '      expect: [{ operation: me, mode: allow }]',
        '',
      ].join('\n'),
    );
    const { code, stdout } = await cli(['test', '--format', 'json'], root);
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    const codes = body.diagnostics.filter((d) => d.file === 'test/incidents/tokens.yaml').map((d) => [d.code, d.line]);
    expect(codes).toEqual([
      ['BG422', 9],
      ['BG421', 13],
    ]);
  });

  test('a tests directory without fixtures warns', async () => {
    const root = await copyRepo('empty');
    await rm(path.join(root, 'test'), { recursive: true });
    await writeFile(path.join(root, 'other.yaml'), 'not: a fixture\n');
    const { code, stdout } = await cli(['test', '--tests', '.', '--format', 'json'], root);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.map((d) => d.code)).toEqual(['BG423']);
    expect(code).toBe(0);
  });

  test('a missing tests directory is an error, reported once', async () => {
    const { code, stdout } = await cli(['test', '--tests', 'no-such-dir', '--format', 'json']);
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.map((d) => d.code)).toEqual(['BG426']);
  });

  test('an unknown --format is a usage error', async () => {
    const { code } = await cli(['test', '--format', 'xml']);
    expect(code).toBe(2);
  });
});

describe('blastguard test: colour is decided per stream', () => {
  const args = ['test', '--tests', 'test/incidents/pocketos-volume-delete.yaml'];
  test('stdout redirected to a file gets no escapes although stderr is a terminal', async () => {
    const r = await runCli(args, { cwd: REPO, isTTY: true, stdoutIsTTY: false });
    expect(r.stdout).not.toContain('\u001b[');
    const tty = await runCli(args, { cwd: REPO, isTTY: false, stdoutIsTTY: true });
    expect(tty.stdout).toContain('\u001b[');
  });

  test('FORCE_COLOR=0 and TERM=dumb turn colour off on a terminal', async () => {
    for (const env of [{ FORCE_COLOR: '0' }, { TERM: 'dumb' }]) {
      const r = await runCli(args, { cwd: REPO, isTTY: true, stdoutIsTTY: true, env });
      expect(r.stdout + r.stderr).not.toContain('\u001b[');
    }
  });
});
