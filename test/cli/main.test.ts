import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/main.js';
import { REPO, runCli } from '../helpers/cli.js';

describe('blastguard (main)', () => {
  it('lists commands in --help, validate first', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: blastguard [options] [command]');
    expect(stdout).toMatch(/Commands:\n\s+validate \[options\]/);
    expect(stdout).toContain('ir [options]');
  });

  it('prints help and exits 2 without arguments', async () => {
    const { code, stdout } = await runCli([]);
    expect(code).toBe(2);
    expect(stdout).toContain('Usage: blastguard');
  });

  it('prints the version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(VERSION);
  });

  it('exits 2 on an unknown command or flag', async () => {
    const unknown = await runCli(['valdate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown command 'valdate'");
    expect((await runCli(['--bogus'])).code).toBe(2);
  });

  it('exits 2 for a coded usage error and keeps the code and a help line', async () => {
    const r = await runCli(['eval', '--dir', 'a', '--bundle', 'b', '--input', 'c']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error BG275 give either --dir or --bundle, not both\n {2}help: \S/);
  });
});

describe('empty path flags and filters', () => {
  it.each([
    [['validate', '--dir', '']],
    [['ir', '--dir', '']],
    [['test', '--tests', '']],
    [['test', '--dir', '']],
    [['test', '--step', '']],
    [['test', '--fixture', '']],
    [['test', '--junit', '']],
    [['eval', '--dir', '', '--input', 'x.json']],
    [['build', '--dir', '', '--out', 'b.tar.gz']],
  ])('`%s` is a usage error (BG265), not a scan of the current directory', async (args) => {
    const r = await runCli(args, { cwd: REPO });
    expect([r.code, /error (BG\d+)/.exec(r.stderr)?.[1]]).toEqual([2, 'BG265']);
  });
});

describe('control characters in flag values and arguments', () => {
  it.each([
    [['validate', '--dir', 'x\u001b[2Jy']],
    [['test', '--tests', 'a\nb']],
    [['test', '--fixture', 'a\u001bb']],
    [['eval', '--input', 'in\u001b.json']],
    [['verify', 'b\u001b.tar.gz', '--verification-key', 'k.pem']],
    [['keygen', '--alg', 'ES\u001b256', '--out', 'k']],
    [['build', '--out', 'b.tar.gz', '--signing-key', 'k\u001b.pem']],
  ])('`%s` is a usage error (BG266) that echoes the value escaped', async (args) => {
    const r = await runCli(args, { cwd: REPO });
    expect([r.code, /error (BG\d+)/.exec(r.stderr)?.[1]]).toEqual([2, 'BG266']);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr + r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });
});
