import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/fs.js';
import { API_RAILWAY, policy } from '../helpers/policies.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('blastguard ir', () => {
  it('prints the digest and the IR of the example policies', async () => {
    const { code, stdout } = await runCli(['ir'], { cwd: REPO });
    expect(code).toBe(0);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd()).not.toContain('\n');
    const body = JSON.parse(stdout) as { digest: string; ir: { irVersion: number; apis: { name: string }[] } };
    expect(body.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(body.ir.irVersion).toBe(1);
    expect(body.ir.apis.map((a) => a.name)).toContain('railway');
  });

  it('is deterministic, and --pretty only changes the layout', async () => {
    const a = await runCli(['ir'], { cwd: REPO });
    const b = await runCli(['ir', '--pretty'], { cwd: REPO });
    expect(b.stdout).toContain('\n  "digest": "sha256:');
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));
    expect((await runCli(['ir'], { cwd: REPO })).stdout).toBe(a.stdout);
  });

  it('prints diagnostics on stderr and exits 1 on validation errors, with nothing on stdout', async () => {
    const cwd = await writeTree({
      'policies/api.yaml': API_RAILWAY,
      'policies/p.yaml': policy('p', '    - id: r1', '      mode: deny'),
    });
    const { code, stdout, stderr } = await runCli(['ir'], { cwd });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('policies/p.yaml:7:7: error BG020');
  });

  it('prints warnings on stderr but still emits the IR', async () => {
    const cwd = await writeTree({
      'policies/api.yaml': API_RAILWAY,
      'policies/p.yaml': policy('p', '    - id: r1', '      match: { operations: [volumeDelet] }', '      mode: allow'),
    });
    const { code, stdout, stderr } = await runCli(['ir', '--dir', 'policies'], { cwd });
    expect(code).toBe(0);
    expect(stderr).toContain('warning BG044');
    expect(JSON.parse(stdout)).toHaveProperty('ir.policies.0.name', 'p');
  });

  it('shows help with examples, and rejects unknown flags as usage errors', async () => {
    const help = await runCli(['ir', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: blastguard ir [options]');
    expect(help.stdout).toContain('Examples:');
    expect((await runCli(['ir', '--bogus'])).code).toBe(2);
  });
});
