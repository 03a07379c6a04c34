// The fake signatures leave `host` out of SignedHeaders: the loopback upstream receives another
// host than the one they name, which the reverse proxy refuses for a signed host (sigv4-host.test.ts).
// AWS calls through the proxy reach a real upstream (on loopback) with the bytes the client
// signed: S3 object data byte for byte under its own content type, query and JSON bodies as sent
// where they read exactly as decided (review of 757abe2: SigV4 covers the payload and content type).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  body: Buffer;
}

const sig = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/${service}/aws4_request, SignedHeaders=content-type;x-amz-date, Signature=${'a'.repeat(64)}`;

describe('aws requests reach the upstream as signed', () => {
  let upstream: Server;
  const seen: Seen[] = [];
  let harness: Harness;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], contentEncoding: req.headers['content-encoding'], body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/xml' }).end('<ok/>');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    harness = await startProxy([
      { api: 'aws-s3', url },
      { api: 'aws-iam', url },
      { api: 'aws-ecs', url },
    ]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  // Path-style: the loopback upstream reads the bucket from the path, as the proxy decides it (s3-host.test.ts).
  const s3 = { host: 's3.us-east-1.amazonaws.com', 'x-amz-date': '20261130T190000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', authorization: sig('s3') };
  it.each([
    ['a binary PutObject', 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe])],
    ['a pretty-printed json object with a big number', 'application/json', Buffer.from('{\n  "a": 1.0,\n  "big": 12345678901234567891\n}\n')],
    ['an html object without a charset', 'text/html', Buffer.from('<h1>hi</h1>')],
  ])('%s: the object body and content type arrive unchanged', async (_name, type, body) => {
    seen.length = 0;
    const res = await send(harness.proxy.url, { method: 'PUT', path: '/acme-staging-assets/obj', headers: { ...s3, 'content-type': type }, body });
    expect(res.status, res.text).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.contentType).toBe(type);
    expect(seen[0]!.body.equals(body)).toBe(true);
  });

  it('an IAM query POST arrives with its %20 escapes and its charset', async () => {
    seen.length = 0;
    const body = 'Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdivision%20abc%2F';
    const type = 'application/x-www-form-urlencoded; charset=utf-8';
    const res = await send(harness.proxy.url, { path: '/', headers: { host: 'iam.amazonaws.com', 'content-type': type, 'x-amz-date': '20261130T190000Z', authorization: sig('iam') }, body });
    expect(res.status, res.text).toBe(200);
    expect(seen.map((s) => [s.contentType, s.body.toString()])).toEqual([[type, body]]);
  });

  it('an ECS json POST arrives with its own content type and bytes', async () => {
    seen.length = 0;
    const body = '{\n  "maxResults": 10.0\n}';
    const headers = { host: 'ecs.us-east-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', 'x-amz-date': '20261130T190000Z', authorization: sig('ecs') };
    const res = await send(harness.proxy.url, { path: '/', headers, body });
    expect(res.status, res.text).toBe(200);
    expect(seen.map((s) => [s.contentType, s.body.toString()])).toEqual([['application/x-amz-json-1.1', body]]);
  });
  // Review findings: an S3 subresource the extractor did not know was decided as the bare method
  // (`PUT /?object-lock` as CreateBucket) and forwarded; an ECS body with `cluster` and `CLUSTER`
  // was decided on one while a Go server ran the other. Neither reaches the upstream now.
  it.each([
    ['an unknown s3 subresource', 'PUT', '/acme-staging-assets?objectLockV2', s3, '<x/>'],
    ['an s3 configuration id without its subresource', 'PUT', '/acme-staging-assets?id=x', s3, '<x/>'],
    ['an ecs body with two members that fold alike', 'POST', '/', { host: 'ecs.us-east-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DeleteCluster', 'x-amz-date': '20261130T190000Z', authorization: sig('ecs') }, '{"cluster":"staging-cluster","CLUSTER":"prod-cluster"}'],
  ])('%s is refused and never forwarded', async (_name, method, path, headers, body) => {
    seen.length = 0;
    harness.decided.length = 0;
    const res = await send(harness.proxy.url, { method, path, headers, body });
    expect(res.status, res.text).toBe(403);
    expect(seen).toEqual([]);
    expect(harness.decided.map((d) => d.decision)).not.toContain('allow');
  });

  it('PUT /?object-lock is decided as PutObjectLockConfiguration, not CreateBucket, and the example catalog refuses it', async () => {
    harness.decided.length = 0;
    seen.length = 0;
    const res = await send(harness.proxy.url, { method: 'PUT', path: '/acme-staging-assets?object-lock', headers: s3, body: '<ObjectLockConfiguration/>' });
    expect(harness.decided.map((d) => (d.input['operation'] as { name: string }).name)).toEqual(['PutObjectLockConfiguration']);
    // Declared destructive and irreversible: nothing reaches the bucket.
    expect(res.status, res.text).toBe(403);
    expect(seen).toEqual([]);
  });
});
