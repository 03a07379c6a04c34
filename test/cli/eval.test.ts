import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCode, runCli, workspace } from '../bundle/cli.js';
import { testKeys } from '../bundle/fixtures.js';

const INPUT = {
  api: 'railway',
  operation: { name: 'volumeDelete', type: 'mutation' },
  resource: { kind: 'volume', id: 'vol_1', environment: 'production', project: 'pocketos' },
  token: { fingerprint: 'sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e' },
  time: '2026-04-25T21:14:03Z',
};

let dir: string;

beforeAll(async () => {
  dir = await workspace();
  const keys = testKeys('ES256');
  await writeFile(path.join(dir, 'signing.pem'), keys.signing);
  await writeFile(path.join(dir, 'verification.pem'), keys.verification);
  await writeFile(path.join(dir, 'other.pem'), testKeys('ES256', 'other').verification);
  await writeFile(path.join(dir, 'input.json'), JSON.stringify(INPUT));
  await writeFile(path.join(dir, 'broken.json'), '{"api": ');
  const flags = ['--revision', 'r', '--signing-alg', 'ES256'];
  expect((await runCli(['build', '--out', 'signed.tar.gz', '--signing-key', 'signing.pem', ...flags], { cwd: dir })).code).toBe(0);
  expect((await runCli(['build', '--out', 'unsigned.tar.gz', '--revision', 'r'], { cwd: dir })).code).toBe(0);
});

interface DecisionOut {
  allow: boolean;
  mode: string;
  rule: string;
}

describe('blastguard eval', () => {
  it('evaluates an input against the policy directory', async () => {
    const r = await runCli(['eval', '--input', 'input.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const decision = JSON.parse(r.stdout) as DecisionOut;
    expect(decision).toMatchObject({ allow: false, mode: 'deny' });
  });

  it('reads the input from standard input and evaluates the allow entrypoint', async () => {
    const r = await runCli(['eval', '--dir', 'policies', '--input', '-', '--entrypoint', 'blastguard/allow'], { cwd: dir, stdin: JSON.stringify(INPUT) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('false\n');
  });

  it('verifies a signed bundle before evaluating it', async () => {
    const r = await runCli(['eval', '--bundle', 'signed.tar.gz', '--verification-key', 'verification.pem', '--signing-alg', 'ES256', '--input', 'input.json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const fromDir = await runCli(['eval', '--input', 'input.json'], { cwd: dir });
    expect(r.stdout).toBe(fromDir.stdout);
  });

  it('rejects a bundle signed by another key', async () => {
    const r = await runCli(['eval', '--bundle', 'signed.tar.gz', '--verification-key', 'other.pem', '--signing-alg', 'ES256', '--input', 'input.json'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('BG309');
    expect(r.stdout).toBe('');
  });

  it('refuses a signed bundle without a key unless --skip-verify', async () => {
    const r = await runCli(['eval', '--bundle', 'signed.tar.gz', '--input', 'input.json'], { cwd: dir });
    expect(errorCode(r)).toBe('BG273');
    const skipped = await runCli(['eval', '--bundle', 'signed.tar.gz', '--skip-verify', '--input', 'input.json'], { cwd: dir });
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/^warning: .*not verified/);
  });

  it('requires a signature when a key is given, and notes an unsigned bundle otherwise', async () => {
    const r = await runCli(['eval', '--bundle', 'unsigned.tar.gz', '--verification-key', 'verification.pem', '--signing-alg', 'ES256', '--input', 'input.json'], {
      cwd: dir,
    });
    expect(errorCode(r)).toBe('BG301');
    const unsigned = await runCli(['eval', '--bundle', 'unsigned.tar.gz', '--input', 'input.json'], { cwd: dir });
    expect(unsigned.code).toBe(0);
    expect(unsigned.stderr).toMatch(/^note: .*not signed/);
  });

  it.each([
    [['--input', 'broken.json'], 'BG271'],
    [['--input', '-'], 'BG271'],
    [['--input', 'missing.json'], 'BG270'],
    [['--input', 'input.json', '--bundle', 'missing.tar.gz'], 'BG240'],
  ])('%s → %s, exit 1, with help', async (flags, code) => {
    const r = await runCli(['eval', ...flags], { cwd: dir, stdin: 'not json' });
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe(code);
    expect(r.stderr).toMatch(/\n {2}help: \S/);
  });

  it.each([
    [['--input', 'input.json', '--entrypoint', 'blastguard/other'], 'BG272'],
    [['--input', 'input.json', '--bundle', 'signed.tar.gz', '--dir', 'policies'], 'BG275'],
    [['--input', 'input.json', '--skip-verify'], 'BG275'],
    [['--input', 'input.json', '--verification-key', 'verification.pem'], 'BG275'],
    [['--input', 'input.json', '--bundle', 'signed.tar.gz', '--skip-verify', '--verification-key', 'verification.pem'], 'BG275'],
    [['--input', 'input.json', '--bundle', 'signed.tar.gz', '--skip-verify', '--scope', 'prod'], 'BG275'],
    [['--input', 'input.json', '--bundle', 'signed.tar.gz', '--key-id', 'prod'], 'BG275'],
    [['--input', 'input.json', '--bundle', 'signed.tar.gz', '--verification-key', 'verification.pem', '--signing-alg', 'none'], 'BG321'],
    [['--input', 'input.json', '--bundle', 'signed.tar.gz', '--verification-key', 'verification.pem', '--signing-alg', 'ES256', '--key-id', ''], 'BG322'],
    [['--input', 'input.json', '--bundle', 'signed.tar.gz', '--verification-key', 'verification.pem', '--signing-alg', 'ES256', '--scope', 'a\nverified'], 'BG322'],
    [['--input', ''], 'BG270'],
  ])('usage: %s → %s, exit 2, with help', async (flags, code) => {
    const r = await runCli(['eval', ...flags], { cwd: dir });
    expect(r.code).toBe(2);
    expect(errorCode(r)).toBe(code);
    expect(r.stderr).toMatch(/\n {2}help: \S/);
    expect(r.stdout).toBe('');
  });
});
