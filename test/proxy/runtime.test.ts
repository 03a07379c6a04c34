// The proxy as a running service: a REST api through it, bundle updates without restart, the
// upstream down, silent or resetting, streamed responses, and its operator endpoints.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { inventoryOf } from '../../src/extract/index.js';
import { DOMAINS_TOKEN, IDS, signedPolicies, startProxy, type Harness } from './support.js';
import { startUpstream } from './railway-upstream.js';
import { send } from './send.js';

const POCKETOS = JSON.stringify({ query: `mutation { volumeDelete(volumeId: "${IDS.volume}") }` });
const railwayHeaders = { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function proxy(url: string, options: Parameters<typeof startProxy>[1] = {}): Promise<Harness> {
  const h = await startProxy([{ api: 'railway', url }], options);
  cleanups.push(() => h.close());
  return h;
}

describe('a REST api through the proxy (github-rest)', () => {
  it('forwards a read with its query re-encoded, refuses repo creation without an originator as problem details', async () => {
    const seen: { method: string; url: string; body: string; type: string | undefined }[] = [];
    const up = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString(), type: req.headers['content-type'] });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const h = await startProxy([{ api: 'github-rest', url: up.url }], { inventories: new Map([['github-rest', inventoryOf([{ id: 'victim-org/billing-service', kind: 'repository', environment: 'production' }])]]) });
    cleanups.push(() => h.close());
    const auth = { authorization: 'Bearer fake-github-developer-gh-token', accept: 'application/vnd.github+json' };
    const read = await send(h.proxy.url, { method: 'GET', path: '/repos/victim-org/billing-service?a=1&b=x%20y#frag', headers: auth });
    expect(read.status, read.text).toBe(200);
    expect(seen).toEqual([{ method: 'GET', url: '/repos/victim-org/billing-service?a=1&b=x+y', body: '', type: undefined }]);

    const create = await send(h.proxy.url, { method: 'POST', path: '/user/repos', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"s1ngularity-repository","private":false}' });
    expect(create.status).toBe(403);
    expect(create.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const problem = create.json() as { status: number; code: string; rule: string; decision_id: string };
    expect(problem).toMatchObject({ status: 403, code: 'BLASTGUARD_DENIED', rule: 'github-repositories/no-repo-creation-without-originator' });
    expect(seen).toHaveLength(1);

    const shadowed = await send(h.proxy.url, { method: 'PATCH', path: '/repos/victim-org/billing-service', headers: { ...auth, 'content-type': 'application/json', baggage: 'originator=user%3Adev' }, body: '{ "description" : "Billing service" }' });
    expect(shadowed.status, shadowed.text).toBe(200);
    expect(seen[1]).toEqual({ method: 'PATCH', url: '/repos/victim-org/billing-service', body: '{"description":"Billing service"}', type: 'application/json' });
    expect(h.decided[h.decided.length - 1]!.decision.mode).toBe('shadow');
  });
});

describe('the running proxy', () => {
  it('takes a published bundle without restart: the PocketOS call is shadowed, then refused', async () => {
    const upstream = await startUpstream('express');
    cleanups.push(() => upstream.close());
    const h = await proxy(upstream.url, { enforcement: 'shadow-all', poll: true });
    const before = await send(h.proxy.url, { path: '/graphql/v2', headers: railwayHeaders, body: POCKETOS });
    expect(before.status, before.text).toBe(200);
    expect(upstream.executed.map((e) => e.name)).toEqual(['volumeDelete']);
    expect(h.decided[h.decided.length - 1]!.decision).toMatchObject({ mode: 'shadow', would_deny: true });

    const signed = await signedPolicies();
    await h.publish(await signed.bundle('r2', 2, 'normal'));
    for (let i = 0; i < 100 && h.enforcer.status().active_revision !== 'r2'; i++) await delay(100);
    expect(h.enforcer.status().active_revision).toBe('r2');
    const after = await send(h.proxy.url, { path: '/graphql/v2', headers: railwayHeaders, body: POCKETOS });
    expect(after.status).toBe(403);
    expect(upstream.executed).toHaveLength(1);
  });

  it('answers 502 when the upstream is down, 504 when it is silent, 502 when it resets', async () => {
    const closed = await serve(() => undefined);
    const downUrl = closed.url;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const down = await proxy(downUrl);
    const d = await send(down.proxy.url, { path: '/graphql/v2', headers: railwayHeaders, body: '{"query":"{ me { id } }"}' });
    expect(d.status).toBe(502);
    expect((d.json() as { code: string }).code).toBe('BG722');

    const silent = await serve(() => undefined);
    const slow = await proxy(silent.url, { upstreamTimeoutMs: 300 });
    const s = await send(slow.proxy.url, { path: '/graphql/v2', headers: railwayHeaders, body: '{"query":"{ me { id } }"}' });
    expect(s.status).toBe(504);
    expect((s.json() as { code: string }).code).toBe('BG723');

    const resetting = await serve((req) => req.socket.destroy());
    const reset = await proxy(resetting.url);
    const r = await send(reset.proxy.url, { path: '/graphql/v2', headers: railwayHeaders, body: '{"query":"{ me { id } }"}' });
    expect(r.status).toBe(502);
  });

  it('streams text/event-stream as it arrives', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const up = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        void released.then(() => res.end('data: last\n\n'));
      });
    });
    const h = await proxy(up.url);
    const { request } = await import('node:http');
    const first = await new Promise<string>((resolve, reject) => {
      const u = new URL(h.proxy.url);
      const req = request({ hostname: u.hostname, port: u.port, method: 'POST', path: '/graphql/v2', headers: railwayHeaders }, (res) => {
        res.once('data', (c: Buffer) => resolve(c.toString()));
        res.on('end', () => undefined);
      });
      req.on('error', reject);
      req.end('{"query":"{ me { id } }"}');
    });
    expect(first).toBe('data: first\n\n');
    release();
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const upstream = await startUpstream('graphql-http');
    cleanups.push(() => upstream.close());
    const h = await proxy(upstream.url);
    expect((await send(h.proxy.url, { method: 'GET', path: '/readyz' })).status).toBe(200);
    expect((await send(h.proxy.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    await send(h.proxy.url, { path: '/graphql/v2', headers: railwayHeaders, body: POCKETOS });
    const metrics = await send(h.proxy.url, { method: 'GET', path: '/metrics' });
    expect(metrics.text).toContain('blastguard_decisions_total');
  });
});
