// Review finding: S3 host shapes a catalog may list were misread, so the proxy decided another call
// than the upstream executed. An S3 Express zonal host (the directory bucket always in the host)
// read as path-style: `DELETE /acme-staging-assets` was decided as DeleteBucket in staging and
// executed as DeleteObject (key `acme-staging-assets`) in the production directory bucket. Now it
// is decided as that DeleteObject; a PrivateLink endpoint is path-style; an AWS host of no known
// S3 endpoint shape cannot be read one way: nothing is decided or forwarded (BG733).
// Nothing leaves loopback: the upstream's AWS host names resolve to 127.0.0.1.
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

const EXPRESS = 'acme-prod-assets--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com';
const VPCE = 'vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com';
const ACCESS_POINT = 'reports-123456789012.s3-accesspoint.us-east-1.amazonaws.com';
const inventories = new Map([['aws-s3', inventoryOf([
  { id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' },
  { id: 'acme-prod-assets', kind: 'bucket', environment: 'production' },
  { id: 'acme-prod-assets--use1-az4--x-s3', kind: 'bucket', environment: 'production' },
])]]);
const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=aaaa', 'x-amz-date': '20261130T190000Z', baggage: 'originator=user:ops' };
const lookup = ((_h: string, o: { all?: boolean }, cb: (e: Error | null, a: unknown, f?: number) => void) => (o.all === true ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4))) as unknown as LookupFunction;

describe('proxy: upstreams on S3 Express, PrivateLink and unknown AWS hosts', () => {
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
    catalog = { ...base, apis: base.apis.map((a) => (a.name === 'aws-s3' ? { ...a, hosts: [...a.hosts, EXPRESS, VPCE, ACCESS_POINT] } : a)) };
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    for (const f of fronts) { f.closeAllConnections(); f.close(); }
    await harness?.close();
    server?.closeAllConnections();
    server?.close();
  });

  const summary = (): unknown[] => decided.map((d) => [(d.input['operation'] as { name: string } | undefined)?.name, (d.input['resource'] as { id?: string } | undefined)?.id]);

  it('S3 Express: `DELETE /acme-staging-assets` is decided as the DeleteObject the directory bucket runs', async () => {
    const url = await through(EXPRESS);
    decided.length = 0;
    received.length = 0;
    await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: EXPRESS } });
    expect(summary()).toEqual([['DeleteObject', 'acme-prod-assets--use1-az4--x-s3']]);
    expect(received.every((r) => r.url === '/acme-staging-assets')).toBe(true);
  });

  it('PrivateLink endpoint: path-style, the bucket is the first path segment', async () => {
    const url = await through(VPCE);
    decided.length = 0;
    await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: VPCE } });
    expect(summary()).toEqual([['DeleteBucket', 'acme-staging-assets']]);
  });

  it.each([ACCESS_POINT, 's3express-use1-az4.us-east-1.amazonaws.com'])('an upstream host of no known S3 endpoint shape (%s) is refused with BG733, nothing decided or forwarded', async (host) => {
    const url = await through(host);
    decided.length = 0;
    received.length = 0;
    for (const named of [host, 's3.us-east-1.amazonaws.com']) {
      const res = await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: named } });
      expect([res.status, (res.json() as { code?: string }).code]).toEqual([421, 'BG733']);
    }
    expect(decided).toEqual([]);
    expect(received).toEqual([]);
  });
});
