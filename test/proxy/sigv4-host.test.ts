// Reverse mode and SigV4 (review of 3bb7baa, legitimate traffic item 2): the reverse proxy sends
// its upstream the `--upstream` url's host, which a SigV4 signature covers, so every call an AWS
// client signed for the host it addressed (`--endpoint-url` = the proxy) failed upstream with
// `SignatureDoesNotMatch` after it was decided as allowed. It is refused up front, coded (BG737).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_CODES } from '../../src/proxy/index.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';
import { authorization, verifies } from '../helpers/sigv4.js';

describe('SigV4 requests through the reverse proxy', () => {
  let upstream: Server;
  const seen: { verified: boolean }[] = [];
  let upstreamHost = '';
  let harness: Harness;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const verified = verifies({ method: req.method ?? '', target: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) }, String(req.headers.host ?? ''));
        seen.push({ verified });
        res.writeHead(verified ? 200 : 403, { 'content-type': 'application/x-amz-json-1.1' }).end(verified ? '{"clusterArns":[]}' : '{"__type":"SignatureDoesNotMatch"}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamHost = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    harness = await startProxy([{ api: 'aws-ecs', url: `http://${upstreamHost}` }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  const listClusters = (host: string): { headers: Record<string, string>; body: string } => {
    const body = '{"maxResults":10}';
    const signed = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', host, 'x-amz-date': '20261130T190000Z' };
    return { headers: { ...signed, authorization: authorization({ method: 'POST', target: '/', headers: signed, body, region: 'us-east-1', service: 'ecs' }) }, body };
  };

  it('a call signed for the proxy host (`--endpoint-url`) is refused with BG737, nothing forwarded', async () => {
    seen.length = 0;
    const proxyHost = new URL(harness.proxy.url).host;
    const res = await send(harness.proxy.url, { path: '/', ...listClusters(proxyHost) });
    expect(res.status, res.text).toBe(421);
    expect((res.json() as { code: string }).code).toBe(PROXY_CODES.signedHostChanged);
    expect(seen).toEqual([]);
  });

  it('a call signed for the host the upstream receives passes and verifies upstream', async () => {
    seen.length = 0;
    const res = await send(harness.proxy.url, { path: '/', ...listClusters(upstreamHost) });
    expect(res.status, res.text).toBe(200);
    expect(seen).toEqual([{ verified: true }]);
  });
});
