// Review of 3e80953 (bypass item 1): a request whose body was still arriving when a bundle
// activated was read with the old bundle's catalog and decided by the new bundle's policy, a
// mix of two revisions that could allow what each denies. The catalog is now read again once
// the body is in, and everything up to the decisions runs without yielding: one revision.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOfIr, type IrCatalog } from '../../src/ir/catalog.js';
import type { Decision } from '../../src/ir/types.js';
import { createProxyHandler } from '../../src/proxy/handler.js';
import { upstreamPool, type Upstream } from '../../src/proxy/upstream.js';
import { DOMAINS_TOKEN, signedPolicies } from './support.js';

describe('a bundle that activates while a request body arrives', () => {
  let upstream: Server;
  let proxy: Server;
  let port = 0;
  let active: IrCatalog;
  let after: IrCatalog;
  const decided: { catalog: IrCatalog; input: unknown }[] = [];
  let forwarded = 0;

  beforeAll(async () => {
    const { ir } = await signedPolicies();
    active = catalogOfIr(ir);
    // The next revision no longer declares the api: a request read with the old catalog would
    // still be decided (by the new policy) and forwarded; read with the new one, it has no api.
    after = { ...structuredClone(active), apis: active.apis.filter((a) => a.name !== 'railway') };
    upstream = createServer((req, res) => {
      req.resume();
      forwarded++;
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const origin = new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    const target: Upstream = { api: 'railway', origin, pool: upstreamPool(origin) };
    const allow: Decision = { allow: true, mode: 'enforce', rule: 'test', reasons: [] } as unknown as Decision;
    const handle = createProxyHandler({
      enforcer: {
        catalog: () => active,
        decide: (input) => {
          decided.push({ catalog: active, input });
          return allow;
        },
      },
    });
    proxy = createServer((req, res) => void handle(req, res, target));
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    port = (proxy.address() as AddressInfo).port;
  }, 120_000);

  afterAll(async () => {
    proxy?.closeAllConnections();
    proxy?.close();
    upstream?.closeAllConnections();
    upstream?.close();
  });

  it('reads the request with the catalog of the revision that decides it (here: one without the api, 421)', async () => {
    const body = JSON.stringify({ query: '{ me { id } }' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/graphql/v2', headers: { host: 'backboard.railway.com', authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      // Half the body, then the activation, then the rest.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        active = after;
        req.end(body.slice(10));
      }, 200);
    });
    expect(status).toBe(421);
    expect(decided).toEqual([]);
    expect(forwarded).toBe(0);
  });
});
