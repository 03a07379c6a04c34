import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundleDirectory } from '../../src/bundle/index.js';
import { errorCode, runCli, workspace } from '../bundle/cli.js';
import { testKeys } from '../bundle/fixtures.js';

const exists = (p: string): Promise<boolean> => stat(p).then(
  () => true,
  () => false,
);

describe('build --out: where a bundle may be written', () => {
  it('`--out ""` is a usage error and touches nothing in the current directory', async () => {
    const dir = await workspace();
    await writeFile(path.join(dir, 'data.json'), '{"mine":true}');
    await writeFile(path.join(dir, '.signatures.json'), 'keep');
    const r = await runCli(['build', '--out', '', '--revision', 'r'], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([2, 'BG263']);
    expect(r.stderr).toMatch(/\n {2}help: \S/);
    expect(await readFile(path.join(dir, 'data.json'), 'utf8')).toBe('{"mine":true}');
    expect(await readFile(path.join(dir, '.signatures.json'), 'utf8')).toBe('keep');
    expect(await exists(path.join(dir, 'policy.wasm'))).toBe(false);
  });

  it.each([['.'], ['./'], ['policies'], ['policies/'], ['policies/bundle'], ['policies/b.tar.gz'], ['..']])('`--out %s` is a usage error', async (out) => {
    const dir = await workspace();
    const before = (await readdir(path.join(dir, 'policies'), { recursive: true })).sort();
    const r = await runCli(['build', '--out', out, '--revision', 'r'], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([2, 'BG263']);
    expect(r.stdout).toBe('');
    expect((await readdir(path.join(dir, 'policies'), { recursive: true })).sort()).toEqual(before);
    expect(await exists(path.join(dir, 'policy.wasm'))).toBe(false);
  });

  it('`--out .` is refused even when --dir points elsewhere', async () => {
    const dir = await workspace();
    const r = await runCli(['build', '--dir', path.join(dir, 'policies'), '--out', '.', '--revision', 'r'], { cwd: path.join(dir, '..') });
    expect([r.code, errorCode(r)]).toEqual([2, 'BG263']);
  });

  it.each([
    ['a stray file', async (out: string) => writeFile(path.join(out, 'README.md'), 'notes')],
    ['stray nested data', async (out: string) => {
      await mkdir(path.join(out, 'sub'));
      await writeFile(path.join(out, 'sub/data.json'), '{"x":1}');
    }],
    ['a directory named like a bundle file', async (out: string) => mkdir(path.join(out, 'data.json'))],
  ])('refuses an existing directory with %s (BG262) and leaves it alone', async (_what, setup) => {
    const dir = await workspace();
    const out = path.join(dir, 'out');
    await mkdir(out);
    await setup(out);
    const before = (await readdir(out, { recursive: true })).sort();
    const r = await runCli(['build', '--out', 'out', '--revision', 'r'], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([1, 'BG262']);
    expect(r.stderr).toMatch(/\n {2}help: .*new or empty directory/);
    expect((await readdir(out, { recursive: true })).sort()).toEqual(before);
  });

  it('writes into an empty directory and over its own earlier output, atomically per file, and clears its stale temp files', async () => {
    const dir = await workspace();
    await mkdir(path.join(dir, 'out'));
    expect((await runCli(['build', '--out', 'out', '--revision', 'r1'], { cwd: dir })).code).toBe(0);
    await writeFile(path.join(dir, 'out', '.policy.wasm.1234.0badcafe.tmp'), 'half');
    const keys = testKeys('ES256');
    await writeFile(path.join(dir, 'signing.pem'), keys.signing);
    await writeFile(path.join(dir, 'verification.pem'), keys.verification);
    const r = await runCli(['build', '--out', 'out', '--revision', 'r2', '--signing-key', 'signing.pem', '--signing-alg', 'ES256'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['.manifest', '.signatures.json', 'catalog.json', 'data.json', 'policy.wasm']);
    expect((await readBundleDirectory(path.join(dir, 'out'))).revision).toBe('r2');
    const verified = await runCli(['verify', 'out', '--verification-key', 'verification.pem', '--signing-alg', 'ES256'], { cwd: dir });
    expect(verified.code).toBe(0);
  });
});

describe('build: free-text flags', () => {
  it.each([
    [['--revision', 'abc\nverified bundle.tar.gz']],
    [['--revision', 'a\tb']],
    [['--signing-key', 'signing.pem', '--key-id', 'k\u001b[31m']],
    [['--signing-key', 'signing.pem', '--key-id', '']],
    [['--signing-key', 'signing.pem', '--scope', 'prod\r\n']],
  ])('%s is a usage error (BG264)', async (flags) => {
    const dir = await workspace();
    await writeFile(path.join(dir, 'signing.pem'), testKeys('RS256').signing);
    const r = await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', ...flags], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([2, 'BG264']);
    expect(r.stderr).toMatch(/\n {2}help: \S/);
    expect(r.stderr.split('\n').length).toBe(3);
    expect(await exists(path.join(dir, 'b.tar.gz'))).toBe(false);
  });

  it('still allows an empty revision and an empty scope', async () => {
    const dir = await workspace();
    await writeFile(path.join(dir, 'signing.pem'), testKeys('RS256').signing);
    const r = await runCli(['build', '--out', 'b.tar.gz', '--revision', '', '--signing-key', 'signing.pem', '--scope', ''], { cwd: dir });
    expect(r.code).toBe(0);
  });
});
