import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPolicyDir } from '../../src/validate/index.js';
import { REPO } from '../helpers/cli.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** A copy of the example policies whose Api file has gone through `edit`. */
async function brokenCopy(edit: (text: string) => string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'blastguard-root-cause-'));
  await cp(path.join(REPO, 'policies'), path.join(root, 'policies'), { recursive: true });
  const file = path.join(root, 'policies', 'apis', 'railway.yaml');
  const text = await readFile(file, 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  await writeFile(file, edited);
  return root;
}

function codeCounts(codes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}

describe('one indentation mistake in an Api document', () => {
  let root = '';
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  // Before: 31 BG008 and a BG009 from the parser's recovery, then five BG040 "no Api declares".
  it('is reported once, at the line that is off, and the Api is not called undeclared', async () => {
    root = await brokenCopy((t) => t.replace(/^ {4}volumeDelete:/m, '   volumeDelete:'));
    const result = await checkPolicyDir('policies', { cwd: root, now: NOW });
    expect(codeCounts(result.diagnostics.map((d) => d.code))).toEqual({ BG008: 1 });
    const [only] = result.diagnostics;
    expect(only).toMatchObject({ file: 'policies/apis/railway.yaml', column: 1 });
    expect(only?.help).toMatch(/indent/);
    expect(result.errorCount).toBe(1);
  });

  it('keeps references quiet for a top-level key indented by one space', async () => {
    root = await brokenCopy((t) => t.replace(/^spec:$/m, ' spec:'));
    const result = await checkPolicyDir('policies', { cwd: root, now: NOW });
    expect(codeCounts(result.diagnostics.map((d) => d.code))).toEqual({ BG008: 1 });
  });

  it('keeps references quiet when the name itself may be unreadable', async () => {
    // The parser loses `metadata` entirely: the Api may declare any name, so no BG040.
    root = await brokenCopy((t) => t.replace(/^metadata:\n {2}name: railway$/m, 'metadata:\n name: railway\n  oops'));
    const result = await checkPolicyDir('policies', { cwd: root, now: NOW });
    const codes = result.diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === 'BG008')).toHaveLength(1);
    expect(codes).not.toContain('BG040');
  });

  it('keeps references quiet when the kind itself is unreadable (envelope indented)', async () => {
    root = await brokenCopy((t) => t.replace(/^(apiVersion|kind|metadata):/gm, '  $1:'));
    const result = await checkPolicyDir('policies', { cwd: root, now: NOW });
    expect(codeCounts(result.diagnostics.map((d) => d.code))).toEqual({ BG008: 1 });
    // One error per token the parser could not place would count into the thousands: lines are counted.
    expect(Number(/on (\d+) later lines/.exec(result.diagnostics[0]?.message ?? '')?.[1])).toBeLessThan(110);
  });

  it('keeps references quiet for an unknown kind (BG014)', async () => {
    root = await brokenCopy((t) => t.replace(/^kind: Api$/m, 'kind: Apii'));
    const result = await checkPolicyDir('policies', { cwd: root, now: NOW });
    expect(codeCounts(result.diagnostics.map((d) => d.code))).toEqual({ BG014: 1 });
  });

  it('keeps references quiet for a file that is not UTF-8 (BG007)', async () => {
    root = await brokenCopy((t) => `${t}# not utf-8 below\n`);
    await writeFile(path.join(root, 'policies', 'apis', 'railway.yaml'), Buffer.concat([await readFile(path.join(REPO, 'policies', 'apis', 'railway.yaml')), Buffer.from([0xff])]));
    const result = await checkPolicyDir('policies', { cwd: root, now: NOW });
    expect(codeCounts(result.diagnostics.map((d) => d.code))).toEqual({ BG007: 1 });
  });
});
