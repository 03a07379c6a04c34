import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCode, runCli, workspace } from '../bundle/cli.js';

const mode = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('blastguard keygen', () => {
  it.each([['ES256'], ['ES384'], ['ES512'], ['PS256'], ['RS256']])('%s: key pair whose keys build and verify a bundle', async (alg) => {
    const dir = await workspace();
    const r = await runCli(['keygen', '--alg', alg, '--out', 'keys'], { cwd: dir });
    expect(r.code).toBe(0);
    const priv = path.join(dir, 'keys/signing-key.pem');
    const pub = path.join(dir, 'keys/verification-key.pem');
    expect(await readFile(priv, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await readFile(pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(await mode(priv)).toBe(0o600);
    expect(await mode(pub)).toBe(0o600);
    const flags = alg === 'RS256' ? [] : ['--signing-alg', alg];
    expect(r.stdout).toContain(`--signing-key keys/signing-key.pem${alg === 'RS256' ? '' : ` --signing-alg ${alg}`}`);
    const build = await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--signing-key', 'keys/signing-key.pem', ...flags], { cwd: dir });
    expect(build.code).toBe(0);
    const verify = await runCli(['verify', 'b.tar.gz', '--verification-key', 'keys/verification-key.pem', ...flags], { cwd: dir });
    expect(verify.code).toBe(0);
  });

  it.each([['HS256', 86], ['HS384', 128], ['HS512', 171]])('%s: a random secret that both signs and verifies', async (alg, length) => {
    const dir = await workspace();
    expect((await runCli(['keygen', '--alg', alg, '--out', 'keys'], { cwd: dir })).code).toBe(0);
    const secret = path.join(dir, 'keys/hmac-secret.key');
    expect(await readFile(secret, 'utf8')).toMatch(new RegExp(`^[A-Za-z0-9_-]{${length}}$`));
    expect(await mode(secret)).toBe(0o600);
    const flags = ['--signing-alg', alg];
    expect((await runCli(['build', '--out', 'b.tar.gz', '--revision', 'r', '--signing-key', 'keys/hmac-secret.key', ...flags], { cwd: dir })).code).toBe(0);
    expect((await runCli(['verify', 'b.tar.gz', '--verification-key', 'keys/hmac-secret.key', ...flags], { cwd: dir })).code).toBe(0);
  });

  it('never overwrites', async () => {
    const dir = await workspace();
    await mkdir(path.join(dir, 'keys'));
    await writeFile(path.join(dir, 'keys/verification-key.pem'), 'old');
    const r = await runCli(['keygen', '--alg', 'ES256', '--out', 'keys'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG281');
    expect(await readFile(path.join(dir, 'keys/verification-key.pem'), 'utf8')).toBe('old');
    await expect(stat(path.join(dir, 'keys/signing-key.pem'))).rejects.toThrow();
  });

  it('refuses unknown algorithms as a usage error (exit 2) with help', async () => {
    const dir = await workspace();
    for (const alg of ['none', 'EdDSA', 'HS1']) {
      const r = await runCli(['keygen', '--alg', alg, '--out', 'keys'], { cwd: dir });
      expect([r.code, errorCode(r)]).toEqual([2, 'BG280']);
      expect(r.stderr).toMatch(/\n {2}help: use one of RS256/);
    }
    await expect(stat(path.join(dir, 'keys'))).rejects.toThrow();
  });

  it('explains an --out that is a file in its own words, with help (no raw errno text)', async () => {
    const dir = await workspace();
    await writeFile(path.join(dir, 'keys'), 'not a directory');
    const r = await runCli(['keygen', '--alg', 'ES256', '--out', 'keys'], { cwd: dir });
    expect([r.code, errorCode(r)]).toEqual([1, 'BG282']);
    expect(r.stderr).toContain('cannot write keys to `keys`: it exists and is not a directory');
    expect(r.stderr).toMatch(/\n {2}help: \S/);
    expect(r.stderr.toLowerCase()).not.toMatch(/eexist|enotdir|mkdir|open '/);
    const nested = await runCli(['keygen', '--alg', 'ES256', '--out', 'keys/sub'], { cwd: dir });
    expect([nested.code, errorCode(nested)]).toEqual([1, 'BG282']);
    expect(nested.stderr).toContain('a part of the path is not a directory');
    expect(nested.stderr.toLowerCase()).not.toMatch(/eexist|enotdir|mkdir|open '/);
    const empty = await runCli(['keygen', '--alg', 'ES256', '--out', ''], { cwd: dir });
    expect([empty.code, errorCode(empty)]).toEqual([2, 'BG282']);
  });
});

describe('keygen --out under a kernel filesystem', () => {
  it('is refused (BG282) instead of hanging in a recursive mkdir', async () => {
    for (const out of ['/proc/blastguard-keys', '/sys/blastguard-keys']) {
      const r = await runCli(['keygen', '--out', out]);
      expect([r.code, /error (BG\d+)/.exec(r.stderr)?.[1]]).toEqual([1, 'BG282']);
    }
  });
});
