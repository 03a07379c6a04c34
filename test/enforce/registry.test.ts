// The done-when of issue 10 against Debian's docker-registry on loopback: a bundle pushed to the
// registry reaches a running enforcer within its polling interval, a rollback pushed to the same
// tag is refused, and an enforcer started with the registry down decides from its persisted bundle.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciSource, pushOciBundle } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer } from '../../src/enforce/index.js';
import { binary, freePort, removeDir, requirePresent, startDaemon, tempDir, IN_CI, type Daemon } from '../distribute/fixtures.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

const registry = binary('/usr/bin/docker-registry', 'docker-registry');

/** Waits for `condition` (the poller runs on its own schedule); the cap only guards a hung test. */
async function until(condition: () => boolean, capMs = 20_000): Promise<void> {
  const deadline = Date.now() + capMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(registry.skip)('enforcer against docker-registry', () => {
  let dir: string;
  let persistDir: string;
  let daemon: Daemon | undefined;
  let host: string;
  let f: EnforceFixtures;
  const enforcers: Enforcer[] = [];
  const options = { plainHttp: true, timeoutSeconds: 5, retries: 0 };

  beforeAll(async () => {
    if (IN_CI) requirePresent(registry, 'docker-registry');
    f = await enforceFixtures();
    dir = await tempDir('enforce-registry');
    persistDir = await tempDir('enforce-registry-persist');
    await mkdir(path.join(dir, 'data'));
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    await writeFile(
      path.join(dir, 'config.yml'),
      ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`, 'http:', `  addr: 127.0.0.1:${port}`, `  secret: ${randomBytes(16).toString('hex')}`].join('\n'),
    );
    daemon = await startDaemon(registry.path, ['serve', path.join(dir, 'config.yml')], async () => (await fetch(`http://${host}/v2/`)).status === 200, 'docker-registry');
  });

  afterAll(async () => {
    for (const e of enforcers) await e.close();
    await daemon?.stop();
    await removeDir(dir);
    await removeDir(persistDir);
  });

  it('picks up a pushed bundle while running, refuses a rollback, then starts offline from disk', async () => {
    const reference = `oci://${host}/policies/enforced:live`;
    await pushOciBundle(await f.bundle('r1', 1), { reference, ...options });
    const source = new OciSource({ reference, ...options, polling: { minDelaySeconds: 0.1, maxDelaySeconds: 0.2 } });
    const running = createEnforcer({ source, verification: f.verification, persistDir });
    enforcers.push(running);
    await running.ready;
    expect(running.status().active_revision).toBe('r1');

    await pushOciBundle(await f.bundle('r2', 2), { reference, ...options });
    await until(() => running.status().active_revision === 'r2');
    expect(running.decide(f.inputs.deny)).toEqual(await f.expected(f.inputs.deny));

    await pushOciBundle(await f.bundle('r1', 1), { reference, ...options });
    await until(() => running.status().last_error?.code === 'BG612');
    expect(running.status().active_revision).toBe('r2');
    await running.close();

    await daemon!.stop();
    daemon = undefined;
    const offline = createEnforcer({ source: new OciSource({ reference, ...options, polling: { minDelaySeconds: 0.1, maxDelaySeconds: 0.2 } }), verification: f.verification, persistDir });
    enforcers.push(offline);
    await offline.ready;
    expect(offline.status()).toMatchObject({ active_revision: 'r2', origin: 'persisted', ready: true });
    expect(offline.decide(f.inputs.allow)).toEqual(await f.expected(f.inputs.allow));
    await until(() => offline.status().counters.download_failures > 0);
    expect(offline.status().last_error?.cause_code).toBe('BG510');
  });
});
