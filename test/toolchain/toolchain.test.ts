import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../../src/bundle/index.js';
import { irDigest } from '../../src/ir/build.js';
import { buildBundle, buildPolicies, checkPolicies, loadTestBundle, packBuiltBundle, runTests, sha256Hex } from '../../src/toolchain/index.js';
import { REPO, runCli } from '../helpers/cli.js';
import { writeTree, yaml } from '../helpers/fs.js';
import { API_RAILWAY } from '../helpers/policies.js';

describe('checkPolicies', () => {
  it('returns the IR and the text the loader read', async () => {
    const check = await checkPolicies({ dir: 'policies', cwd: REPO });
    expect(check.errorCount).toBe(0);
    expect(check.ir).not.toBeNull();
    expect([...check.sources.keys()].every((f) => f.startsWith('policies/'))).toBe(true);
  });

  it('returns no IR when there are errors', async () => {
    const cwd = await writeTree({ 'policies/api.yaml': API_RAILWAY.replace('protocol: graphql', 'protocol: nope') });
    const check = await checkPolicies({ dir: 'policies', cwd });
    expect(check.errorCount).toBeGreaterThan(0);
    expect(check.ir).toBeNull();
  });
});

describe('buildBundle: the one way to build a bundle', () => {
  it('`blastguard build` writes exactly the bytes of buildBundle', async () => {
    const cwd = await writeTree({});
    const out = path.join(cwd, 'b.tar.gz');
    const cli = await runCli(['build', '--dir', path.join(REPO, 'policies'), '--out', out, '--revision', 'r1'], { cwd });
    expect(cli.code).toBe(0);
    const { ir } = await checkPolicies({ dir: 'policies', cwd: REPO });
    const bytes = packBuiltBundle(await buildBundle(ir!, { revision: 'r1' }));
    expect(sha256Hex(await readFile(out))).toBe(sha256Hex(bytes));
  });

  it('the bundle replays run against is the bundle `build` writes, with the IR digest as revision', async () => {
    const { ir } = await checkPolicies({ dir: 'policies', cwd: REPO });
    const test = await loadTestBundle(ir!);
    expect(test.revision).toBe(irDigest(ir!));
    expect(sha256Hex(test.bytes)).toBe(sha256Hex(packBuiltBundle(await buildBundle(ir!, { revision: irDigest(ir!) }))));
    expect((await readBundle(test.bytes)).manifest.metadata).toEqual({ compiler: expect.stringMatching(/^blastguard /), ir_digest: irDigest(ir!) });
  });

  it('buildPolicies reports findings before a write error, and writes nothing on policy errors', async () => {
    const cwd = await writeTree({ 'policies/api.yaml': API_RAILWAY.replace('protocol: graphql', 'protocol: nope'), 'out/foreign.txt': 'x' });
    const seen: number[] = [];
    const result = await buildPolicies({ dir: 'policies', out: 'b.tar.gz', cwd, revision: 'r' }, { checked: (c) => seen.push(c.errorCount) });
    expect(seen).toEqual([result.check.errorCount]);
    expect(result.bundle).toBeNull();
    expect(result.written).toBeNull();
    const ok = await writeTree({ 'policies/api.yaml': API_RAILWAY, 'out/foreign.txt': 'x' });
    const checked: number[] = [];
    await expect(buildPolicies({ dir: 'policies', out: 'out', cwd: ok, revision: 'r' }, { checked: (c) => checked.push(c.warningCount) })).rejects.toMatchObject({ code: 'BG262' });
    expect(checked).toHaveLength(1);
  });
});

describe('runTests', () => {
  it('returns the loader text of policies and fixtures for code frames', async () => {
    const report = await runTests({ dir: 'policies', tests: 'test', cwd: REPO });
    expect(report.ok).toBe(true);
    expect(report.sources.has('test/incidents/pocketos-volume-delete.yaml')).toBe(true);
    expect([...report.sources.keys()].some((f) => f.startsWith('policies/'))).toBe(true);
  });
});

describe('one printDiagnostics', () => {
  const broken = { 'policies/api.yaml': yaml(API_RAILWAY.replace('protocol: graphql', 'protocol: nope').trimEnd()) };

  it.each([['validate'], ['ir'], ['build', '--out', 'b.tar.gz', '--revision', 'r'], ['eval', '--input', 'in.json'], ['test', '--tests', 'policies']])(
    '`%s` frames code from the loader text and honours NO_COLOR',
    async (command, ...rest) => {
      const cwd = await writeTree({ ...broken, 'in.json': '{}' });
      const plain = await runCli([command, '--dir', 'policies', ...rest], { cwd, isTTY: true, env: { NO_COLOR: '1' } });
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/^ {2}\d+ \| .*protocol: nope/m);
      expect(plain.stderr).not.toContain('\u001b[');
      const coloured = await runCli([command, '--dir', 'policies', ...rest], { cwd, isTTY: true });
      expect(coloured.stderr).toContain('\u001b[');
    },
  );
});
