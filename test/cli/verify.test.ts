import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { gzipDeterministic, readTarGz, writeTar, type BundleEntry } from '../../src/bundle/index.js';
import { errorCode, runCli, workspace } from '../bundle/cli.js';
import { testKeys } from '../bundle/fixtures.js';

let dir: string;

/** A gzip tar whose entry names have no leading `/` (the writer of some other tool), content unchanged. */
async function tarWithoutSlash(entries: readonly BundleEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) pack.entry({ name: e.path, type: 'file', size: e.bytes.length }, Buffer.from(e.bytes));
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

beforeAll(async () => {
  dir = await workspace();
  await writeFile(path.join(dir, 'signing.pem'), testKeys('RS256').signing);
  await writeFile(path.join(dir, 'verification.pem'), testKeys('RS256').verification);
  await writeFile(path.join(dir, 'private-as-public.pem'), testKeys('RS256').signing);
  expect((await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--signing-key', 'signing.pem', '--key-id', 'prod'], { cwd: dir })).code).toBe(0);
  const entries = await readTarGz(await readFile(path.join(dir, 'b.tar.gz')));
  await writeFile(path.join(dir, 'extra.tar.gz'), gzipDeterministic(writeTar([...entries, { path: 'README.md', bytes: Buffer.from('hi') }])));
  await writeFile(path.join(dir, 'stripped.tar.gz'), gzipDeterministic(writeTar(entries.filter((e) => e.path !== '.signatures.json'))));
  await writeFile(path.join(dir, 'noslash.tar.gz'), await tarWithoutSlash(entries));
  expect((await runCli(['build', '--out', 'scoped.tar.gz', '--revision', 'r', '--signing-key', 'signing.pem', '--scope', 'prod'], { cwd: dir })).code).toBe(0);
});

describe('blastguard verify', () => {
  it('verifies and prints a one-line verdict', async () => {
    const r = await runCli(['verify', 'b.tar.gz', '--verification-key', 'verification.pem'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/^verified b\.tar\.gz: revision r, key `default` \(RS256\), 4 files covered/);
  });

  it('rejects with a coded one-line verdict', async () => {
    const r = await runCli(['verify', 'extra.tar.gz', '--verification-key', 'verification.pem'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG311');
    expect(r.stderr).toMatch(/^error BG311 rejected `extra\.tar\.gz`: bundle file `README\.md` is not covered/);
    const excluded = await runCli(['verify', 'extra.tar.gz', '--verification-key', 'verification.pem', '--exclude-files', '*.md'], { cwd: dir });
    expect(excluded.code).toBe(0);
    expect(excluded.stdout).toContain('excluded: README.md');
  });

  it('rejects a stripped signature whatever the key id', async () => {
    for (const extra of [[], ['--key-id', 'prod']]) {
      const r = await runCli(['verify', 'stripped.tar.gz', '--verification-key', 'verification.pem', ...extra], { cwd: dir });
      expect(errorCode(r)).toBe('BG301');
    }
  });

  it('takes the algorithm from --signing-alg, never from the token', async () => {
    const r = await runCli(['verify', 'b.tar.gz', '--verification-key', 'verification.pem', '--signing-alg', 'PS256'], { cwd: dir });
    expect(errorCode(r)).toBe('BG308');
    const hs = await runCli(['verify', 'b.tar.gz', '--verification-key', 'verification.pem', '--signing-alg', 'HS256'], { cwd: dir });
    expect(errorCode(hs)).toBe('BG315');
  });

  it('refuses bad key material and unreadable inputs', async () => {
    expect(errorCode(await runCli(['verify', 'b.tar.gz', '--verification-key', 'private-as-public.pem'], { cwd: dir }))).toBe('BG315');
    expect(errorCode(await runCli(['verify', 'b.tar.gz', '--verification-key', 'nope.pem'], { cwd: dir }))).toBe('BG319');
    expect(errorCode(await runCli(['verify', 'nope.tar.gz', '--verification-key', 'verification.pem'], { cwd: dir }))).toBe('BG240');
    expect(errorCode(await runCli(['verify', 'verification.pem', '--verification-key', 'verification.pem'], { cwd: dir }))).toBe('BG210');
  });

  it('rejects a bundle OPA would not activate: entries without `/` while the manifest names `/policy.wasm` (BG234)', async () => {
    const r = await runCli(['verify', 'noslash.tar.gz', '--verification-key', 'verification.pem', '--key-id', 'prod'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG234');
    expect(r.stderr).toMatch(/\n {2}help: \S/);
    const evaluated = await runCli(['eval', '--bundle', 'noslash.tar.gz', '--verification-key', 'verification.pem', '--key-id', 'prod', '--input', '-'], {
      cwd: dir,
      stdin: '{}',
    });
    expect(errorCode(evaluated)).toBe('BG234');
    expect(evaluated.stdout).toBe('');
  });

  it('says "no scope was expected" when none was configured', async () => {
    const r = await runCli(['verify', 'scoped.tar.gz', '--verification-key', 'verification.pem'], { cwd: dir });
    expect(errorCode(r)).toBe('BG310');
    expect(r.stderr).toContain('bundle signature scope `prod` does not match; no scope was expected');
    expect(r.stderr).not.toContain('scope ``');
    expect(r.stderr).toMatch(/\n {2}help: pass --scope/);
    const unscoped = await runCli(['verify', 'b.tar.gz', '--verification-key', 'verification.pem', '--key-id', 'prod', '--scope', 'prod'], { cwd: dir });
    expect(errorCode(unscoped)).toBe('BG310');
    expect(unscoped.stderr).toContain('bundle signature has no scope; the expected scope is `prod`');
    expect((await runCli(['verify', 'scoped.tar.gz', '--verification-key', 'verification.pem', '--scope', 'prod'], { cwd: dir })).code).toBe(0);
  });

  it.each([
    [['--signing-alg', 'none'], 'BG321'],
    [['--signing-alg', 'EdDSA'], 'BG321'],
    [['--key-id', ''], 'BG322'],
    [['--key-id', 'prod\nverified b.tar.gz'], 'BG322'],
    [['--scope', 'a\rb'], 'BG322'],
    [['--verification-key', ''], 'BG319'],
  ])('usage error: %s → %s, exit 2, with help', async (flags, code) => {
    const r = await runCli(['verify', 'b.tar.gz', '--verification-key', 'verification.pem', ...flags], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([2, code]);
    expect(r.stderr).toMatch(/\n {2}help: \S/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('verified'))).toEqual([]);
    expect(r.stdout).toBe('');
  });

  it('gives help for unreadable keys and bundles, in its own words', async () => {
    for (const [args, code] of [
      [['verify', 'b.tar.gz', '--verification-key', 'nope.pem'], 'BG319'],
      [['verify', 'nope.tar.gz', '--verification-key', 'verification.pem'], 'BG240'],
      [['verify', '', '--verification-key', 'verification.pem'], 'BG240'],
    ] as const) {
      const r = await runCli([...args], { cwd: dir });
      expect(errorCode(r)).toBe(code);
      expect(r.stderr).toMatch(/\n {2}help: \S/);
    }
  });

  it('needs a verification key (usage error)', async () => {
    const r = await runCli(['verify', 'b.tar.gz'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--verification-key');
  });
});
