// A source that serves the active revision again: the same bytes under another etag (replicas
// behind a load balancer, a server ignoring If-None-Match) must not make a long poll spin, and
// other bytes under the active revision activate only with a higher signed sequence; otherwise
// they are refused (BG625) without confirming the active bundle current or recording their etag.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer } from '../../src/enforce/index.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { serveBundle, startServer, type TestServer } from '../distribute/server.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let server: TestServer;
let dir: string;
const open: Enforcer[] = [];
beforeAll(async () => {
  f = await enforceFixtures();
  server = await startServer();
  dir = await tempDir('same-bundle');
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});
afterAll(async () => {
  await server.close();
  await removeDir(dir);
});

/** The etag `serveBundle` gives `bytes`. */
const etagOf = (bytes: Uint8Array): string => `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
const track = (e: Enforcer): Enforcer => (open.push(e), e);

describe('the same bundle answered at once to a long poll', () => {
  it('waits the regular delay instead of downloading it again in a loop', async () => {
    const r1 = await f.bundle('r1', 1);
    let hits = 0;
    server.handle((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/vnd.openpolicyagent.bundles', etag: `"replica-${hits % 2}"` });
      res.end(r1);
    });
    const e = track(
      createEnforcer({
        source: new HttpSource({ url: server.url, retries: 0, polling: { minDelaySeconds: 60, maxDelaySeconds: 120, longPollingTimeoutSeconds: 30 } }),
        verification: f.verification,
      }),
    );
    await e.ready;
    // The activation asks again at once (a long poll after a change); the answer is the same bytes.
    while (e.status().counters.checks < 2) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 500));
    expect(hits).toBe(2);
    expect(e.status().counters).toMatchObject({ checks: 2, activations: 1, activation_failures: 0 });
  });
});

describe('a bundle with the active revision and other bytes', () => {
  it('activates it when its signed sequence is higher', async () => {
    const v1 = await f.bundle('abc123', 1);
    const v2 = await f.bundle('abc123', 2, { catalog: false });
    let body = v1;
    server.handle(serveBundle(() => body));
    const e = track(createEnforcer({ source: new HttpSource({ url: server.url, retries: 0 }), verification: f.verification, poll: false }));
    expect(await e.refresh()).toBe('activated');
    body = v2;
    expect(await e.refresh()).toBe('activated');
    expect(e.status()).toMatchObject({ active_revision: 'abc123', active_sequence: 2 });
    expect(e.catalog()).toBeNull();
  });

  it('refuses it (BG625) without a higher sequence: not a fresh check, and its etag is not kept', async () => {
    const v2 = await f.bundle('abc123', 2);
    const rebuilt = await f.bundle('abc123', 2, { catalog: false });
    let body = v2;
    server.handle(serveBundle(() => body));
    let now = Date.now();
    const e = track(createEnforcer({ source: new HttpSource({ url: server.url, retries: 0 }), verification: f.verification, poll: false, maxStaleness: 60, clock: () => now }));
    expect(await e.refresh()).toBe('activated');
    const digest = e.status().active_digest;
    body = rebuilt;
    now += 55_000;
    expect(await e.refresh()).toBe('failed');
    now += 10_000;
    const s = e.status();
    expect(s.last_error?.code).toBe('BG625');
    expect(s).toMatchObject({ active_digest: digest, healthy: false, state: 'stale' });
    expect(s.counters).toMatchObject({ activations: 1, activation_failures: 1 });
    // The next check asks with the etag of the active bytes, not of the refused ones.
    await e.refresh();
    expect(server.requests[server.requests.length - 1]!.headers['if-none-match']).toBe(etagOf(v2));
  });

  it('does not record the refused etag in bundle.json: a restarted enforcer downloads it again', async () => {
    const v1 = await f.bundle('abc123', 1);
    const v1b = await f.bundle('abc123', 1, { catalog: false });
    let body = v1;
    server.handle(serveBundle(() => body));
    const persistDir = path.join(dir, 'restart');
    const a = createEnforcer({ source: new HttpSource({ url: server.url, retries: 0 }), verification: f.verification, poll: false, persistDir });
    expect(await a.refresh()).toBe('activated');
    const recorded = JSON.parse(await readFile(path.join(persistDir, 'bundles', 'blastguard', 'bundle.json'), 'utf8')) as { etag: string };
    body = v1b;
    expect(await a.refresh()).toBe('failed');
    await a.close();
    const meta = JSON.parse(await readFile(path.join(persistDir, 'bundles', 'blastguard', 'bundle.json'), 'utf8')) as { etag: string };
    expect(meta.etag).toBe(recorded.etag);
    const b = track(createEnforcer({ source: new HttpSource({ url: server.url, retries: 0 }), verification: f.verification, poll: false, persistDir }));
    expect(await b.refresh()).toBe('failed');
    expect(server.requests[server.requests.length - 1]!.headers['if-none-match']).toBe(recorded.etag);
    expect(b.status().last_error?.code).toBe('BG625');
  });
});
