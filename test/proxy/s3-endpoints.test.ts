// Issue 11: an upstream on an S3 endpoint name the SDKs write (S3 Express zonal endpoints with
// FIPS or dual-stack, Local Zone ids, the Regional endpoint's dual-stack and FIPS names) was
// refused as a host of no known shape (BG733). The proxy now decides the call the host names and
// forwards it; an access point stays refused. Nothing leaves loopback: the upstream's AWS host
// names resolve to 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOfIr, type IrCatalog } from '../../src/ir/catalog.js';
import { inventoryOf } from '../../src/extract/index.js';
import type { Decision } from '../../src/ir/types.js';
import { createProxyHandler, type DecidingEnforcer, type Upstream } from '../../src/proxy/handler.js';
import { signedPolicies, startProxy, type Harness } from './support.js';
import { send } from './send.js';

const DIR = 'acme-prod-assets--use1-az4--x-s3';
const ZONAL_DUALSTACK = `${DIR}.s3express-use1-az4.dualstack.us-east-1.amazonaws.com`;
const ZONAL_FIPS_DUALSTACK = `${DIR}.s3express-fips-use1-az4.dualstack.us-east-1.amazonaws.com`;
const LOCAL_ZONE = 'media--usw2-lax1-az1--x-s3.s3express-usw2-lax1-az1.us-west-2.amazonaws.com';
const CONTROL_DUALSTACK = 's3express-control.dualstack.us-east-1.amazonaws.com';
const CONTROL_FIPS = 's3express-control-fips.us-east-1.amazonaws.com';
const ACCESS_POINT_DUALSTACK = 'reports-123456789012.s3-accesspoint.dualstack.us-east-1.amazonaws.com';
const HOSTS = [ZONAL_DUALSTACK, ZONAL_FIPS_DUALSTACK, LOCAL_ZONE, CONTROL_DUALSTACK, CONTROL_FIPS, ACCESS_POINT_DUALSTACK];
const inventories = new Map([['aws-s3', inventoryOf([
  { id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' },
  { id: DIR, kind: 'bucket', environment: 'production' },
  { id: 'media--usw2-lax1-az1--x-s3', kind: 'bucket', environment: 'staging' },
])]]);
const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3express/aws4_request, SignedHeaders=x-amz-date, Signature=aaaa', 'x-amz-date': '20261130T190000Z', baggage: 'originator=user:ops' };
const lookup = ((_h: string, o: { all?: boolean }, cb: (e: Error | null, a: unknown, f?: number) => void) => (o.all === true ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4))) as unknown as LookupFunction;

describe('proxy: upstreams on S3 Express dual-stack, FIPS and Local Zone endpoint names', () => {
  let server: Server;
  let port = 0;
  const received: { method: string; url: string }[] = [];
  let harness: Harness;
  let catalog: IrCatalog;
  const decided: { input: Record<string, unknown>; decision: Decision }[] = [];
  const fronts: Server[] = [];
  const pools: Pool[] = [];

  /** A proxy handler forwarding to `host` (resolved to the loopback upstream), and its url. */
  async function through(host: string): Promise<string> {
    const enforcer: DecidingEnforcer = { catalog: () => catalog, decide: (input, ctx) => { const d = harness.enforcer.decide(input, ctx); decided.push({ input: input as Record<string, unknown>, decision: d }); return d; } };
    const handle = createProxyHandler({ enforcer, inventories });
    const pool = new Pool(`http://${host}:${port}`, { connect: { lookup } });
    pools.push(pool);
    const upstream: Upstream = { api: 'aws-s3', origin: new URL(`http://${host}:${port}`), pool };
    const front = createServer((req, res) => void handle(req, res, upstream));
    fronts.push(front);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => { req.resume(); req.on('end', () => { received.push({ method: req.method ?? '', url: req.url ?? '' }); res.writeHead(200).end('<ok/>'); }); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    harness = await startProxy([{ api: 'aws-s3', url: `http://127.0.0.1:${port}` }], { inventories });
    const base = catalogOfIr((await signedPolicies()).ir);
    catalog = { ...base, apis: base.apis.map((a) => (a.name === 'aws-s3' ? { ...a, hosts: [...a.hosts, ...HOSTS] } : a)) };
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    for (const f of fronts) { f.closeAllConnections(); f.close(); }
    await harness?.close();
    server?.closeAllConnections();
    server?.close();
  });

  const summary = (): unknown[] => decided.map((d) => [(d.input['operation'] as { name: string } | undefined)?.name, (d.input['resource'] as { id?: string } | undefined)?.id]);

  it.each([
    [ZONAL_DUALSTACK, DIR],
    [ZONAL_FIPS_DUALSTACK, DIR],
    [LOCAL_ZONE, 'media--usw2-lax1-az1--x-s3'],
  ])('zonal %s: `GET /reports/2026.csv` is decided as GetObject in the directory bucket the host names, and forwarded', async (host, bucket) => {
    const url = await through(host);
    decided.length = 0;
    received.length = 0;
    const res = await send(url, { method: 'GET', path: '/reports/2026.csv', headers: { ...signed, host } });
    expect(res.status, res.text).toBe(200);
    expect(summary()).toEqual([['GetObject', bucket]]);
    expect(received).toEqual([{ method: 'GET', url: '/reports/2026.csv' }]);
  });

  it.each([CONTROL_DUALSTACK, CONTROL_FIPS])('regional %s: path-style, the directory bucket is the first path segment', async (host) => {
    const url = await through(host);
    decided.length = 0;
    received.length = 0;
    const res = await send(url, { method: 'GET', path: `/${DIR}?list-type=2`, headers: { ...signed, host } });
    expect(res.status, res.text).toBe(200);
    expect(summary()).toEqual([['ListObjectsV2', DIR]]);
    expect(received).toEqual([{ method: 'GET', url: `/${DIR}?list-type=2` }]);
  });

  it('an access point (no bucket in its host) stays refused with BG733, nothing decided or forwarded', async () => {
    const url = await through(ACCESS_POINT_DUALSTACK);
    decided.length = 0;
    received.length = 0;
    const res = await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: ACCESS_POINT_DUALSTACK } });
    expect([res.status, (res.json() as { code?: string }).code]).toEqual([421, 'BG733']);
    expect(decided).toEqual([]);
    expect(received).toEqual([]);
  });
});
