// Review finding (critical): the proxy decided an S3 call under the client's virtual-hosted `Host`
// (`acme-staging-assets.s3…`: DeleteObject in staging, shadowed) but forwarded it with the
// upstream's `Host`, so a path-style upstream executed `DELETE /acme-prod-assets` as DeleteBucket
// of the production bucket; in forward mode with an `--upstream` override alike. Now the host a
// request is decided under reads as the host the upstream receives, or nothing is forwarded
// (BG733, 421). These tests watch the `Host` and target the upstream receives, next to the decision.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOfIr, type IrCatalog } from '../../src/ir/catalog.js';
import { EXTRACT_CODES, inventoryOf } from '../../src/extract/index.js';
import type { Decision } from '../../src/ir/types.js';
import { PROXY_CODES } from '../../src/proxy/codes.js';
import { createProxyHandler, type DecidingEnforcer, type Upstream } from '../../src/proxy/handler.js';
import { startForwardMode } from '../../src/proxy/forward-mode.js';
import { createLocalCa, loadLocalCa } from '../../src/proxy/forward/index.js';
import { signedPolicies, startProxy, type Harness } from './support.js';
import { send } from './send.js';

const STAGING = 'acme-staging-assets.s3.us-east-1.amazonaws.com';
const PROD = 'acme-prod-assets.s3.us-east-1.amazonaws.com';
const PATH_STYLE = 's3.us-east-1.amazonaws.com';
const S3_INVENTORY = inventoryOf([
  { id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' },
  { id: 'acme-prod-assets', kind: 'bucket', environment: 'production' },
]);
const inventories = new Map([['aws-s3', S3_INVENTORY]]);
// `host` is not among the signed headers: a signature over a `Host` the upstream does not receive is
// refused first (BG737, sigv4-host.test.ts); these cases are about which bucket each host reads.
const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=aaaa', 'x-amz-date': '20261130T190000Z', baggage: 'originator=user:ops' };

interface Received {
  method: string;
  url: string;
  host: string | undefined;
}

/** A loopback upstream that records the method, target and `Host` of each request it executes. */
async function recordingUpstream(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host });
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<ok/>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, received };
}

async function stop(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
}

const summary = (d: { input: Record<string, unknown>; decision: Decision }): unknown => [(d.input['operation'] as { name: string } | undefined)?.name, (d.input['resource'] as { id?: string } | undefined)?.id, d.decision.mode];

/** The proxy in front of a recording path-style upstream on loopback, for one `describe`. */
function pathStyleRig(): { up: Awaited<ReturnType<typeof recordingUpstream>>; harness: Harness } {
  const rig = {} as { up: Awaited<ReturnType<typeof recordingUpstream>>; harness: Harness };
  beforeAll(async () => {
    rig.up = await recordingUpstream();
    rig.harness = await startProxy([{ api: 'aws-s3', url: `http://127.0.0.1:${rig.up.port}` }], { inventories });
  }, 60_000);
  afterAll(async () => {
    await rig.harness?.close();
    await stop(rig.up?.server);
  });
  return rig;
}

describe('reverse proxy, path-style upstream on loopback', () => {
  const rig = pathStyleRig();

  it.each([
    ['DELETE', '/acme-prod-assets'],
    ['DELETE', '/acme-prod-assets/reports/2026.csv'],
    ['GET', '/acme-prod-assets/reports/2026.csv'],
    ['DELETE', '/'],
  ])('a virtual-hosted `Host` (%s %s) is refused with BG733, nothing decided or forwarded', async (method, path) => {
    rig.up.received.length = 0;
    rig.harness.decided.length = 0;
    const res = await send(rig.harness.proxy.url, { method, path, headers: { ...signed, host: STAGING } });
    expect(res.status, res.text).toBe(421);
    expect(res.json()).toMatchObject({ code: PROXY_CODES.hostReadsOtherwise, help: expect.stringContaining('path-style') });
    expect(rig.up.received).toEqual([]);
    expect(rig.harness.decided).toEqual([]);
  });

  it('a path-style request is decided for the bucket the upstream reads, under the upstream\'s `Host`', async () => {
    rig.up.received.length = 0;
    rig.harness.decided.length = 0;
    const res = await send(rig.harness.proxy.url, { method: 'DELETE', path: '/acme-staging-assets/reports/2026.csv', headers: { ...signed, host: PATH_STYLE } });
    expect(res.status, res.text).toBe(200);
    expect(rig.harness.decided.map(summary)).toEqual([['DeleteObject', 'acme-staging-assets', 'shadow']]);
    expect(rig.up.received).toEqual([{ method: 'DELETE', url: '/acme-staging-assets/reports/2026.csv', host: `127.0.0.1:${rig.up.port}` }]);
  });

  it('path-style DeleteBucket of the production bucket is denied whatever `Host` the client names', async () => {
    for (const host of [PATH_STYLE, '127.0.0.1', 'proxy.internal']) {
      rig.up.received.length = 0;
      rig.harness.decided.length = 0;
      const res = await send(rig.harness.proxy.url, { method: 'DELETE', path: '/acme-prod-assets', headers: { ...signed, host } });
      expect(res.status, `${host}: ${res.text}`).toBe(403);
      expect(rig.harness.decided.map(summary)).toEqual([['DeleteBucket', 'acme-prod-assets', 'deny']]);
      expect(rig.up.received).toEqual([]);
    }
  });
});

describe('reverse proxy: headers some stacks route on instead of the request line', () => {
  const rig = pathStyleRig();

  it.each([
    ['x-original-url', '/acme-prod-assets', EXTRACT_CODES.targetOverride],
    ['x-rewrite-url', '/acme-prod-assets', EXTRACT_CODES.targetOverride],
    ['x-forwarded-prefix', '/acme-prod-assets', EXTRACT_CODES.targetOverride],
    ['x-forwarded-host', PROD, EXTRACT_CODES.targetOverride],
    ['forwarded', `host=${PROD}`, EXTRACT_CODES.targetOverride],
    ['x-original-method', 'DELETE', EXTRACT_CODES.methodOverride],
  ])('`%s` is refused with its code and never forwarded', async (name, value, code) => {
    rig.up.received.length = 0;
    rig.harness.decided.length = 0;
    const res = await send(rig.harness.proxy.url, { method: 'GET', path: '/acme-staging-assets/reports/2026.csv', headers: { ...signed, host: PATH_STYLE, [name]: value } });
    expect(res.status, res.text).toBe(403);
    expect(res.json()).toMatchObject({ error_code: code });
    expect(rig.up.received).toEqual([]);
  });
});

describe('proxy handler, upstream reached under a virtual-hosted bucket name', () => {
  let up: Awaited<ReturnType<typeof recordingUpstream>>;
  let harness: Harness;
  let front: Server;
  let url = '';
  const decided: { input: Record<string, unknown>; decision: Decision }[] = [];
  let catalog: IrCatalog | null = null;
  let upstream: Upstream;
  let current: Upstream;
  beforeAll(async () => {
    up = await recordingUpstream();
    // Never sent to a resolver: every name this agent connects to is loopback.
    const lookup = ((_host: string, options: { all?: boolean }, cb: (e: Error | null, a: unknown, f?: number) => void) =>
      options.all === true ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as unknown as LookupFunction;
    // A proxy only reaches the loopback upstream: the harness is where the enforcer and bundle come from.
    harness = await startProxy([{ api: 'aws-s3', url: `http://127.0.0.1:${up.port}` }], { inventories });
    const enforcer: DecidingEnforcer = {
      catalog: () => catalog ?? harness.enforcer.catalog(),
      decide: (input, context) => {
        const decision = harness.enforcer.decide(input, context);
        decided.push({ input: input as Record<string, unknown>, decision });
        return decision;
      },
    };
    const handle = createProxyHandler({ enforcer, inventories });
    upstream = { api: 'aws-s3', origin: new URL(`http://${STAGING}:${up.port}`), pool: new Pool(`http://${STAGING}:${up.port}`, { connect: { lookup } }) };
    current = upstream;
    front = createServer((req, res) => void handle(req, res, current));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await upstream?.pool.destroy();
    await stop(front);
    await harness?.close();
    await stop(up?.server);
  });

  it.each([[STAGING], ['127.0.0.1'], ['']])('`Host: %s` is decided in the bucket the upstream host names, and forwarded under it', async (host) => {
    up.received.length = 0;
    decided.length = 0;
    const res = await send(url, { method: 'DELETE', path: '/reports/2026.csv', headers: host === '' ? signed : { ...signed, host } });
    expect(res.status, res.text).toBe(200);
    expect(decided.map(summary)).toEqual([['DeleteObject', 'acme-staging-assets', 'shadow']]);
    expect(up.received).toEqual([{ method: 'DELETE', url: '/reports/2026.csv', host: `${STAGING}:${up.port}` }]);
  });

  it.each([[PATH_STYLE, '/acme-prod-assets'], [PROD, '/']])('`Host: %s` reads another bucket than the upstream host: refused', async (host, path) => {
    up.received.length = 0;
    decided.length = 0;
    const res = await send(url, { method: 'DELETE', path, headers: { ...signed, host } });
    expect(res.status, res.text).toBe(421);
    expect(res.json()).toMatchObject({ code: PROXY_CODES.hostReadsOtherwise });
    expect(decided).toEqual([]);
    expect(up.received).toEqual([]);
  });

  it('an unlisted `Host` is no longer decided under the first listed host when that one names a bucket', async () => {
    // The operator lists a virtual-hosted bucket first, and the upstream is path-style.
    const base = catalogOfIr((await signedPolicies()).ir);
    const reordered = (hosts: string[]): IrCatalog => ({ ...base, apis: base.apis.map((a) => (a.name === 'aws-s3' ? { ...a, hosts } : a)) });
    current = { api: 'aws-s3', origin: new URL(`http://127.0.0.1:${up.port}`), pool: new Pool(`http://127.0.0.1:${up.port}`) };
    try {
      for (const [hosts, status, expected] of [
        [[STAGING, PATH_STYLE], 403, [['DeleteBucket', 'acme-prod-assets', 'deny']]],
        [[STAGING, PROD], 421, []],
      ] as const) {
        catalog = reordered([...hosts]);
        up.received.length = 0;
        decided.length = 0;
        const res = await send(url, { method: 'DELETE', path: '/acme-prod-assets', headers: { ...signed, host: 'proxy.internal' } });
        expect(res.status, res.text).toBe(status);
        expect(decided.map(summary)).toEqual(expected);
        expect(up.received).toEqual([]);
      }
    } finally {
      catalog = null;
      current = upstream;
    }
  });
});

function connectVia(port: number, authority: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'CONNECT', path: authority, headers: { host: authority } });
    req.on('connect', (res, socket: Socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`connect ${res.statusCode}`))));
    req.on('error', reject);
    req.end();
  });
}

/** One request in an intercepted tunnel to `host`; the whole answer as text. */
async function throughTunnel(proxyPort: number, ca: string, host: string, method: string, path: string): Promise<string> {
  const socket = await connectVia(proxyPort, `${host}:443`);
  const tls = await new Promise<TLSSocket>((resolve, reject) => {
    const t = tlsConnect({ socket, servername: host, ca });
    t.once('secureConnect', () => resolve(t));
    t.once('error', reject);
  });
  const headers = Object.entries(signed).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return new Promise((resolve) => {
    let out = '';
    tls.on('data', (c: Buffer) => (out += c.toString()));
    tls.on('end', () => resolve(out));
    tls.on('close', () => resolve(out));
    tls.write(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`);
  });
}

describe('forward mode with an `--upstream` override for aws-s3', () => {
  let up: Awaited<ReturnType<typeof recordingUpstream>>;
  let harness: Harness;
  let proxy: { url: string; close(): Promise<void> };
  let ca = '';
  const decided: { input: Record<string, unknown>; decision: Decision }[] = [];
  beforeAll(async () => {
    up = await recordingUpstream();
    harness = await startProxy([{ api: 'aws-s3', url: `http://127.0.0.1:${up.port}` }], { inventories });
    const material = await createLocalCa({ days: 1 });
    ca = material.certPem;
    proxy = await startForwardMode({
      enforcer: {
        catalog: () => harness.enforcer.catalog(),
        decide: (input, context) => {
          const decision = harness.enforcer.decide(input, context);
          decided.push({ input: input as Record<string, unknown>, decision });
          return decision;
        },
      },
      inventories,
      ca: await loadLocalCa(material),
      port: 0,
      upstreams: [{ api: 'aws-s3', url: `http://127.0.0.1:${up.port}` }],
    });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await harness?.close();
    await stop(up?.server);
  });

  it('a tunnel to a virtual-hosted bucket is refused with BG733: the override reads the bucket from the path', async () => {
    up.received.length = 0;
    decided.length = 0;
    const answer = await throughTunnel(Number(new URL(proxy.url).port), ca, STAGING, 'DELETE', '/acme-prod-assets');
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 421 Misdirected Request');
    expect(answer).toContain(PROXY_CODES.hostReadsOtherwise);
    expect(decided).toEqual([]);
    expect(up.received).toEqual([]);
  });

  it('a path-style tunnel is decided for the path\'s bucket and forwarded under the override\'s `Host`', async () => {
    up.received.length = 0;
    decided.length = 0;
    const answer = await throughTunnel(Number(new URL(proxy.url).port), ca, PATH_STYLE, 'DELETE', '/acme-staging-assets/reports/2026.csv');
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(decided.map(summary)).toEqual([['DeleteObject', 'acme-staging-assets', 'shadow']]);
    expect(up.received).toEqual([{ method: 'DELETE', url: '/acme-staging-assets/reports/2026.csv', host: `127.0.0.1:${up.port}` }]);
  });
});
