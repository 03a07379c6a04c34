// HEAD and OPTIONS through the proxy, in front of a real Express app (which answers HEAD by running
// the GET route): HEAD is decided as the GET operation and forwarded as HEAD; OPTIONS, which Express
// also hands to `app.all`/`app.use` handlers, is refused unless the catalog declares it (BG717).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOf } from '../../src/extract/index.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

describe('HEAD and OPTIONS to a REST api', () => {
  let server: Server;
  const seen: string[] = [];
  let harness: Harness;
  beforeAll(async () => {
    const app = express();
    app.use((req, _res, next) => {
      seen.push(`${req.method} ${req.originalUrl}`);
      next();
    });
    app.get('/repos/:owner/:repo', (_req, res) => {
      res.set('etag', '"v1"').json({ name: 'billing-service' });
    });
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }], {
      inventories: new Map([['github-rest', inventoryOf([{ id: 'victim-org/billing-service', kind: 'repository', environment: 'production' }])]]),
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  const auth = { authorization: 'Bearer fake-github-developer-gh-token', accept: 'application/vnd.github+json' };

  it('HEAD is decided as the GET operation and forwarded as HEAD', async () => {
    seen.length = 0;
    harness.decided.length = 0;
    const res = await send(harness.proxy.url, { method: 'HEAD', path: '/repos/victim-org/billing-service', headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers['etag']).toBe('"v1"');
    expect(res.text).toBe('');
    expect(seen).toEqual(['HEAD /repos/victim-org/billing-service']);
    const get = harness.decided.map((d) => (d.input['operation'] as { name: string }).name);
    expect(get).toHaveLength(1);
    const viaGet = await send(harness.proxy.url, { method: 'GET', path: '/repos/victim-org/billing-service', headers: auth });
    expect(viaGet.status).toBe(200);
    expect((harness.decided[1]!.input['operation'] as { name: string }).name).toBe(get[0]);
  });

  it('OPTIONS without a declared route is refused (BG717) and reaches nothing', async () => {
    seen.length = 0;
    const res = await send(harness.proxy.url, { method: 'OPTIONS', path: '/repos/victim-org/billing-service', headers: { ...auth, origin: 'https://example.test', 'access-control-request-method': 'DELETE' } });
    expect(res.status).toBe(403);
    expect((res.json() as { error_code: string }).error_code).toBe('BG717');
    expect(seen).toEqual([]);
  });
});
