// Regressions for the enforcer faults an adversarial review confirmed (a refused bundle under long
// polling, staleness with a future file time, persist failures, status around long polls…).
// Real bundle servers on loopback (test/distribute/server.ts); time is a fake clock where it matters.
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CATALOG_PATH, gzipDeterministic, readTarGz, writeTar } from '../../src/bundle/index.js';
import { HttpSource } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer, type EnforcerOptions } from '../../src/enforce/index.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { serveBundle, startServer, type TestServer } from '../distribute/server.js';
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
    // The long poll after the activation gets a bundle whose signature belongs to another one: refused.
    const swapped = await f.swapSignature(r2, r1);
    let served = 0;
    const s = longPollServer(() => (served++ === 0 ? r1 : swapped));
    const e = enforcer({
      source: new HttpSource({ url: server.url, retries: 0, polling: { minDelaySeconds: 60, maxDelaySeconds: 120, longPollingTimeoutSeconds: 30 } }),
      poll: true,
    });
    await e.ready;
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

describe('staleness of a persisted bundle', () => {
  async function persisted(): Promise<{ dir: string; file: string; meta: string }> {
    const dir = await tempDir('enforce-future');
    dirs.push(dir);
    server.handle(serveBundle(() => r1));
    const first = enforcer({ persistDir: dir });
    expect(await first.refresh()).toBe('activated');
    await first.close();
    const base = path.join(dir, 'bundles', 'blastguard');
    return { dir, file: path.join(base, 'bundle.tar.gz'), meta: path.join(base, 'bundle.json') };
  }
  const offline = (dir: string): Enforcer => enforcer({ source: new HttpSource({ url: 'http://127.0.0.1:1/x', retries: 0 }), persistDir: dir, maxStaleness: 600, failClosedWhenStale: true });

  it('records the confirmed check time in bundle.json, tied to the digest', async () => {
    const { meta } = await persisted();
    const recorded = JSON.parse(await readFile(meta, 'utf8')) as { digest: string; checked_at: string };
    expect(recorded.digest).toMatch(/^sha256:/);
    expect(Math.abs(Date.parse(recorded.checked_at) - Date.now())).toBeLessThan(60_000);
    const e = offline(path.dirname(path.dirname(path.dirname(meta))));
    await e.ready;
    expect(e.status()).toMatchObject({ healthy: true, staleness: { stale: false } });
  });

  it('is stale, and fails closed, when its file time lies in the future', async () => {
    const { dir, file, meta } = await persisted();
    const inAYear = Date.now() / 1000 + 365 * 86400;
    await utimes(file, inAYear, inAYear);
    // Without a check record (an older enforcer wrote the bundle) only the file time is left.
    await rm(meta);
    const e = offline(dir);
    await e.ready;
    expect(e.status()).toMatchObject({ ready: true, healthy: false, state: 'stale', staleness: { stale: true, age_seconds: null } });
    expect(e.decide(f.inputs.allow)).toMatchObject({ allow: false, rule: 'enforcer:stale' });
  });

  it('is stale when the recorded check time lies in the future', async () => {
    const { dir, meta } = await persisted();
    const recorded = JSON.parse(await readFile(meta, 'utf8')) as Record<string, unknown>;
    await writeFile(meta, JSON.stringify({ ...recorded, checked_at: new Date(Date.now() + 86400_000).toISOString() }));
    const e = offline(dir);
    await e.ready;
    expect(e.status().staleness.stale).toBe(true);
    expect(e.decide(f.inputs.allow).rule).toBe('enforcer:stale');
  });

  it('runs on a monotonic clock: a wall-clock step back does not postpone it', async () => {
    server.handle(serveBundle(() => r1));
    const e = enforcer({ maxStaleness: 1 });
    expect(await e.refresh()).toBe('activated');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 3600_000 });
    try {
      await new Promise((r) => setTimeout(r, 1200));
      expect(e.status().staleness.stale).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('rollback protection without metadata.sequence', () => {
  it('survives a restart: a revision replaced before is refused after it', async () => {
    const dir = await tempDir('enforce-replaced');
    dirs.push(dir);
    const [a, b] = await Promise.all([f.bundle('ra'), f.bundle('rb')]);
    let current = a;
    server.handle(serveBundle(() => current));
    const first = enforcer({ persistDir: dir });
    expect(await first.refresh()).toBe('activated');
    current = b;
    expect(await first.refresh()).toBe('activated');
    await first.close();
    const meta = JSON.parse(await readFile(path.join(dir, 'bundles', 'blastguard', 'bundle.json'), 'utf8')) as { replaced: string[] };
    expect(meta.replaced).toEqual(['ra']);
    // Restarted from disk (rb), the server serves ra again: refused, as it was before the restart.
    current = a;
    const second = enforcer({ persistDir: dir });
    await second.ready;
    expect(await second.refresh()).toBe('failed');
    expect(second.status()).toMatchObject({ active_revision: 'rb', last_error: { code: 'BG612' } });
  });
});

describe('the api catalog is always signed', () => {
  it('an exclude pattern that matches catalog.json is refused, so a rewritten catalog never activates', async () => {
    const published = await f.bundle('r2', 2);
    const entries = await readTarGz(published);
    const catalog = entries.find((e) => e.path === CATALOG_PATH)!;
    const rewritten = Buffer.from(Buffer.from(catalog.bytes).toString('utf8').replace('"volumeDelete"', '"volumeDeleteX"'));
    expect(rewritten.equals(Buffer.from(catalog.bytes))).toBe(false);
    const swapped = gzipDeterministic(writeTar(entries.map((e) => (e.path === CATALOG_PATH ? { ...e, bytes: rewritten } : e))));
    let body = r1;
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(body);
    });
    const e = enforcer({ verification: { ...f.verification, excludeFiles: ['catalog.*'] } });
    // Even the honest bundle: the configuration cannot hold (the catalog would be unsigned).
    expect(await e.refresh()).toBe('failed');
    expect(e.status().last_error).toMatchObject({ code: 'BG611', cause_code: 'BG320' });
    body = swapped;
    expect(await e.refresh()).toBe('failed');
    expect(e.status().active_revision).toBeNull();
  });
});

describe('status around long polls and 304', () => {
  it('reports a held long poll as `checking`, not as a state', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    server.handle((req, res) => {
      if (first) {
        first = false;
        serveBundle(() => r1)(req, res);
        return;
      }
      void held.then(() => {
        res.writeHead(304, { etag: String(req.headers['if-none-match']), 'content-type': 'application/vnd.openpolicyagent.bundles' });
        res.end();
      });
    });
    const e = enforcer({ source: new HttpSource({ url: server.url, retries: 0, polling: { longPollingTimeoutSeconds: 5 } }), maxStaleness: 60 });
    expect(await e.refresh()).toBe('activated');
    const seen = server.requests.length;
    const check = e.refresh();
    while (server.requests.length === seen) await new Promise((r) => setImmediate(r));
    expect(e.status()).toMatchObject({ state: 'active', checking: true, healthy: true });
    const metrics = await e.metrics.registry.metrics();
    expect(metrics).toContain('blastguard_enforcer_state{state="active"} 1');
    release();
    expect(await check).toBe('unchanged');
    expect(e.status()).toMatchObject({ state: 'active', checking: false });
  });

  it('refuses maxStaleness within the long-poll wait plus grace (BG600): health would flap on every hold', () => {
    const source = (): HttpSource => new HttpSource({ url: server.url, polling: { longPollingTimeoutSeconds: 30 } });
    expect(() => createEnforcer({ source: source(), verification: f.verification, poll: false, maxStaleness: 40 })).toThrow(expect.objectContaining({ code: 'BG600' }));
    const ok = createEnforcer({ source: source(), verification: f.verification, poll: false, maxStaleness: 41 });
    open.push(ok);
  });

  it('a 304 to a request without If-None-Match is an error, and its etag is not adopted', async () => {
    server.handle((_req, res) => {
      res.writeHead(304, { etag: '"cached"' });
      res.end();
    });
    const source = new HttpSource({ url: server.url, retries: 0 });
    const e = enforcer({ source });
    expect(await e.refresh()).toBe('failed');
    expect(e.status()).toMatchObject({ last_successful_request: null, last_error: { code: 'BG615', cause_code: 'BG512' } });
    expect(source.etag).toBe('');
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeUndefined();
  });
});

describe('a bundle that cannot be persisted', () => {
  it('is reported under its own code (BG655), counted, and `persisted: false` in the status', async () => {
    const dir = await tempDir('enforce-persist-fail');
    dirs.push(dir);
    await writeFile(path.join(dir, 'bundles'), 'not a directory');
    server.handle(serveBundle(() => r1));
    const e = enforcer({ persistDir: dir });
    expect(await e.refresh()).toBe('activated');
    expect(e.status()).toMatchObject({ ready: true, persisted: false, counters: { persist_failures: 1 }, last_error: { code: 'BG655', cause_code: 'BG550' } });
    expect(await e.metrics.registry.metrics()).toContain('blastguard_bundle_persist_failures_total 1');
    const okDir = await tempDir('enforce-persist-ok');
    dirs.push(okDir);
    const fine = enforcer({ persistDir: okDir });
    await fine.refresh();
    expect(fine.status().persisted).toBe(true);
    expect(enforcer().status().persisted).toBeNull();
  });
});
