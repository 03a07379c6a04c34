// A request decided for one api must never reach another api's upstream (review of 757abe2): an
// origin-form target opening with `//` was read by `new URL(target, base)` as an authority, so
// `POST //backboard.railway.com/graphql/v2` with `Host: api.github.com` was decided as a Railway
// call and forwarded, with the caller's credential, to the GitHub upstream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReverseProxy, type ReverseProxy } from '../../src/proxy/index.js';
import { DOMAINS_TOKEN, startProxy, type Harness } from './support.js';
import { startUpstream, type Upstream } from './railway-upstream.js';
import { send } from './send.js';

const GITHUB_TOKEN = 'fake-github-developer-gh-token';

describe('request targets that name another host', () => {
  let railway: Upstream;
  let github: Server;
  const githubSeen: string[] = [];
  let harness: Harness;
  beforeAll(async () => {
    railway = await startUpstream('graphql-http');
    github = createServer((req, res) => {
      githubSeen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"github":true}');
    });
    await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
    harness = await startProxy([
      { api: 'railway', url: railway.url },
      { api: 'github-rest', url: `http://127.0.0.1:${(github.address() as AddressInfo).port}` },
    ]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await railway?.close();
    github?.closeAllConnections();
    await new Promise<void>((r) => github?.close(() => r()));
  });

  const PROBES = [
    { name: 'POST //backboard.railway.com/graphql/v2 with Host api.github.com', path: '//backboard.railway.com/graphql/v2', host: 'api.github.com', auth: `Bearer ${DOMAINS_TOKEN}`, body: JSON.stringify({ query: '{ me { id } }' }) },
    { name: 'GET //api.github.com/repos/acme/web with Host backboard.railway.com', path: '//api.github.com/repos/acme/web', host: 'backboard.railway.com', auth: `Bearer ${GITHUB_TOKEN}` },
    { name: 'POST /\\backboard.railway.com/graphql/v2 with Host api.github.com', path: '/\\backboard.railway.com/graphql/v2', host: 'api.github.com', auth: `Bearer ${DOMAINS_TOKEN}`, body: JSON.stringify({ query: '{ me { id } }' }) },
    { name: 'absolute-form http://api.github.com/… with Host backboard.railway.com', path: 'http://api.github.com/repos/acme/web', host: 'backboard.railway.com', auth: `Bearer ${GITHUB_TOKEN}` },
  ];

  it.each(PROBES)('$name: refused, no upstream receives anything', async (p) => {
    githubSeen.length = 0;
    railway.received.length = 0;
    harness.decided.length = 0;
    const headers: Record<string, string> = { host: p.host, authorization: p.auth, ...(p.body === undefined ? {} : { 'content-type': 'application/json' }) };
    const res = await send(harness.proxy.url, { method: p.body === undefined ? 'GET' : 'POST', path: p.path, headers, body: p.body });
    expect(res.status, res.text).toBeGreaterThanOrEqual(400);
    expect(res.text).toContain('BG412');
    expect(githubSeen).toEqual([]);
    expect(railway.received).toEqual([]);
    // Whatever was decided (a refusal), it was never a railway operation decided with a github upstream.
    expect(harness.decided.every((d) => d.input['operation'] === undefined)).toBe(true);
  });

  it('a plain path on the same host still reaches its upstream', async () => {
    railway.received.length = 0;
    const res = await send(harness.proxy.url, { path: '/graphql/v2', headers: { host: 'backboard.railway.com', authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
    expect(res.status, res.text).toBe(200);
    expect(railway.received.map((r) => r.url)).toEqual(['/graphql/v2']);
  });

  it('a request read as another api than its upstream serves is answered 421 (BG719), nothing forwarded', async () => {
    // Two apis sharing a host are told apart by path: `api.github.com/graphql/v2` reads as the
    // twin (a GraphQL api with that endpoint), while the upstream chosen serves `github-rest`.
    const real = harness.enforcer;
    let proxy: ReverseProxy | undefined;
    try {
      proxy = await startReverseProxy({
        port: 0,
        upstreamTimeoutMs: 5_000,
        upstreams: [{ api: 'github-rest', url: `http://127.0.0.1:${(github.address() as AddressInfo).port}` }],
        enforcer: {
          catalog: () => {
            const catalog = real.catalog();
            if (catalog === null) return null;
            const railwayApi = catalog.apis.find((a) => a.name === 'railway')!;
            return { ...catalog, apis: [...catalog.apis, { ...railwayApi, name: 'railway-twin', hosts: ['api.github.com'] }] };
          },
          decide: (input, context) => real.decide(input, context),
          status: () => real.status(),
          metrics: real.metrics,
        },
      });
      githubSeen.length = 0;
      const res = await send(proxy.url, { path: '/graphql/v2', headers: { host: 'api.github.com', authorization: `Bearer ${DOMAINS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
      expect(res.status, res.text).toBe(421);
      expect((res.json() as { code: string }).code).toBe('BG719');
      expect(githubSeen).toEqual([]);
    } finally {
      await proxy?.close();
    }
  });
});
