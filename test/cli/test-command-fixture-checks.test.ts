import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, copyExampleRepo, replayYaml, runCli } from '../helpers/cli.js';
import type { TestReportJson } from '../../src/report/index.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-test-command-fixture-checks-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});


const STEP = (name: string, time: string, mode: string): string[] => [
  `    - name: ${name}`,
  `      time: "${time}"`,
  '      request: { method: POST, url: https://backboard.railway.com/graphql/v2, json: { query: "{ me { id } }" } }',
  `      expect: [{ operation: me, mode: ${mode} }]`,
];

describe('blastguard test: replay file checks', () => {
  test('a step time of the right shape that is no real date is the validator\'s located BG060', async () => {
    const root = await copyExampleRepo(path.join(work, 'bad-time'));
    await writeFile(path.join(root, 'test', 'incidents', 'bad-time.yaml'), replayYaml('bad-time', STEP('feb 30', '2026-02-30T00:00:00Z', 'deny')));
    const { code, stdout } = await runCli(['test', '--format', 'json'], { cwd: root });
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    const found = body.diagnostics.filter((d) => d.code === 'BG060');
    expect(found.map((d) => [d.file, d.line, d.severity, d.message])).toEqual([
      ['test/incidents/bad-time.yaml', 10, 'error', '`2026-02-30T00:00:00Z` is not a valid date-time'],
    ]);
    expect(body.ok).toBe(false);
    const human = await runCli(['test'], { cwd: root });
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/test\/incidents\/bad-time\.yaml:10:\d+: error BG060 `2026-02-30T00:00:00Z` is not a valid date-time/);
  });

  test('two steps of one name (BG430): both results stay in the table, json and junit', async () => {
    const root = await copyExampleRepo(path.join(work, 'same-step'));
    await writeFile(
      path.join(root, 'test', 'incidents', 'same-step.yaml'),
      replayYaml('same-step', [...STEP('twice', '2026-04-24T00:00:00Z', 'deny'), ...STEP('twice', '2026-04-24T00:01:00Z', 'allow')]),
    );
    const junit = path.join(root, 'junit.xml');
    const { code, stdout } = await runCli(['test', '--format', 'json', '--junit', junit], { cwd: root });
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.filter((d) => d.code === 'BG430').map((d) => [d.file, d.line])).toEqual([['test/incidents/same-step.yaml', 13]]);
    const mine = body.results.filter((r) => r.fixture === 'same-step');
    expect(mine.map((r) => [r.step, r.line, r.expected?.mode])).toEqual([
      ['twice', 12, 'deny'],
      ['twice', 16, 'allow'],
    ]);
    const human = await runCli(['test'], { cwd: root });
    const rows = human.stdout.split('\n').filter((l) => /\bsame-step\s+twice\b/.test(l));
    expect(rows).toHaveLength(2);
    expect(human.stdout).toMatch(/replay same-step: t/);
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testcase classname="same-step"/g)).toHaveLength(2);
    // Report viewers key test cases by classname and name: the repeated name is told apart by its line.
    expect(xml).toContain('<testcase classname="same-step" name="twice › me (line 12)"');
    expect(xml).toContain('<testcase classname="same-step" name="twice › me (line 16)"');
  });
});

describe('blastguard test: a fixture file that cannot be read', () => {
  test('is a located BG007 (not UTF-8) and fails the run instead of being skipped', async () => {
    const root = await copyExampleRepo(path.join(work, 'not-utf8'));
    const file = path.join(root, 'test', 'incidents', 'pocketos-lockdown.yaml');
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.from('# caf\xe9\n', 'latin1')]));
    const { code, stdout } = await runCli(['test', '--format', 'json', '--tests', 'test/incidents'], { cwd: root });
    expect(code).toBe(1);
    const body = JSON.parse(stdout) as TestReportJson;
    expect(body.diagnostics.filter((d) => d.code === 'BG007').map((d) => d.file)).toEqual(['test/incidents/pocketos-lockdown.yaml']);
    expect(body.ok).toBe(false);
  });
});

describe('blastguard test: what --tests names', () => {
  test('a named file that holds no fixture is an error (BG434), not a pass of nothing', async () => {
    const root = await copyExampleRepo(path.join(work, 'not-a-fixture'));
    await writeFile(path.join(root, 'notes.txt'), 'hello\n');
    for (const file of ['notes.txt', 'policies/apis/railway.yaml']) {
      const r = await runCli(['test', '--format', 'json', '--tests', file], { cwd: root });
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as TestReportJson).diagnostics.map((d) => d.code)).toContain('BG434');
    }
  });

  test('an empty tests directory has its own code (BG435), not the policy loader\'s BG003', async () => {
    const root = await copyExampleRepo(path.join(work, 'empty-tests'));
    await mkdir(path.join(root, 'empty'));
    const r = await runCli(['test', '--format', 'json', '--tests', 'empty'], { cwd: root });
    expect(r.code).toBe(1);
    const codes = (JSON.parse(r.stdout) as TestReportJson).diagnostics.map((d) => d.code);
    expect(codes).toContain('BG435');
    expect(codes).not.toContain('BG003');
  });

  test('--min-coverage in a partial run says it was not enforced (BG436)', async () => {
    const r = await runCli(['test', '--format', 'json', '--fixture', 'pocketos-volume-delete', '--min-coverage', '100'], { cwd: REPO });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TestReportJson).diagnostics.map((d) => [d.code, d.severity])).toContainEqual(['BG436', 'warning']);
  });
});
