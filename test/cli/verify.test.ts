import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gzipDeterministic, readTarGz, writeTar } from '../../src/bundle/index.js';
import { errorCode, runCli, workspace } from '../bundle/cli.js';
import { testKeys } from '../bundle/fixtures.js';

let dir: string;

beforeAll(async () => {
  dir = await workspace();
  await writeFile(path.join(dir, 'signing.pem'), testKeys('RS256').signing);
  await writeFile(path.join(dir, 'verification.pem'), testKeys('RS256').verification);
  await writeFile(path.join(dir, 'private-as-public.pem'), testKeys('RS256').signing);
  expect((await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--signing-key', 'signing.pem', '--key-id', 'prod'], { cwd: dir })).code).toBe(0);
  const entries = await readTarGz(await readFile(path.join(dir, 'b.tar.gz')));
  await writeFile(path.join(dir, 'extra.tar.gz'), gzipDeterministic(writeTar([...entries, { path: 'README.md', bytes: Buffer.from('hi') }])));
  await writeFile(path.join(dir, 'stripped.tar.gz'), gzipDeterministic(writeTar(entries.filter((e) => e.path !== '.signatures.json'))));
});

describe('blastguard verify', () => {
  it('verifies and prints a one-line verdict', async () => {
    const r = await runCli(['verify', 'b.tar.gz', '--verification-key', 'verification.pem'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/^verified b\.tar\.gz: revision r, key `default` \(RS256\), 3 files covered/);
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

  it('needs a verification key (usage error)', async () => {
    const r = await runCli(['verify', 'b.tar.gz'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--verification-key');
  });
});
