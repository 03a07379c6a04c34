import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_ERROR_CODES } from '../../src/bundle/index.js';
import { VERIFY_ERROR_CODES } from '../../src/verify/index.js';

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
      for (const m of (await readFile(path.join(ROOT, rel), 'utf8')).matchAll(/'(BG[23]\d\d)'/g)) used.add(m[1]!);
    }
    const listed = new Set([...Object.keys(BUNDLE_ERROR_CODES), ...Object.keys(VERIFY_ERROR_CODES)]);
    expect([...used].sort()).toEqual([...listed].sort());
    expect(Object.keys(BUNDLE_ERROR_CODES).every((c) => /^BG2\d\d$/.test(c))).toBe(true);
    expect(Object.keys(VERIFY_ERROR_CODES).every((c) => /^BG3\d\d$/.test(c))).toBe(true);
  });
});
