// Review of 3bb7baa (legitimate traffic item 8): Octokit's pagination left the reverse proxy after
// page 1: the upstream's `Link` names its own origin (or the api's), and the client followed it
// straight there, undecided. Reverse mode writes `Link` and `Location` URLs on the upstream's or the
// api's origin back onto the proxy's, with the path segment the request was routed by.
// Nothing here leaves loopback: links a client follows name the loopback upstream; the api's own
// origin (`https://api.github.com`) is only read in headers, never followed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

const TOKEN = 'fake-github-developer-gh-token';

describe.each([
  ['one upstream, routed by default', false],
  ['two upstreams, routed by the `/github-rest` path segment', true],
])('Link and Location through the reverse proxy: %s', (_name, byPath) => {
  let upstream: Server;
  let origin = '';
  const seen: string[] = [];
  let harness: Harness;
  let base = '';
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
      if (req.url?.startsWith('/repos/acme/web/issues')) {
        const links = page < 3 ? [`<${origin}/repos/acme/web/issues?page=${page + 1}>; rel="next"`, `<${origin}/repos/acme/web/issues?page=3>; rel="last"`] : [];
        res.writeHead(200, { 'content-type': 'application/json', ...(links.length > 0 ? { link: links.join(', ') } : {}) }).end(JSON.stringify([{ number: page }]));
      } else if (req.url === '/repos/acme/web') {
        res.writeHead(301, { location: 'https://api.github.com/repos/acme/web-renamed', link: '<https://api.github.com/repos/acme/web-renamed>; rel="canonical", <https://elsewhere.example/x>; rel="help"' }).end();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    harness = await startProxy(byPath ? [{ api: 'github-rest', url: origin }, { api: 'aws-iam', url: origin }] : [{ api: 'github-rest', url: origin }]);
    base = byPath ? `${harness.proxy.url}/github-rest` : harness.proxy.url;
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  it('Octokit follows `rel="next"` through the proxy: every page is decided', async () => {
    seen.length = 0;
    harness.decided.length = 0;
    // Bearer, which the example catalog declares (Octokit's own `auth` sends `token …`).
    const octokit = new Octokit({ baseUrl: base });
    const pages: number[] = [];
    let next: string | undefined = '/repos/acme/web/issues';
    while (next !== undefined) {
      const res: { data: unknown; headers: Record<string, unknown> } = await octokit.request({ method: 'GET', url: next, headers: { authorization: `Bearer ${TOKEN}` } });
      pages.push(...(res.data as { number: number }[]).map((i) => i.number));
      const link = String(res.headers['link'] ?? '');
      next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
      if (next !== undefined) expect(next.startsWith(`${base}/`), next).toBe(true);
    }
    expect(pages).toEqual([1, 2, 3]);
    expect(seen).toHaveLength(3);
    expect(harness.decided.map((d) => [d.input['operation'] !== undefined, d.decision.allow])).toEqual([[true, true], [true, true], [true, true]]);
  });

  it('a redirect and links on the api\'s own origin lead back to the proxy; other origins are left alone', async () => {
    const path = byPath ? '/github-rest/repos/acme/web' : '/repos/acme/web';
    const res = await send(harness.proxy.url, { method: 'GET', path, headers: { host: new URL(harness.proxy.url).host, authorization: `Bearer ${TOKEN}` } });
    expect(res.status, res.text).toBe(301);
    expect(res.headers['location']).toBe(`${base}/repos/acme/web-renamed`);
    expect(res.headers['link']).toBe(`<${base}/repos/acme/web-renamed>; rel="canonical", <https://elsewhere.example/x>; rel="help"`);
  });
});
