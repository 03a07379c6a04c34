// Golden pull-request comments, each from a real change of the example repository diffed by
// toolchain.diffPolicies (fixed commit dates, so commit ids and links are stable).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, diffChangesSomething, parseMarker, renderDiffMarkdown } from '../../src/report/index.js';
import { diffPolicies, type PolicyDiff } from '../../src/toolchain/index.js';
import { LOOSEN, PRODUCTION, git, scratchRepo } from '../action/support.js';

const NOW = new Date('2026-06-01T00:00:00Z');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-golden-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh repository, `edit` committed on top, diffed head against base. */
async function diffOf(edit: (root: string) => Promise<void>): Promise<PolicyDiff> {
  const { root, base } = await scratchRepo(work);
  await edit(root);
  git(root, 'commit', '-q', '-am', 'change');
  return diffPolicies({ cwd: root, dir: 'policies', tests: 'test', base, head: 'HEAD', now: NOW });
}

function comment(diff: PolicyDiff, limit?: number): string {
  return renderDiffMarkdown(diff, {
    repositoryUrl: 'https://github.com/acme/policies',
    marker: { head: diff.head.commit!, ir: diff.head.irDigest, run: 1, changes: diffChangesSomething(diff) },
    command: `npx blastguard diff --base ${diff.base.commit!} --head ${diff.head.commit!} --dir policies --tests test`,
    fullReport: 'the job summary',
    ...(limit === undefined ? {} : { limit }),
  });
}

async function replace(root: string, file: string, from: string | RegExp, to: string): Promise<void> {
  const full = path.join(root, file);
  const text = await readFile(full, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  await writeFile(full, next);
}

describe('the pull-request comment (golden)', () => {
  it('loosening: banner, matrix with 🟥 → 🟩, rule links, replay regressions, owners', async () => {
    const diff = await diffOf((root) => replace(root, PRODUCTION, LOOSEN[0], LOOSEN[1]));
    const body = comment(diff);
    expect(body.split('\n')[3]).toMatch(/^\*\*⚠ loosens 2 decisions in production/);
    expect(body).toContain('> [!WARNING]');
    expect(body).toContain('🟥 deny → 🟩 allow');
    expect(body).toMatch(/\]\(https:\/\/github\.com\/acme\/policies\/blob\/[0-9a-f]{40}\/policies\/platform\/railway-production\.yaml#L11\)/);
    expect(body).toContain('@acme/security');
    await expect(body).toMatchFileSnapshot('__golden__/loosening.md');
  });

  it('tightening: shadow → deny, no banner', async () => {
    const diff = await diffOf((root) => replace(root, PRODUCTION, 'mode: shadow\n      reason: A production change', 'mode: deny\n      reason: A production change'));
    const body = comment(diff);
    expect(body).not.toContain('[!WARNING]');
    expect(body).toContain('🟨 shadow → 🟥 deny');
    await expect(body).toMatchFileSnapshot('__golden__/tightening.md');
  });

  it('panic flag: a lockdown is the first thing said', async () => {
    const diff = await diffOf((root) => replace(root, 'policies/overrides.yaml', 'enforcement: normal', 'enforcement: lockdown\n  reason: Incident 42, volumes deleted by an agent\n  expires: 2026-06-08T00:00:00Z'));
    const body = comment(diff);
    expect(body.split('\n')[3]).toMatch(/^\*\*✓ panic flag normal → lockdown/);
    expect(body).toContain('> [!CAUTION]');
    await expect(body).toMatchFileSnapshot('__golden__/panic-flag.md');
  });

  it('token widened: a grant gains an operation', async () => {
    const diff = await diffOf((root) => replace(root, 'policies/tokens/railway.yaml', 'operations: [customDomainCreate, customDomainUpdate, customDomainDelete, serviceDomainCreate, serviceDomainDelete]', 'operations: [customDomainCreate, customDomainUpdate, customDomainDelete, serviceDomainCreate, serviceDomainDelete, volumeDelete]'));
    const body = comment(diff);
    expect(diff.report!.facts.some((f) => f.kind === 'token-grant-widened' || f.kind === 'token-grant-added')).toBe(true);
    await expect(body).toMatchFileSnapshot('__golden__/token-widened.md');
  });

  it('class lowered: destructive → write is a loosening', async () => {
    const diff = await diffOf((root) => replace(root, 'policies/apis/railway.yaml', 'projectDelete: { class: destructive', 'projectDelete: { class: write'));
    const body = comment(diff);
    expect(diff.report!.facts.find((f) => f.kind === 'operation-class-changed')?.effect).toBe('loosens');
    expect(body).toContain('> [!WARNING]');
    await expect(body).toMatchFileSnapshot('__golden__/class-lowered.md');
  });

  it('oversized: the middle of long lists is cut with a note, the summary survives, the body fits', async () => {
    const diff = await diffOf((root) => replace(root, PRODUCTION, LOOSEN[0], LOOSEN[1]));
    const full = comment(diff, 0);
    const limit = 9_000;
    expect(full.length).toBeGreaterThan(limit);
    const body = comment(diff, limit);
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body).toContain("cut here to fit GitHub's comment limit; the job summary has them all");
    expect(body.split('\n').slice(0, 4)).toEqual(full.split('\n').slice(0, 4));
    expect(body).toContain('> [!WARNING]');
    expect(body).toContain('Reproduce locally');
    expect(parseMarker(body)).toEqual(parseMarker(full));
    expect(comment(diff).length).toBeLessThanOrEqual(COMMENT_LIMIT);
    await expect(body).toMatchFileSnapshot('__golden__/oversized.md');
  });

  it('a head that does not validate: its errors are their own section, no matrix', async () => {
    const diff = await diffOf((root) => writeFile(path.join(root, PRODUCTION), 'kind: Policy\nnot: [valid\n'));
    expect(diff.report).toBeNull();
    const body = comment(diff);
    expect(body).toContain('### ❌ The head does not validate');
    expect(body).not.toContain('Decision matrix');
    expect(parseMarker(body)).toMatchObject({ ir: null, changes: true });
    await expect(body).toMatchFileSnapshot('__golden__/head-invalid.md');
  });
});
