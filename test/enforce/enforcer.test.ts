// The enforcer against a real bundle server on loopback (test/distribute/server.ts) with injected
// faults: nothing bad ever activates, the last good bundle keeps deciding, the etag is restored,
// persisted bundles are re-verified at start, staleness is reported (and fails closed when told),
// and a local override only tightens. Time is a fake clock; checks are explicit `refresh()` calls.
import { createHash } from 'node:crypto';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer, type EnforcerOptions } from '../../src/enforce/index.js';
import { codeOf } from '../bundle/fixtures.js';
import { removeDir, tempDir } from '../distribute/fixtures.js';
import { serveBundle, startServer, type TestServer } from '../distribute/server.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let f: EnforceFixtures;
let server: TestServer;
let r1: Uint8Array;
let r2: Uint8Array;
let r3: Uint8Array;
let current: Uint8Array;
const dirs: string[] = [];
const open: Enforcer[] = [];

beforeAll(async () => {
  f = await enforceFixtures();
  [r1, r2, r3] = await Promise.all([f.bundle('r1', 1), f.bundle('r2', 2), f.bundle('r3', 3)]);
  server = await startServer();
});
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});
afterAll(async () => {
  await server?.close();
  for (const d of dirs) await removeDir(d);
});

function clock(start = Date.now()): { now: () => number; advance: (seconds: number) => void } {
  let t = start;
  return { now: () => t, advance: (s) => (t += s * 1000) };
}

function enforcer(options: Partial<EnforcerOptions> = {}): Enforcer {
  const e = createEnforcer({ source: new HttpSource({ url: server.url, retries: 0, timeoutSeconds: 5 }), verification: f.verification, poll: false, ...options });
  open.push(e);
  return e;
}

function serve(bytes: Uint8Array): void {
  current = bytes;
  server.handle(serveBundle(() => current));
}

describe('activation', () => {
  it('is not ready and denies before a bundle is active, then decides with the verified bundle', async () => {
    serve(r1);
    const e = enforcer();
    expect(e.status().ready).toBe(false);
    expect(e.decide(f.inputs.allow).rule).toBe('enforcer:not-ready');
    expect(await e.refresh()).toBe('activated');
    await e.ready;
    expect(e.decide(f.inputs.allow)).toEqual(await f.expected(f.inputs.allow));
    expect(e.decide(f.inputs.deny)).toEqual(await f.expected(f.inputs.deny));
    const s = e.status();
    expect(s).toMatchObject({ state: 'active', ready: true, healthy: true, active_revision: 'r1', active_sequence: 1, origin: 'download', verification: { enabled: true } });
    expect(s.active_digest).toBe(`sha256:${createHash('sha256').update(r1).digest('hex')}`);
  });

  it('does not re-activate the same revision, and activates a newer one', async () => {
    serve(r1);
    const e = enforcer();
    await e.refresh();
    expect(await e.refresh()).toBe('unchanged'); // 304
    server.handle((req, res) => {
      // The same revision under another etag: downloaded, verified, not activated again.
      res.writeHead(200, { etag: '"other"', 'content-type': 'application/gzip' });
      res.end(r1);
    });
    expect(await e.refresh()).toBe('unchanged');
    expect(e.status().counters.activations).toBe(1);
    serve(r2);
    expect(await e.refresh()).toBe('activated');
    expect(e.status().active_revision).toBe('r2');
  });

  const faults: [string, () => Promise<Uint8Array | Handler>, string, string | undefined][] = [
    ['a 500', async () => (_req, res) => { res.writeHead(500); res.end(); }, 'BG615', 'BG512'],
    ['a truncated body', async () => (_req, res) => { res.writeHead(200, { 'content-length': String(r2.length), etag: '"t"' }); res.write(r2.subarray(0, 100)); res.destroy(); }, 'BG615', undefined],
    ['a wrong content type', async () => (_req, res) => { res.writeHead(200, { 'content-type': 'text/html', etag: '"h"' }); res.end('<html>'); }, 'BG615', 'BG517'],
    ['a corrupt tarball', async () => Buffer.from('not a tarball at all'), 'BG610', undefined],
    ['a bundle signed by another key', async () => f.bundle('r2', 2, { key: f.otherKey }), 'BG611', 'BG309'],
    ['a swapped signature', async () => f.swapSignature(await f.bundle('r2', 2), r3), 'BG611', 'BG313'],
    ['an older revision', async () => f.bundle('r0', 0), 'BG612', undefined],
    ['a revision without sequence', async () => f.bundle('r9'), 'BG612', undefined],
    ['a module that traps on the probe decision', async () => f.bundle('r2', 2, { wasm: f.trappingModule }), 'BG613', 'BG121'],
    ['a module that does not instantiate', async () => f.bundle('r2', 2, { wasm: f.brokenModule }), 'BG613', 'BG120'],
  ];

  it.each(faults)('keeps the last good bundle on %s, restores the etag, reports the code', async (_name, make, code, cause) => {
    serve(r1);
    const e = enforcer();
    await e.refresh();
    const source = (e as unknown as { source: HttpSource }).source;
    const etag = source.etag;
    const fault = await make();
    if (fault instanceof Uint8Array) serve(fault);
    else server.handle(fault);
    expect(await e.refresh()).toBe('failed');
    expect(source.etag).toBe(etag);
    const s = e.status();
    expect(s.active_revision).toBe('r1');
    expect(s.last_error?.code).toBe(code);
    if (cause !== undefined) expect(s.last_error?.cause_code).toBe(cause);
    expect(e.decide(f.inputs.deny)).toEqual(await f.expected(f.inputs.deny));
    // The fix arrives: activated at once.
    serve(r3);
    expect(await e.refresh()).toBe('activated');
    expect(e.status().active_revision).toBe('r3');
  });

  it('keeps the last good bundle when the server stalls mid-body (time-out)', async () => {
    serve(r1);
    const e = enforcer({ source: new HttpSource({ url: server.url, retries: 0, timeoutSeconds: 1 }) });
    await e.refresh();
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-length': String(r2.length), etag: '"slow"', 'content-type': 'application/gzip' });
      res.write(r2.subarray(0, 64)); // and never the rest
    });
    expect(await e.refresh()).toBe('failed');
    expect(e.status()).toMatchObject({ active_revision: 'r1', last_error: { code: 'BG615', cause_code: 'BG511' } });
  });

  it('keeps deciding while a check is in flight, from the bundle active when the decision started', async () => {
    serve(r1);
    const e = enforcer();
    await e.refresh();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    server.handle((req, res) => {
      void held.then(() => serveBundle(() => r2)(req, res));
    });
    const seen = server.requests.length;
    const check = e.refresh();
    while (server.requests.length === seen) await new Promise((r) => setImmediate(r)); // the request is at the server
    // The bundle stays active while the check is in flight: that is `checking`, not a state.
    expect(e.status()).toMatchObject({ state: 'active', checking: true });
    expect(e.decide(f.inputs.deny)).toEqual(await f.expected(f.inputs.deny));
    release();
    expect(await check).toBe('activated');
    expect(e.status()).toMatchObject({ state: 'active', checking: false, active_revision: 'r2' });
  });

  it('refuses a revision it already replaced, unless rollback is allowed', async () => {
    const old = await f.bundle('r1', 5);
    serve(old);
    const e = enforcer();
    await e.refresh();
    serve(await f.bundle('r2', 6));
    await e.refresh();
    serve(old);
    expect(await e.refresh()).toBe('failed');
    expect(e.status().last_error?.code).toBe('BG612');
    const lenient = enforcer({ allowRollback: true });
    serve(r3);
    await lenient.refresh();
    serve(r1);
    expect(await lenient.refresh()).toBe('activated');
  });

  it('runs unverified only when told, and says so', async () => {
    expect(await codeOf(() => createEnforcer({ source: server.url, poll: false }))).toBe('BG600');
    const warnings: string[] = [];
    serve(await f.bundle('u1', 1, { key: f.otherKey }));
    const e = createEnforcer({ source: new HttpSource({ url: server.url }), skipVerification: true, poll: false, onWarning: (m) => warnings.push(m) });
    open.push(e);
    expect(await e.refresh()).toBe('activated');
    expect(e.status().verification.enabled).toBe(false);
    expect(warnings.join('\n')).toMatch(/verification is OFF/);
  });
});

describe('persistence', () => {
  it('starts from the persisted bundle, re-verified, with the server down', async () => {
    const dir = await tempDir('enforce-persist');
    dirs.push(dir);
    serve(r2);
    const first = enforcer({ persistDir: dir });
    await first.refresh();
    await first.close();
    const downUrl = 'http://127.0.0.1:1/bundles/blastguard';
    const offline = createEnforcer({ source: new HttpSource({ url: downUrl, retries: 0 }), verification: f.verification, persistDir: dir, poll: true });
    open.push(offline);
    await offline.ready;
    expect(offline.status()).toMatchObject({ ready: true, active_revision: 'r2', origin: 'persisted' });
    expect(offline.decide(f.inputs.deny)).toEqual(await f.expected(f.inputs.deny));
  });

  it('does not start from a persisted bundle that no longer verifies', async () => {
    const dir = await tempDir('enforce-tamper');
    dirs.push(dir);
    serve(r2);
    const first = enforcer({ persistDir: dir });
    await first.refresh();
    await first.close();
    const file = path.join(dir, 'bundles', 'blastguard', 'bundle.tar.gz');
    await writeFile(file, await f.swapSignature(await readFile(file), r3));
    const warnings: string[] = [];
    const e = enforcer({ source: new HttpSource({ url: 'http://127.0.0.1:1/x', retries: 0 }), persistDir: dir, onWarning: (m) => warnings.push(m) });
    await e.refresh();
    expect(e.status()).toMatchObject({ ready: false, active_revision: null });
    expect(e.status().errors.map((x) => x.code)).toContain('BG630');
    expect(e.decide(f.inputs.allow).rule).toBe('enforcer:not-ready');
    expect(warnings.join('\n')).toMatch(/persisted bundle/);
  });
});

describe('staleness', () => {
  it('counts a persisted bundle as fresh only as of its last confirmed check, across restarts', async () => {
    const dir = await tempDir('enforce-fresh');
    dirs.push(dir);
    serve(r2);
    const first = enforcer({ persistDir: dir });
    await first.refresh();
    await first.close();
    const file = path.join(dir, 'bundles', 'blastguard', 'bundle.tar.gz');
    const twoHoursAgo = Date.now() / 1000 - 7200;
    await utimes(file, twoHoursAgo, twoHoursAgo);
    const offline = enforcer({ source: new HttpSource({ url: 'http://127.0.0.1:1/x', retries: 0 }), persistDir: dir, maxStaleness: 600 });
    await offline.refresh();
    expect(offline.status()).toMatchObject({ ready: true, healthy: false, state: 'stale', origin: 'persisted' });
    // Back online: a successful check (304 for the persisted etag) makes it fresh and touches the file.
    const online = enforcer({ persistDir: dir, maxStaleness: 600 });
    expect(await online.refresh()).toBe('unchanged');
    expect(online.status().healthy).toBe(true);
    expect((await stat(file)).mtimeMs / 1000).toBeGreaterThan(twoHoursAgo + 3600);
  });

  it('reports unhealthy past maxStaleness without a successful check; keeps deciding unless failing closed', async () => {
    serve(r1);
    const c = clock();
    const e = enforcer({ maxStaleness: 60, clock: c.now });
    await e.refresh();
    server.handle((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    c.advance(59);
    await e.refresh();
    expect(e.status().healthy).toBe(true);
    c.advance(2);
    await e.refresh();
    expect(e.status()).toMatchObject({ healthy: false, ready: true, state: 'stale', staleness: { stale: true, fail_closed: false } });
    expect(e.decide(f.inputs.allow).allow).toBe(true);
    serve(r1);
    await e.refresh(); // 304 again: fresh
    expect(e.status().healthy).toBe(true);
  });

  it('denies every call with a reason when stale and failing closed', async () => {
    serve(r1);
    const c = clock();
    const e = enforcer({ maxStaleness: 60, failClosedWhenStale: true, clock: c.now });
    await e.refresh();
    c.advance(61);
    const d = e.decide(f.inputs.allow);
    expect(d).toMatchObject({ allow: false, mode: 'deny', rule: 'enforcer:stale' });
    expect(d.reasons[0]).toMatch(/not refreshed within 60 s/);
  });

  it('serves /healthz, /readyz, /metrics and /status', async () => {
    serve(r1);
    const c = clock();
    const e = enforcer({ maxStaleness: 60, clock: c.now });
    const endpoints = await e.listen({ port: 0 });
    expect((await fetch(`${endpoints.url}/readyz`)).status).toBe(503);
    await e.refresh();
    e.decide(f.inputs.allow);
    e.decide(f.inputs.shadow);
    expect((await fetch(`${endpoints.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${endpoints.url}/healthz`)).status).toBe(200);
    c.advance(120);
    expect((await fetch(`${endpoints.url}/healthz`)).status).toBe(503);
    expect((await fetch(`${endpoints.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${endpoints.url}/metrics`)).text();
    expect(metrics).toMatch(/blastguard_decisions_total\{mode="shadow",rule="[^"]+"\} 1/);
    expect(metrics).toMatch(/blastguard_decision_duration_seconds_count 2/);
    expect(metrics).toContain('# TYPE blastguard_decision_duration_seconds histogram');
    expect(metrics).toContain('blastguard_decision_duration_seconds_bucket{le="+Inf"} 2');
    // Cumulative buckets: never decreasing, ending at the count.
    const buckets = [...metrics.matchAll(/blastguard_decision_duration_seconds_bucket\{le="[^"]+"\} (\d+)/g)].map((m) => Number(m[1]));
    expect(buckets.length).toBe(11);
    expect(buckets.every((v, i) => i === 0 || v >= buckets[i - 1]!)).toBe(true);
    expect(metrics).toMatch(/blastguard_bundle_info\{revision="r1",digest="sha256:[0-9a-f]+"\} 1/);
    expect(metrics).toMatch(/blastguard_bundle_age_seconds 120/);
    expect(metrics).toMatch(/blastguard_enforcer_state\{state="stale"\} 1/);
    const status = (await (await fetch(`${endpoints.url}/status`)).json()) as { active_revision: string };
    expect(status.active_revision).toBe('r1');
  });
});

describe('local override', () => {
  it('lockdown tightens a decision the bundle allows, and never loosens one', async () => {
    serve(r1);
    const e = enforcer({ override: { mode: 'lockdown', reason: 'incident 42' } });
    await e.refresh();
    const d = e.decide(f.inputs.lockable);
    expect(d.mode).toBe('deny');
    expect(d.reasons.join(' ')).toMatch(/incident 42/);
    expect(e.decide(f.inputs.deny).mode).toBe('deny');
    expect(e.status().override).toEqual({ mode: 'lockdown', reason: 'incident 42' });
  });

  it('refuses shadow-all and an override without a reason', async () => {
    expect(await codeOf(() => enforcer({ override: { mode: 'shadow-all', reason: 'x' } as unknown as EnforcerOptions['override'] }))).toBe('BG600');
    expect(await codeOf(() => enforcer({ override: { mode: 'lockdown', reason: ' ' } }))).toBe('BG600');
  });
});

describe('decideRequest', () => {
  it('needs a catalog: a bundle built before bundles carried one fails with BG623 unless `catalog` is given', async () => {
    serve(await f.bundle('old', 1, { catalog: false }));
    const bare = enforcer();
    await bare.refresh();
    expect(bare.status().active_revision).toBe('old');
    expect(bare.catalog()).toBeNull();
    expect(await codeOf(() => bare.decideRequest({ method: 'POST', url: 'https://backboard.railway.com/graphql/v2' }))).toBe('BG623');
    const e = enforcer({ catalog: f.ir });
    await e.refresh();
    expect(e.catalog()).toBe(f.ir);
    const host = f.ir.apis[0]!.hosts[0]!;
    const result = e.decideRequest({ method: 'POST', url: `https://${host}/nope`, headers: { 'content-type': 'application/json' }, body: '{' }, { time: '2026-06-01T00:00:00Z' });
    expect(result.allow).toBe(false);
    expect(result.decisions.length).toBe(1);
    expect(result.decisions[0]!.decision.mode).toBe('deny');
  });
});
