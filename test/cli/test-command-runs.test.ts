import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestReportJson } from '../../src/report/index.js';
import { copyExampleRepo, runCli } from '../helpers/cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-test-command-runs-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A replay of one step sending `${token:<ref>}` while the replay declares only token `ci`. */
function typoReplay(ref: string): string {
  return [
    'apiVersion: blastguard.dev/v1',
    'kind: Replay',
    'metadata: { name: token-typo }',
    'spec:',
    '  title: t',
    '  date: "2026-04-24"',
    '  sources: [{ url: https://example.com }]',
    '  tokens:',
    '    - { name: ci, value: fake-ci-token-value }',
    '  steps:',
    '    - name: lists projects',
    '      time: "2026-04-24T20:59:40Z"',
    '      request:',
    '        method: POST',
    '        url: https://backboard.railway.app/graphql/v2',
    `        headers: { Authorization: "Bearer \${token:${ref}}" }`,
    '        json: { query: "query Projects { projects { edges { node { id } } } }" }',
    '      expect:',
    '        - { operation: projects, mode: allow }',
    '',
  ].join('\n');
}

describe('blastguard test: every step appears with its outcome', () => {
  test('a step that cannot run (a `${token:…}` typo) is a failure in the table, and the counts add up', async () => {
    const root = await copyExampleRepo(path.join(work, 'typo'));
    await writeFile(path.join(root, 'test', 'incidents', 'token-typo.yaml'), typoReplay('cii'));
    const { code, stdout } = await runCli(['test', '--format', 'json'], { cwd: root });
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.filter((d) => d.code === 'BG421').map((d) => d.file)).toEqual(['test/incidents/token-typo.yaml']);
    const mine = body.results.filter((r) => r.fixture === 'token-typo');
    expect(mine.map((r) => [r.step, r.passed, r.actual, r.diffs.map((d) => d.field)])).toEqual([['lists projects', false, null, ['request']]]);
    expect(body.summary.passed + body.summary.failed).toBe(body.summary.total);
    expect(body.summary.total).toBe(body.results.length);
    expect(body.summary.failed).toBe(1);

    const human = await runCli(['test'], { cwd: root });
    expect(human.stdout).toMatch(/^FAIL\s+token-typo\s+lists projects\s+projects\s+allow\s+—/m);
    expect(human.stdout).toMatch(/^FAIL 0\/1\s+replay token-typo: t$/m);
    expect(human.stdout).toMatch(/^FAIL \d+ passed, 1 failed, \d+ decisions checked$/m);
  });

  test('the same replay with the declared name is sent and decided', async () => {
    const root = await copyExampleRepo(path.join(work, 'no-typo'));
    await writeFile(path.join(root, 'test', 'incidents', 'token-typo.yaml'), typoReplay('ci'));
    const { stdout } = await runCli(['test', '--format', 'json'], { cwd: root });
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.filter((d) => d.code === 'BG421')).toEqual([]);
    const mine = body.results.filter((r) => r.fixture === 'token-typo');
    expect(mine.map((r) => [r.operation, r.actual === null, r.diffs.some((d) => d.field === 'request')])).toEqual([['projects', false, false]]);
  });
});

describe('blastguard test: partial runs', () => {
  const ONE = 'test/incidents/pocketos-volume-delete.yaml';

  test('--tests takes one file: only its fixture runs, with no coverage warnings for rules it was not asked to cover', async () => {
    const { code, stdout } = await runCli(['test', '--tests', ONE, '--format', 'json']);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.map((d) => d.code)).toEqual([]);
    expect(new Set(body.results.map((r) => r.file))).toEqual(new Set([ONE]));
    expect(body.results.length).toBeGreaterThan(1);
    expect(body.fixtures.map((f) => f.name)).toEqual(['pocketos-volume-delete']);
    expect(code).toBe(0);
  });

  test('--fixture and --step run one case', async () => {
    const all = JSON.parse((await runCli(['test', '--fixture', 'pocketos-volume-delete', '--format', 'json'])).stdout) as TestReportJson;
    expect(new Set(all.results.map((r) => r.fixture))).toEqual(new Set(['pocketos-volume-delete']));
    expect(all.diagnostics.map((d) => d.code)).toEqual([]);
    const step = all.results[0]!.step;
    const { code, stdout } = await runCli(['test', '--fixture', 'pocketos-volume-delete', '--step', step, '--format', 'json']);
    const one = JSON.parse(stdout) as TestReportJson;
    expect(one.results.map((r) => r.step)).toEqual(all.results.filter((r) => r.step.includes(step)).map((r) => r.step));
    expect(one.results.length).toBeLessThan(all.results.length);
    expect(one.summary.total).toBe(one.results.length);
    expect(code).toBe(0);
  });

  test('--min-coverage does not fail a partial run', async () => {
    const { code } = await runCli(['test', '--fixture', 'pocketos-volume-delete', '--min-coverage', '100', '--format', 'json']);
    expect(code).toBe(0);
  });

  test.each([
    [['--fixture', 'pocketos-volume-delet']],
    [['--fixture', 'pocketos-volume-delete', '--step', 'no step is called this']],
    [['--step', 'no step is called this']],
  ])('a filter that matches nothing fails (BG433): %j', async (flags) => {
    const { code, stdout } = await runCli(['test', ...flags, '--format', 'json']);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.map((d) => d.code)).toEqual(['BG433']);
    expect(body.ok).toBe(false);
    expect(code).toBe(1);
  });

  test('coverage help names where this repository keeps its TestSuites', async () => {
    const root = await copyExampleRepo(path.join(work, 'layout'));
    const suite = [
      'apiVersion: blastguard.dev/v1',
      'kind: TestSuite',
      'metadata: { name: one-case }',
      'spec:',
      '  cases:',
      '    - { name: c, input: { api: railway, operation: { name: volumeDelete }, time: "2026-04-24T00:00:00Z" }, expect: { mode: deny } }',
      '',
    ].join('\n');
    await mkdir(path.join(root, 'checks', 'suites'), { recursive: true });
    await writeFile(path.join(root, 'checks', 'suites', 'one.yaml'), suite);
    const { stdout } = await runCli(['test', '--tests', 'checks', '--format', 'json'], { cwd: root });
    const body = JSON.parse(stdout) as TestReportJson;
    const uncovered = body.diagnostics.filter((d) => d.code === 'BG424');
    expect(uncovered.length).toBeGreaterThan(0);
    for (const d of uncovered) expect(d.help).toContain('`checks/suites`');
  });
});
