import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource, pull } from '../../src/distribute/index.js';
import { binary, removeDir, requirePresent, signedBundles, startNginx, tempDir, IN_CI, type Daemon, type SignedBundles } from './fixtures.js';

/** Debian's nginx serving a bundle directory: a real static server's ETag and 304, as many teams host bundles. */
const nginx = binary('/usr/sbin/nginx', 'nginx-light');

describe.skipIf(nginx.skip)('http source against nginx', () => {
  let dir: string;
  let daemon: Daemon | undefined;
  let url: string;
  let bundles: SignedBundles;

  beforeAll(async () => {
    if (IN_CI) requirePresent(nginx, 'nginx-light');
    bundles = await signedBundles();
    dir = await tempDir('nginx');
    await mkdir(path.join(dir, 'www', 'bundles'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(dir, 'www', 'bundles', 'blastguard.tar.gz'), bundles.raw, { mode: 0o644 });
    ({ daemon, url } = await startNginx(nginx.path, dir, '/bundles/blastguard.tar.gz', { bundleType: true }));
  });

  afterAll(async () => {
    await daemon?.stop();
    await removeDir(dir);
  });

  it('downloads with the ETag nginx sets, then gets 304 Not Modified', async () => {
    const source = new HttpSource({ url, timeoutSeconds: 5 });
    const first = await source.check();
    expect(first.error).toBeUndefined();
    expect(first.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(Buffer.from(first.raw!)).toEqual(Buffer.from(bundles.raw));
    const second = await source.check();
    expect(second).toEqual({ etag: first.etag, size: 0 });
  });

  it('sees a new revision, and pulls and verifies it', async () => {
    const source = new HttpSource({ url, timeoutSeconds: 5 });
    const first = await source.check();
    // nginx's etag is mtime-size: make sure the mtime moves.
    await new Promise((r) => setTimeout(r, 1100));
    await writeFile(path.join(dir, 'www', 'bundles', 'blastguard.tar.gz'), bundles.raw2);
    const second = await source.check();
    expect(second.etag).not.toBe(first.etag);
    expect(Buffer.from(second.raw!)).toEqual(Buffer.from(bundles.raw2));
    const pulled = await pull(source, { verification: bundles.verification });
    expect(pulled.revision).toBe('r2');
  });

  it('reports a missing bundle as a 404', async () => {
    const update = await new HttpSource({ url: url.replace('blastguard', 'nothing'), timeoutSeconds: 5 }).check();
    expect(update.error?.code).toBe('BG512');
  });
});
