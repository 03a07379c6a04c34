// Review finding: reverse mode wrote every URL on any of the api's hosts onto the proxy's
// path-style origin. S3's region redirect `https://acme-staging-assets.s3…/reports/2026.csv` became
// `{proxy}/reports/2026.csv`: the bucket was dropped, and following it acted on bucket `reports`.
// And the proxy's origin was the client's raw `Host`: any text (`>` included) went into `Link`, and
// a client naming the api's own host was sent straight to the api over plain http. Now only URLs
// on hosts that read as the upstream's are rewritten, and only onto a well-formed `Host` that is no
// api host; everything else is left as the upstream sent it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOf } from '../../src/extract/index.js';
import { linkRewriter } from '../../src/proxy/links.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

const inventories = new Map([['aws-s3', inventoryOf([
  { id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' },
  { id: 'reports', kind: 'bucket', environment: 'staging' },
])]]);
const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=aaaa', 'x-amz-date': '20261130T190000Z', baggage: 'originator=user:ops' };
const VIRTUAL = 'https://acme-staging-assets.s3.us-east-1.amazonaws.com/reports/2026.csv';
const PATH = 'https://s3.us-east-1.amazonaws.com/acme-staging-assets/reports/2026.csv';

describe('s3 redirects through the reverse proxy (path-style loopback upstream)', () => {
  let up: Server;
  let harness: Harness;
  let proxyHost = '';
  beforeAll(async () => {
    up = createServer((req, res) => {
      req.resume();
      const to = req.url === '/acme-staging-assets/virtual.csv' ? VIRTUAL : PATH;
      res.writeHead(307, { location: to, link: `<${to}>; rel="alternate"` }).end();
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'aws-s3', url: `http://127.0.0.1:${(up.address() as AddressInfo).port}` }], { inventories });
    proxyHost = new URL(harness.proxy.url).host;
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    up?.closeAllConnections();
    up?.close();
  });

  it('a virtual-hosted Location is left as sent: the bucket is not dropped', async () => {
    const res = await send(harness.proxy.url, { method: 'GET', path: '/acme-staging-assets/virtual.csv', headers: { ...signed, host: proxyHost } });
    expect(res.status, res.text).toBe(307);
    expect([res.headers['location'], res.headers['link']]).toEqual([VIRTUAL, `<${VIRTUAL}>; rel="alternate"`]);
  });

  it('a path-style Location is written onto the proxy, bucket and key kept', async () => {
    const res = await send(harness.proxy.url, { method: 'GET', path: '/acme-staging-assets/path.csv', headers: { ...signed, host: proxyHost } });
    expect(res.status, res.text).toBe(307);
    expect(res.headers['location']).toBe(`http://${proxyHost}/acme-staging-assets/reports/2026.csv`);
  });

  it('a client `Host` naming the api itself leaves every URL as sent', async () => {
    const res = await send(harness.proxy.url, { method: 'GET', path: '/acme-staging-assets/path.csv', headers: { ...signed, host: 's3.us-east-1.amazonaws.com' } });
    expect(res.status, res.text).toBe(307);
    expect(res.headers['location']).toBe(PATH);
  });
});

describe('linkRewriter', () => {
  const apis = [
    { name: 'aws-s3', protocol: 's3' as const, hosts: ['s3.us-east-1.amazonaws.com', 'acme-staging-assets.s3.us-east-1.amazonaws.com'] },
    { name: 'github-rest', protocol: 'rest-json' as const, hosts: ['api.github.com'] },
  ];
  const upstream = new URL('http://127.0.0.1:9000');

  it.each(['proxy.internal:8080>; rel="x", <https://evil.example', 'a b', 'proxy.internal/x', '', 'api.github.com', 'S3.us-east-1.amazonaws.com:443', 'acme-staging-assets.s3.us-east-1.amazonaws.com'])('no rewriting under `Host: %s`', (host) => {
    expect(linkRewriter(apis, 'aws-s3', upstream, host, '')).toBeNull();
  });

  it('rewrites the upstream origin and the hosts reading as it, onto a valid `Host`', () => {
    const rewrite = linkRewriter(apis, 'aws-s3', upstream, '127.0.0.1:8080', '/aws-s3')!;
    expect(rewrite('http://127.0.0.1:9000/b/k')).toBe('http://127.0.0.1:8080/aws-s3/b/k');
    expect(rewrite('https://s3.us-east-1.amazonaws.com/b/k')).toBe('http://127.0.0.1:8080/aws-s3/b/k');
    expect(rewrite(VIRTUAL)).toBe(VIRTUAL);
    expect(linkRewriter(apis, 'aws-s3', upstream, '[::1]:8080', '')!('http://127.0.0.1:9000/')).toBe('http://[::1]:8080/');
  });

  it('a virtual-hosted upstream rewrites its own bucket host only', () => {
    const rewrite = linkRewriter(apis, 'aws-s3', new URL('https://acme-staging-assets.s3.us-east-1.amazonaws.com'), 'proxy.internal', '')!;
    expect(rewrite(VIRTUAL)).toBe('http://proxy.internal/reports/2026.csv');
    expect(rewrite(PATH)).toBe(PATH);
  });
});
