import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';

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
});
