// Forward mode keeps one upstream object per api and origin (forward-mode.ts), so what the handler
// works out per upstream is worked out once. The cache is keyed on the api and the origin: calls to
// two apis, interleaved over tunnels, each reach their own api's upstream, every time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS_TOKEN, RAILWAY_INVENTORY } from '../support.js';
import { startForwardRig, through, type ForwardRig } from './mode-rig.js';

describe('forward mode with two apis', () => {
  const seen: { github: string[]; railway: string[] } = { github: [], railway: [] };
  let github: Server;
  let railway: Server;
  let rig: ForwardRig;
  const listen = async (server: Server): Promise<string> => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  beforeAll(async () => {
    github = createServer((req, res) => {
      seen.github.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"from":"github"}'));
    });
    railway = createServer((req, res) => {
      seen.railway.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"me":{"id":"u1"}}}'));
    });
    rig = await startForwardRig([{ api: 'github-rest', url: await listen(github) }, { api: 'railway', url: await listen(railway) }], new Map([['railway', RAILWAY_INVENTORY]]));
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    for (const s of [github, railway]) {
      s?.closeAllConnections();
      await new Promise<void>((r) => s?.close(() => r()));
    }
  });

  it('sends each call to the upstream of its own api', async () => {
    for (let i = 0; i < 3; i++) {
      const g = await through(rig, 'api.github.com', '/repos/acme/web', { headers: { authorization: 'Bearer fake-github-developer-gh-token' } });
      expect(g.status, g.body).toBe(200);
      expect(g.body).toBe('{"from":"github"}');
      const r = await through(rig, 'backboard.railway.com', '/graphql/v2', { method: 'POST', headers: { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
      expect(r.status, r.body).toBe(200);
      expect(r.body).toBe('{"data":{"me":{"id":"u1"}}}');
    }
    expect(seen.github).toEqual(['GET /repos/acme/web', 'GET /repos/acme/web', 'GET /repos/acme/web']);
    expect(seen.railway).toEqual(['POST /graphql/v2', 'POST /graphql/v2', 'POST /graphql/v2']);
  }, 60_000);
});

describe('forward mode with two apis overridden onto one upstream', () => {
  // The kept upstream objects are keyed on the api as well as the origin: two apis at one url
  // must each be decided as themselves (an upstream object carries its api).
  let shared: Server;
  let rig: ForwardRig;
  beforeAll(async () => {
    shared = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"me":{"id":"u1"}}}'));
    });
    await new Promise<void>((r) => shared.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(shared.address() as AddressInfo).port}`;
    rig = await startForwardRig([{ api: 'github-rest', url }, { api: 'railway', url }], new Map([['railway', RAILWAY_INVENTORY]]));
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    shared?.closeAllConnections();
    await new Promise<void>((r) => shared?.close(() => r()));
  });

  it('decides each call under the api of the host it names', async () => {
    rig.decided.length = 0;
    for (let i = 0; i < 2; i++) {
      const g = await through(rig, 'api.github.com', '/repos/acme/web', { headers: { authorization: 'Bearer fake-github-developer-gh-token' } });
      expect(g.status, g.body).toBe(200);
      const r = await through(rig, 'backboard.railway.com', '/graphql/v2', { method: 'POST', headers: { authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
      expect(r.status, r.body).toBe(200);
    }
    expect(rig.decided.map((d) => d.input['api'])).toEqual(['github-rest', 'railway', 'github-rest', 'railway']);
  }, 60_000);
});
