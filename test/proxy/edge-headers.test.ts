// Issue 11: `blastguard proxy` behind an edge proxy. ingress-nginx, Envoy or a sidecar in front
// add routing headers saying what they received; where they read as what is decided the request
// is decided and forwarded without them (the proxy is the hop that decides), where they say
// anything else it stays refused (BG443). The upstream here is a real server that routes the way
// IIS/Symfony do (`X-Original-URL`, then `X-Forwarded-Host`) and records what it ran.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { send } from './send.js';
import { startProxy, type Harness } from './support.js';

const AUTH = { authorization: 'Bearer fake-github-developer-gh-token' };

interface Ran {
  host: string;
  repo: string | null;
  headers: IncomingHttpHeaders;
}

const value = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

describe('reverse proxy behind an edge proxy', () => {
  let up: Server;
  let upHost = '';
  let harness: Harness;
  const ran: Ran[] = [];
  beforeAll(async () => {
    up = createServer((req, res) => {
      const h = req.headers;
      const path = value(h['x-original-url']) ?? value(h['x-rewrite-url']) ?? value(h['x-original-uri']) ?? req.url ?? '';
      const host = (value(h['x-forwarded-host'])?.split(',')[0] ?? h.host ?? '').trim().toLowerCase();
      ran.push({ host, repo: /^\/repos\/acme\/([^/?]+)(?:\?|$)/.exec(path)?.[1] ?? null, headers: h });
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    upHost = `127.0.0.1:${(up.address() as AddressInfo).port}`;
    harness = await startProxy([{ api: 'github-rest', url: `http://${upHost}` }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    up?.closeAllConnections();
    up?.close();
  });
  const reset = (): void => {
    ran.length = 0;
    harness.decided.length = 0;
  };
  const decidedRepo = (): unknown => (harness.decided[0]?.input['resource'] as { id?: string } | undefined)?.id;

  it('what ingress-nginx sends (Host and X-Forwarded-Host the name clients use): decided, forwarded without routing headers', async () => {
    reset();
    const front = 'github-proxy.corp.example';
    const res = await send(harness.proxy.url, {
      method: 'GET',
      path: '/repos/acme/web?per_page=1',
      headers: {
        ...AUTH,
        host: front,
        connection: 'close',
        'x-request-id': '3f1c2b8e9a7d4c6b8e1f2a3b4c5d6e7f',
        'x-real-ip': '192.0.2.10',
        'x-forwarded-for': '192.0.2.10',
        'x-forwarded-host': front,
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
        'x-forwarded-scheme': 'https',
        'x-scheme': 'https',
        'x-original-uri': '/repos/acme/web?per_page=1',
        'x-original-forwarded-for': '198.51.100.7',
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(decidedRepo()).toBe('acme/web');
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ host: upHost, repo: 'web' });
    const got = ran[0]!.headers;
    expect(got['x-forwarded-host']).toBeUndefined();
    expect(got['x-original-uri']).toBeUndefined();
    // Address, scheme and id headers change no call: passed on as the edge set them, neither added to nor rewritten.
    expect(got).toMatchObject({ 'x-forwarded-for': '192.0.2.10', 'x-real-ip': '192.0.2.10', 'x-forwarded-proto': 'https', 'x-request-id': '3f1c2b8e9a7d4c6b8e1f2a3b4c5d6e7f', 'x-forwarded-port': '443' });
  });

  it('what an edge Envoy sends after a prefix rewrite: X-Envoy-Original-Path names another target, refused', async () => {
    reset();
    const res = await send(harness.proxy.url, {
      method: 'GET',
      path: '/repos/acme/web',
      headers: { ...AUTH, 'x-forwarded-for': '203.0.113.128, 192.0.2.5', 'x-forwarded-proto': 'https', 'x-request-id': 'c2e1f5a0-7b8e-4d2c-9f1a-0b3c4d5e6f70', 'x-envoy-external-address': '192.0.2.5', 'x-envoy-expected-rq-timeout-ms': '15000', 'x-envoy-original-path': '/github/repos/acme/web' },
    });
    expect(res.status, res.text).toBe(403);
    expect(res.json()).toMatchObject({ error_code: EXTRACT_CODES.targetOverride });
    expect(ran).toEqual([]);
  });

  it('an edge Envoy without a rewrite: its own headers pass, the original path that agrees does not', async () => {
    reset();
    const res = await send(harness.proxy.url, {
      method: 'GET',
      path: '/repos/acme/web',
      headers: { ...AUTH, 'x-forwarded-for': '203.0.113.128, 192.0.2.5', 'x-envoy-external-address': '192.0.2.5', 'x-envoy-original-path': '/repos/acme/web', 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678', forwarded: 'for=192.0.2.5;proto=https' },
    });
    expect(res.status, res.text).toBe(200);
    expect(ran).toHaveLength(1);
    expect(ran[0]!.headers['x-envoy-original-path']).toBeUndefined();
    expect(ran[0]!.headers).toMatchObject({ 'x-envoy-external-address': '192.0.2.5', 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678' });
    // `Forwarded` is never passed on: readers differ on where a `host=` in it starts (review of the session's merges, F3).
    expect(ran[0]!.headers['forwarded']).toBeUndefined();
  });

  it('hop-by-hop headers and the ones `Connection` names are not forwarded; naming an end-to-end one is refused', async () => {
    reset();
    const res = await send(harness.proxy.url, { method: 'GET', path: '/repos/acme/web', headers: { ...AUTH, connection: 'keep-alive, te', 'keep-alive': 'timeout=5', te: 'trailers', 'proxy-connection': 'keep-alive' } });
    expect(res.status, res.text).toBe(200);
    for (const name of ['keep-alive', 'te', 'proxy-connection']) expect(ran[0]!.headers[name], name).toBeUndefined();
    reset();
    const named = await send(harness.proxy.url, { method: 'GET', path: '/repos/acme/web', headers: { ...AUTH, connection: 'x-forwarded-for', 'x-forwarded-for': '10.0.0.1' } });
    expect(named.status, named.text).toBe(403);
    expect(ran).toEqual([]);
  });

  it('property: refused with BG443, or the routing upstream runs the repository decided, under its own host', async () => {
    const repo = fc.constantFrom('web', 'sandbox');
    const hostValue = fc.constantFrom('github-proxy.corp.example', 'api.github.com', '127.0.0.1', 'evil.example', 'github-proxy.corp.example, evil.example', '');
    const request = fc.record({ name: repo, query: fc.boolean() }).chain(({ name, query }) => {
      const target = `/repos/acme/${name}${query ? '?per_page=1' : ''}`;
      const header = fc.oneof(
        fc.tuple(fc.constantFrom('x-original-url', 'x-original-uri', 'x-rewrite-url'), fc.constantFrom(target, '/repos/acme/web', '/repos/acme/sandbox', `${target}/`)),
        fc.tuple(fc.constant('x-forwarded-host'), hostValue),
        fc.tuple(fc.constant('x-forwarded-prefix'), fc.constantFrom('', '/', '/admin')),
        fc.tuple(fc.constant('forwarded'), hostValue.map((h) => `for=192.0.2.1;host="${h}"`)),
        fc.tuple(fc.constantFrom('x-forwarded-for', 'x-real-ip', 'x-request-id'), fc.constantFrom('192.0.2.1', 'abc')),
      );
      return fc.record({ name: fc.constant(name), target: fc.constant(target), headers: fc.uniqueArray(header, { maxLength: 4, selector: ([k]) => k }) });
    });
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ name, target, headers }) => {
        reset();
        const res = await send(harness.proxy.url, { method: 'GET', path: target, headers: { ...AUTH, host: 'github-proxy.corp.example', ...Object.fromEntries(headers) } });
        if (res.status === 403) {
          expect(res.json()).toMatchObject({ error_code: EXTRACT_CODES.targetOverride });
          expect(ran).toEqual([]);
          return;
        }
        expect(res.status, res.text).toBe(200);
        forwarded++;
        expect(decidedRepo()).toBe(`acme/${name}`);
        expect(ran.map((r) => [r.host, r.repo])).toEqual([[upHost, name]]);
      }),
      { numRuns: 60 },
    );
    expect(forwarded).toBeGreaterThan(5);
  }, 120_000);
});
