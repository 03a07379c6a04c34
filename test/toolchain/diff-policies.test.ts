// toolchain.diffPolicies and `blastguard diff --format markdown` on scratch repositories.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeownersOf, diffPolicies, parseCodeowners } from '../../src/toolchain/index.js';
import { LOOSEN, PRODUCTION, commitEdit, git, scratchRepo } from '../action/support.js';
import { runCli } from '../helpers/cli.js';

const NOW = new Date('2026-06-01T00:00:00Z');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-diffpolicies-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('CODEOWNERS', () => {
  const rules = parseCodeowners(['# comment', '*           @acme/everyone', '/policies/  @acme/policy', 'tokens/     @acme/secrets  # inline', '**/*-staging.yaml @acme/staging', '/docs/x.md'].join('\n'));
  it.each([
    ['README.md', ['@acme/everyone']],
    ['policies/apis/railway.yaml', ['@acme/policy']],
    ['policies/tokens/railway.yaml', ['@acme/secrets']],
    ['policies/platform/railway-staging.yaml', ['@acme/staging']],
    ['docs/x.md', []],
  ])('%s → %j (the last matching line wins)', (file, owners) => {
    expect(codeownersOf(rules, file)?.owners).toEqual(owners);
  });
});

describe('diffPolicies', () => {
  it('reports the decision diff, replay flips against both bundles, owners and digests', async () => {
    const { root, base } = await scratchRepo(work);
    const head = await commitEdit(root, PRODUCTION, LOOSEN[0], LOOSEN[1], 'loosen');
    const diff = await diffPolicies({ cwd: root, dir: 'policies', tests: 'test', base, head: 'HEAD', now: NOW });
    expect(diff.base.commit).toBe(base);
    expect(diff.head.commit).toBe(head);
    expect(diff.report!.summary.loosened).toBeGreaterThan(0);
    expect(diff.head.irDigest).toBe(diff.report!.head.irDigest);
    expect(diff.base.bundleDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(diff.head.bundleDigest).not.toBe(diff.base.bundleDigest);
    expect(diff.replay!.regressions).toBeGreaterThan(0);
    expect(diff.replay!.flips.every((f) => f.before !== null && f.after !== null)).toBe(true);
    expect(diff.documents).toEqual([
      { kind: 'Policy', name: 'railway-production', change: 'changed', file: 'policies/platform/railway-production.yaml', owners: ['@acme/platform'], codeowners: ['@acme/security'] },
    ]);
    expect(diff.owners).toEqual(['@acme/platform', '@acme/security']);
    expect(diff.codeownersFile).toBe('.github/CODEOWNERS');
    expect(diff.rules['railway-production/no-destructive-in-production']).toEqual({ file: 'policies/platform/railway-production.yaml', line: 11 });
  });

  it('the working tree is the default head, and an identical head runs no replays', async () => {
    const { root, base } = await scratchRepo(work);
    const same = await diffPolicies({ cwd: root, dir: 'policies', tests: 'test', base, now: NOW });
    expect(same.head.commit).toBeNull();
    expect(same.report!.rows).toEqual([]);
    expect(same.replay).toBeNull();
    expect(same.documents).toEqual([]);
    await writeFile(path.join(root, 'policies', 'overrides.yaml'), 'apiVersion: blastguard.dev/v1\nkind: Overrides\nmetadata: { name: global }\nspec: { enforcement: lockdown, reason: incident, expires: "2026-06-08T00:00:00Z" }\n');
    const dirty = await diffPolicies({ cwd: root, dir: 'policies', tests: 'test', base, now: NOW });
    expect(dirty.report!.overrides?.flipped).toBe(true);
    expect(git(root, 'status', '--porcelain')).toBe('M policies/overrides.yaml');
  });
});

describe('blastguard diff --format markdown', () => {
  it('prints the comment with rule links into the head commit', async () => {
    const { root } = await scratchRepo(work);
    const head = await commitEdit(root, PRODUCTION, LOOSEN[0], LOOSEN[1], 'loosen');
    const r = await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'markdown', '--repository-url', 'https://github.com/acme/policies/', '--now', NOW.toISOString()], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### 🛡️ blastguard policy diff\n\n\*\*⚠ loosens/);
    expect(r.stdout).toContain(`(https://github.com/acme/policies/blob/${head}/policies/platform/railway-production.yaml#L11)`);
    expect(r.stdout).toContain(`npx blastguard diff --base `);
  });

  it('renders a head that does not validate as a section and exits 1', async () => {
    const { root } = await scratchRepo(work);
    await writeFile(path.join(root, PRODUCTION), 'kind: Policy\nnot: [valid\n');
    const r = await runCli(['diff', '--base', 'HEAD', '--format', 'markdown', '--now', NOW.toISOString()], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('### ❌ The head does not validate');
  });
});
