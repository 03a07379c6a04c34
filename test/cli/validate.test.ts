import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/fs.js';
import { API_RAILWAY, FINGERPRINT_B, policy, token } from '../helpers/policies.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const BROKEN = {
  'policies/apis/railway.yaml': API_RAILWAY,
  'policies/team/p.yaml': policy('p', '    - id: r1', '      match: { opertions: [volumeDelete] }', '      mode: deny', '      reason: no'),
  'policies/tokens/t.yaml': token('t').replace('operations: [customDomainCreate]', 'operations: [customDomainCreat]'),
};

describe('blastguard validate', () => {
  it('passes the example policy repository', async () => {
    const { code, stdout, stderr } = await runCli(['validate'], { cwd: REPO });
    expect(stderr).not.toMatch(/error BG/);
    expect(stdout).toMatch(/^policies: \d+ valid documents, 0 errors, \d+ warnings?\n$/);
    expect(code).toBe(0);
  });

  it('reports errors with location, code frame and help on stderr, and exits 1', async () => {
    const cwd = await writeTree(BROKEN);
    const { code, stdout, stderr } = await runCli(['validate'], { cwd });
    expect(code).toBe(1);
    expect(stderr).toContain(
      [
        'policies/team/p.yaml:8:16: error BG021 unknown property `opertions` in `spec.rules[0].match`',
        '  8 |       match: { opertions: [volumeDelete] }',
        '    |                ^^^^^^^^^',
        '  help: did you mean `operations`?',
      ].join('\n'),
    );
    expect(stderr).toContain('policies/tokens/t.yaml:9:22: warning BG044 operation `customDomainCreat` is not in api `railway`');
    expect(stderr).toContain('1 error, 1 warning\n');
    expect(stdout).toBe('policies: 2 valid documents, 1 error, 1 warning\n');
  });

  it('exits 0 with warnings only, 1 with --fail-on-warn', async () => {
    const cwd = await writeTree({ ...BROKEN, 'policies/team/p.yaml': policy('p', '    - id: r1', '      mode: allow') });
    expect((await runCli(['validate'], { cwd })).code).toBe(0);
    expect((await runCli(['validate', '--fail-on-warn'], { cwd })).code).toBe(1);
  });

  it('prints json on stdout', async () => {
    const cwd = await writeTree(BROKEN);
    const { code, stdout, stderr } = await runCli(['validate', '--format', 'json'], { cwd });
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const body = JSON.parse(stdout) as { diagnostics: { code: string; file: string; line: number; column: number }[] };
    expect(body).toMatchObject({ errorCount: 1, warningCount: 1, truncated: false });
    expect(body.diagnostics.map((d) => `${d.file}:${d.code}@${d.line}:${d.column}`)).toEqual([
      'policies/team/p.yaml:BG021@8:16',
      'policies/tokens/t.yaml:BG044@9:22',
    ]);
  });

  it('prints github annotations on stdout', async () => {
    const cwd = await writeTree(BROKEN);
    const { code, stdout } = await runCli(['validate', '--format', 'github', '--dir', 'policies'], { cwd });
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(
      '::error file=policies/team/p.yaml,line=8,col=16,endLine=8,endColumn=25,title=BG021::unknown property `opertions` in `spec.rules[0].match`%0Ahelp: did you mean `operations`?',
    );
    expect(stdout).toContain('::warning file=policies/tokens/t.yaml,line=9,col=22,');
  });

  it('caps output with --max-errors', async () => {
    const cwd = await writeTree(BROKEN);
    const { stderr } = await runCli(['validate', '--max-errors', '1'], { cwd });
    expect(stderr.match(/: (error|warning) BG/g)).toHaveLength(1);
    expect(stderr).toContain('1 more problem not shown');
  });

  it('checks expiry as of --now', async () => {
    const cwd = await writeTree({
      'policies/apis/railway.yaml': API_RAILWAY,
      'policies/tokens/t.yaml': token('t', FINGERPRINT_B).replace(/expires: .*/, 'expires: 2027-01-31T00:00:00Z'),
    });
    const { code, stderr } = await runCli(['validate', '--now', '2027-02-01T00:00:00Z', '--format', 'json'], { cwd });
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect((await runCli(['validate', '--now', '2026-06-01T00:00:00Z'], { cwd })).code).toBe(0);
  });

  it('colours output on a terminal unless NO_COLOR is set', async () => {
    const cwd = await writeTree(BROKEN);
    expect((await runCli(['validate'], { cwd, isTTY: true })).stderr).toContain('\u001b[');
    expect((await runCli(['validate'], { cwd, isTTY: true, env: { NO_COLOR: '1' } })).stderr).not.toContain('\u001b[');
  });

  it('shows help with examples', async () => {
    const { code, stdout } = await runCli(['validate', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: blastguard validate [options]');
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('--format <format>');
  });

  it.each([
    [['validate', '--bogus']],
    [['validate', '--format', 'xml']],
    [['validate', '--max-errors', 'ten']],
    [['validate', '--now', 'yesterday']],
    [['validate', '--dir']],
  ])('treats %j as a usage error (exit 2)', async (args) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a link leading outside the policy directory and never prints what it points at', async () => {
    const secret = 'MY_SECRET=s3cr3t-value-from-the-environment';
    const cwd = await writeTree({
      'elsewhere/env.yaml': `${secret}\n`,
      'policies/apis/railway.yaml': API_RAILWAY,
      'policies/env.yaml': { symlink: '../elsewhere/env.yaml' },
    });
    for (const format of ['human', 'json', 'github']) {
      const { code, stdout, stderr } = await runCli(['validate', '--format', format], { cwd });
      expect(code).toBe(1);
      expect(stdout + stderr).not.toContain('s3cr3t');
      expect(stdout + stderr).toContain('BG019');
    }
    const human = await runCli(['validate'], { cwd });
    expect(human.stderr).toContain(
      [
        'policies/env.yaml:1:1: error BG019 `policies/env.yaml` is a symbolic link that leads outside `policies`; it is not read',
        '  help: policy files must live inside `policies`: copy the file in, or link to a path inside the directory',
      ].join('\n'),
    );
    const ir = await runCli(['ir'], { cwd });
    expect(ir.code).toBe(1);
    expect(ir.stdout + ir.stderr).not.toContain('s3cr3t');
  });

  it.runIf(process.platform === 'linux')('does not print the process environment through a link to /proc/self/environ', async () => {
    const cwd = await writeTree({ 'policies/apis/railway.yaml': API_RAILWAY, 'policies/env.yaml': { symlink: '/proc/self/environ' } });
    const { code, stdout, stderr } = await runCli(['validate'], { cwd });
    expect(code).toBe(1);
    expect(stdout + stderr).not.toMatch(/PATH=|HOME=/);
    expect(stderr).toContain('policies/env.yaml:1:1: error BG019');
  });

  it('shows code frames from the text it read, which has no byte order mark', async () => {
    const cwd = await writeTree({ 'policies/apis/railway.yaml': `\uFEFF${API_RAILWAY.replace('protocol: graphql', 'protocol: grpc')}` });
    const { stderr } = await runCli(['validate'], { cwd });
    expect(stderr).toContain(['  5 |   protocol: grpc', '    |             ^^^^'].join('\n'));
  });
});
