import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFiles, readBundleDirectory } from '../../src/bundle/index.js';
import { codeOf, syntheticContent } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function bundleDir(extra: (dir: string) => Promise<void> = async () => undefined): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-bundle-dir-'));
  dirs.push(dir);
  for (const f of bundleFiles(syntheticContent())) await writeFile(path.join(dir, f.path), f.bytes);
  await extra(dir);
  return dir;
}

describe('readBundleDirectory', () => {
  it('reads a bundle directory like a tarball', async () => {
    const bundle = await readBundleDirectory(await bundleDir());
    expect([...bundle.files.keys()].sort()).toEqual(['.manifest', 'data.json', 'policy.wasm']);
    expect(bundle.entrypoints.get('blastguard/decision')).toBe('/policy.wasm');
  });

  it('names files as OPA\'s directory loader does (`/` + relative path), so `wasm[].module` must be `/policy.wasm`', async () => {
    const dir = await bundleDir(async (d) => {
      const manifest = JSON.parse(await readFile(path.join(d, '.manifest'), 'utf8')) as { wasm: { module: string }[] };
      for (const w of manifest.wasm) w.module = 'policy.wasm';
      await writeFile(path.join(d, '.manifest'), JSON.stringify(manifest));
    });
    expect(await codeOf(() => readBundleDirectory(dir))).toBe('BG234');
  });

  it('refuses symbolic links', async () => {
    const dir = await bundleDir(async (d) => symlink('/etc/passwd', path.join(d, 'link')));
    expect(await codeOf(() => readBundleDirectory(dir))).toBe('BG214');
  });

  it('applies the path rules and size limits', async () => {
    const dir = await bundleDir(async (d) => writeFile(path.join(d, 'back\\slash'), 'x'));
    expect(await codeOf(() => readBundleDirectory(dir))).toBe('BG218');
    const big = await bundleDir(async (d) => {
      await mkdir(path.join(d, 'sub'));
      await writeFile(path.join(d, 'sub/big.bin'), Buffer.alloc(5000));
    });
    expect(await codeOf(() => readBundleDirectory(big, { limits: { maxFileBytes: 4096 } }))).toBe('BG220');
  });
});
