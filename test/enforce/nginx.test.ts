// An enforcer polling Debian's nginx serving a bundle directory (ETag, 304): a new bundle file is
// activated, an unchanged one is a 304 that keeps the enforcer fresh, a tampered one never activates.
import { mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource } from '../../src/distribute/index.js';
import { createEnforcer } from '../../src/enforce/index.js';
import { binary, removeDir, requirePresent, startNginx, tempDir, IN_CI, type Daemon } from '../distribute/fixtures.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

const nginx = binary('/usr/sbin/nginx', 'nginx-light');

describe.skipIf(nginx.skip)('enforcer against nginx', () => {
  let dir: string;
  let daemon: Daemon | undefined;
  let url: string;
  let f: EnforceFixtures;
  let published = 0;
  const publish = async (bytes: Uint8Array): Promise<void> => {
    const file = path.join(dir, 'www', 'bundles', 'blastguard.tar.gz');
    await writeFile(`${file}.tmp`, bytes, { mode: 0o644 });
    // nginx's ETag is mtime (seconds) and size: two bundles of one size written in the same second
    // would share it, so each publish moves the mtime on by a second of its own.
    published += 1;
    const at = new Date(Date.UTC(2026, 0, 1) + published * 1000);
    await utimes(`${file}.tmp`, at, at);
    await rename(`${file}.tmp`, file);
  };

  beforeAll(async () => {
    if (IN_CI) requirePresent(nginx, 'nginx-light');
    f = await enforceFixtures();
    dir = await tempDir('enforce-nginx');
    await mkdir(path.join(dir, 'www', 'bundles'), { recursive: true, mode: 0o755 });
    await publish(await f.bundle('n1', 1));
    ({ daemon, url } = await startNginx(nginx.path, dir, '/bundles/blastguard.tar.gz', { bundleType: false }));
  });

  afterAll(async () => {
    await daemon?.stop();
    await removeDir(dir);
  });

  it('activates, answers 304 as fresh, refuses a tampered file, activates the next one', async () => {
    let now = Date.now();
    const e = createEnforcer({ source: new HttpSource({ url, timeoutSeconds: 5, retries: 0 }), verification: f.verification, poll: false, maxStaleness: 60, clock: () => now });
    try {
      expect(await e.refresh()).toBe('activated');
      now += 50_000;
      expect(await e.refresh()).toBe('unchanged');
      now += 50_000;
      expect(e.status().healthy).toBe(true);
      await publish(await f.swapSignature(await f.bundle('n2', 2), await f.bundle('n3', 3)));
      expect(await e.refresh()).toBe('failed');
      expect(e.status()).toMatchObject({ active_revision: 'n1', last_error: { code: 'BG611' } });
      await publish(await f.bundle('n3', 3));
      expect(await e.refresh()).toBe('activated');
      expect(e.status().active_revision).toBe('n3');
    } finally {
      await e.close();
    }
  });
});
