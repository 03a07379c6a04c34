// `blastguard diff` end to end, in a scratch git repository made from a copy of policies/.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { allSchemaFiles, readSchema } from '../../src/schemas/index.js';
import { copyExampleRepo, runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/fs.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });

const PRODUCTION = path.join('policies', 'platform', 'railway-production.yaml');
const FROM = 'mode: deny\n      reason: Irreversible in production';
const TO = 'mode: allow\n      reason: Irreversible in production';

async function scratchRepo(): Promise<string> {
  const root = await copyExampleRepo(await writeTree({}));
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'example policies');
  return root;
}

async function loosen(root: string): Promise<void> {
  const file = path.join(root, PRODUCTION);
  const text = await readFile(file, 'utf8');
  expect(text).toContain(FROM);
  await writeFile(file, text.replace(FROM, TO));
}

const NOW = ['--now', '2026-06-01T00:00:00Z'];

describe('blastguard diff', () => {
  let validateReport: (v: unknown) => boolean;
  beforeAll(() => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
    addFormats.default(ajv);
    for (const f of allSchemaFiles()) ajv.addSchema(readSchema(f), f);
    validateReport = ajv.compile(readSchema('diff-report.schema.json')) as (v: unknown) => boolean;
  });

  it('names a deny → allow rule change in its first line, from the working tree against HEAD', async () => {
    const root = await scratchRepo();
    await loosen(root);
    const r = await runCli(['diff', '--base', 'HEAD', ...NOW], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const first = r.stdout.split('\n')[0]!;
    expect(first).toMatch(/^⚠ loosens \d+ decisions? in production/);
    expect(first).toContain('`railway-production/no-destructive-in-production`');
    // The working tree is untouched by reading the base.
    expect(git(root, 'status', '--porcelain')).toBe(` M ${PRODUCTION.split(path.sep).join('/')}\n`);
  });

  it('compares two commits with --base HEAD~1 --head HEAD and fails on loosening when asked', async () => {
    const root = await scratchRepo();
    await loosen(root);
    git(root, 'commit', '-q', '-am', 'allow destructive calls in production');
    const r = await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--fail-on', 'loosened', ...NOW], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^⚠ loosens .*no-destructive-in-production/);
    const same = await runCli(['diff', '--base', 'HEAD', '--head', 'HEAD', '--fail-on', 'any', ...NOW], { cwd: root });
    expect(same.code).toBe(0);
    expect(same.stdout.split('\n')[0]).toBe('✓ no decision changes');
  });

  it('writes JSON that follows schemas/diff-report.schema.json', async () => {
    const root = await scratchRepo();
    await loosen(root);
    const r = await runCli(['diff', '--base', 'HEAD', '--format', 'json', ...NOW], { cwd: root });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { headline: string; rows: { direction: string; api: string; operation: string; environment: string[]; token: string[]; before: { mode: string }; after: { mode: string } }[] };
    expect(validateReport(report)).toBe(true);
    const loosened = report.rows.filter((row) => row.direction === 'loosened');
    expect(loosened.length).toBeGreaterThan(0);
    for (const row of loosened) {
      expect(row.environment).toContain('production');
      expect(row.before.mode).toBe('deny');
      expect(row.after.mode).toBe('allow');
    }
  });

  it('reports a base that does not validate as such (BG562), not as a diff', async () => {
    const root = await scratchRepo();
    const file = path.join(root, PRODUCTION);
    const good = await readFile(file, 'utf8');
    await writeFile(file, 'kind: Policy\nnot: [valid\n');
    git(root, 'commit', '-q', '-am', 'break it');
    await writeFile(file, good);
    const r = await runCli(['diff', '--base', 'HEAD', ...NOW], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error BG562');
  });

  it('reports a head that does not validate (BG563), an unknown revision (BG560) and a directory outside git (BG561)', async () => {
    const root = await scratchRepo();
    await writeFile(path.join(root, PRODUCTION), 'kind: Policy\nnot: [valid\n');
    const head = await runCli(['diff', '--base', 'HEAD', ...NOW], { cwd: root });
    expect(head.code).toBe(1);
    expect(head.stderr).toContain('error BG563');
    const missing = await runCli(['diff', '--base', 'no-such-branch', ...NOW], { cwd: root });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error BG560');
    const outside = await runCli(['diff', '--base', 'HEAD'], { cwd: await writeTree({ 'x.txt': 'x' }) });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('error BG561');
    const noDir = await runCli(['diff', '--base', 'HEAD', '--dir', 'nowhere', ...NOW], { cwd: root });
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toContain('error BG565');
  });
});
