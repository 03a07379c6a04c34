// Regressions for the enforcer faults an adversarial review confirmed (a refused bundle under long
// polling, staleness with a future file time, persist failures, status around long polls…).
// Real bundle servers on loopback (test/distribute/server.ts); time is a fake clock where it matters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer, type EnforcerOptions } from '../../src/enforce/index.js';
import { removeDir } from '../distribute/fixtures.js';
import { startServer, type TestServer } from '../distribute/server.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let server: TestServer;
let r1: Uint8Array;
let r2: Uint8Array;
const dirs: string[] = [];
const open: Enforcer[] = [];

beforeAll(async () => {
  f = await enforceFixtures();
  [r1, r2] = await Promise.all([f.bundle('r1', 1), f.bundle('r2', 2)]);
  server = await startServer();
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});
afterAll(async () => {
  await server?.close();
  for (const d of dirs) await removeDir(d);
});

function enforcer(options: Partial<EnforcerOptions> = {}): Enforcer {
  const e = createEnforcer({ source: new HttpSource({ url: server.url, retries: 0, timeoutSeconds: 5 }), verification: f.verification, poll: false, ...options });
  open.push(e);
  return e;
}

/** A long-polling bundle server: answers every request at once with `body()` and a fresh etag. */
function longPollServer(body: () => Uint8Array): { hits: () => number } {
  let hits = 0;
  server.handle((_req: IncomingMessage, res: ServerResponse) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/vnd.openpolicyagent.bundles', etag: `"${hits}"` });
    res.end(body());
  });
  return { hits: () => hits };
}

describe('a refused bundle under long polling', () => {
  it('backs off like a failed download instead of fetching it again at once', async () => {
    let body = r1;
    const s = longPollServer(() => body);
    const e = enforcer({
      source: new HttpSource({ url: server.url, retries: 0, polling: { minDelaySeconds: 60, maxDelaySeconds: 120, longPollingTimeoutSeconds: 30 } }),
      poll: true,
    });
    await e.ready;
    // The next long poll gets a bundle whose signature belongs to another one: refused.
    body = await f.swapSignature(r2, r1);
    const before = s.hits();
    await new Promise((r) => setTimeout(r, 1500));
    // At most the one in-flight request after activation, and the refused download: no busy loop.
    expect(s.hits() - before).toBeLessThanOrEqual(2);
    expect(e.status().counters.activation_failures).toBe(1);
    expect(e.status().active_revision).toBe('r1');
  });
});

describe('unverified bytes', () => {
  it('are read within `maxBundleBytes` (a gzip bomb is refused, decisions go on from the active bundle)', async () => {
    let body = r1;
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(body);
    });
    const e = enforcer({ maxBundleBytes: 4 * 1024 * 1024 });
    expect(await e.refresh()).toBe('activated');
    body = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    expect(await e.refresh()).toBe('failed');
    expect(e.status().last_error).toMatchObject({ code: 'BG610', cause_code: 'BG211' });
    expect(e.decide(f.inputs.allow).allow).toBe(true);
    expect(() => enforcer({ maxBundleBytes: 0 })).toThrow(expect.objectContaining({ code: 'BG600' }));
  });
});
