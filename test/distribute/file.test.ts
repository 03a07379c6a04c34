import { mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTarGz } from '../../src/bundle/index.js';
import { FileSource, loadPersistedBundle, openPersisted, persistBundle, pull, type Update } from '../../src/distribute/index.js';
import { codeOf } from '../bundle/fixtures.js';
import { removeDir, signedBundles, tempDir, type SignedBundles } from './fixtures.js';

let bundles: SignedBundles;
let dir: string;

beforeAll(async () => {
  bundles = await signedBundles();
  dir = await tempDir('file-source');
});

afterAll(async () => {
  await removeDir(dir);
});

describe('file source', () => {
  it('reads a tarball; the etag is its sha256, so touching it is not an update', async () => {
    const file = path.join(dir, 'bundle.tar.gz');
    await writeFile(file, bundles.raw);
    const source = new FileSource({ path: file });
    const first = await source.check();
    expect(first.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(first.raw!)).toEqual(Buffer.from(bundles.raw));
    expect(await source.check()).toEqual({ etag: first.etag, size: 0 });
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect(await source.check()).toEqual({ etag: first.etag, size: 0 });
    await writeFile(file, bundles.raw2);
    const changed = await source.check();
    expect(Buffer.from(changed.raw!)).toEqual(Buffer.from(bundles.raw2));
    // An activation failed: the caller restores the previous etag (OPA's SetCache) and gets the bytes again.
    source.etag = first.etag;
    expect(Buffer.from((await source.check()).raw!)).toEqual(Buffer.from(bundles.raw2));
  });

  it('packs a bundle directory into a tarball that verifies', async () => {
    const bundleDir = path.join(dir, 'dir-bundle');
    await mkdir(bundleDir);
    for (const entry of await readTarGz(bundles.raw)) await writeFile(path.join(bundleDir, entry.path), entry.bytes);
    const source = new FileSource({ path: bundleDir });
    const result = await pull(source, { verification: bundles.verification });
    expect(result.revision).toBe('r1');
    expect((await source.check()).raw).toBeUndefined();
    await symlink('/etc/passwd', path.join(bundleDir, 'extra.json'));
    expect((await source.check()).error?.code).toBe('BG214');
  });

  it('reports a missing file and watches it appear', async () => {
    const file = path.join(dir, 'later.tar.gz');
    const source = new FileSource({ path: file, polling: { minDelaySeconds: 0.02, maxDelaySeconds: 0.05 } });
    const updates: Update[] = [];
    await new Promise<void>((resolve) => {
      source.start(async (u) => {
        updates.push(u);
        if (updates.length === 1) await writeFile(file, bundles.raw);
        if (u.raw !== undefined) resolve();
      });
    });
    await source.stop();
    expect(updates[0]!.error?.code).toBe('BG540');
    expect(updates.at(-1)!.size).toBe(bundles.raw.byteLength);
  });

  it('keeps polling when the listener throws', async () => {
    const file = path.join(dir, 'listener.tar.gz');
    await writeFile(file, bundles.raw);
    const source = new FileSource({ path: file, polling: { minDelaySeconds: 0.02, maxDelaySeconds: 0.05 } });
    let calls = 0;
    await new Promise<void>((resolve) => {
      source.start(() => {
        if (++calls === 3) resolve();
        throw new Error('activation failed');
      });
    });
    await source.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it('validates its configuration', () => {
    expect(() => new FileSource({} as never)).toThrow(expect.objectContaining({ code: 'BG500', message: expect.stringContaining('`source.path` is required') }));
    expect(() => new FileSource({ path: 'x', maxBundleBytes: -1 })).toThrow(expect.objectContaining({ code: 'BG500', message: expect.stringContaining('`source.maxBundleBytes`') }));
  });
});

describe('persistence', () => {
  it('replaces the last good bundle atomically and leaves no temp files', async () => {
    const persistDir = path.join(dir, 'persist');
    await persistBundle(persistDir, 'blastguard', bundles.raw, '"e1"');
    await persistBundle(persistDir, 'blastguard', bundles.raw2, '"e2"');
    const bundleDir = path.join(persistDir, 'bundles', 'blastguard');
    expect((await readdir(bundleDir)).sort()).toEqual(['bundle.json', 'bundle.tar.gz']);
    const loaded = await loadPersistedBundle(persistDir, 'blastguard');
    expect(loaded?.etag).toBe('"e2"');
    expect(Buffer.from(loaded!.raw)).toEqual(Buffer.from(bundles.raw2));
    expect((await openPersisted(persistDir, { verification: bundles.verification }))?.revision).toBe('r2');
  });

  it('re-verifies at load: a tampered file is refused, a stale etag dropped', async () => {
    const persistDir = path.join(dir, 'tampered');
    const { file } = await persistBundle(persistDir, 'blastguard', bundles.raw, '"e1"');
    await writeFile(file, bundles.swapped);
    expect((await loadPersistedBundle(persistDir, 'blastguard'))?.etag).toBe('');
    expect(await codeOf(() => openPersisted(persistDir, { verification: bundles.verification }))).toBe('BG313');
    await writeFile(file, bundles.otherKey);
    expect(await codeOf(() => openPersisted(persistDir, { verification: bundles.verification }))).toBe('BG309');
  });

  it('refuses names that would leave the directory, and unwritable directories', async () => {
    for (const name of ['../x', '.hidden', 'a/b', '']) {
      expect(await codeOf(() => persistBundle(dir, name, bundles.raw)), name).toBe('BG500');
    }
    const blocker = path.join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    expect(await codeOf(() => persistBundle(blocker, 'blastguard', bundles.raw))).toBe('BG550');
    expect(await readFile(blocker, 'utf8')).toBe('x');
  });
});
