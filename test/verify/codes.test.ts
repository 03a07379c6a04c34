import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_CODES, BUNDLE_CODE_TITLES } from '../../src/bundle/index.js';
import { VERIFY_CODES, VERIFY_CODE_TITLES } from '../../src/verify/index.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SOURCES = ['src/bundle', 'src/sign', 'src/verify', 'src/cli', 'src/toolchain'];

async function files(rel: string): Promise<string[]> {
  if (rel.endsWith('.ts')) return [rel];
  const entries = await readdir(path.join(ROOT, rel), { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? files(`${rel}/${e.name}`) : Promise.resolve([`${rel}/${e.name}`]))));
  return nested.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('codes.ts'));
}

describe('error code tables', () => {
  it('list exactly the codes the bundle, sign and verify code raises', async () => {
    const used = new Set<string>();
    for (const rel of (await Promise.all(SOURCES.map(files))).flat()) {
      const text = await readFile(path.join(ROOT, rel), 'utf8');
      // Codes raised by name (`BUNDLE_CODES.claimsFile`) or, in the CLI, as literals.
      for (const m of text.matchAll(/'(BG[23]\d\d)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\bBUNDLE_CODES\.(\w+)/g)) used.add(BUNDLE_CODES[m[1] as keyof typeof BUNDLE_CODES]);
      for (const m of text.matchAll(/\bVERIFY_CODES\.(\w+)/g)) used.add(VERIFY_CODES[m[1] as keyof typeof VERIFY_CODES]);
    }
    const listed = new Set([...Object.keys(BUNDLE_CODE_TITLES), ...Object.keys(VERIFY_CODE_TITLES)]);
    expect([...used].sort()).toEqual([...listed].sort());
    expect(Object.keys(BUNDLE_CODE_TITLES).every((c) => /^BG2\d\d$/.test(c))).toBe(true);
    expect(Object.keys(VERIFY_CODE_TITLES).every((c) => /^BG3\d\d$/.test(c))).toBe(true);
    // One registry shape: every name stands for a titled code, every titled code has a name.
    expect(new Set(Object.values(BUNDLE_CODES))).toEqual(new Set(Object.keys(BUNDLE_CODE_TITLES)));
    expect(new Set(Object.values(VERIFY_CODES))).toEqual(new Set(Object.keys(VERIFY_CODE_TITLES)));
  });
});
