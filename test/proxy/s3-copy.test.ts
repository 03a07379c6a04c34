// Review bypass2 #3: `PUT /acme-staging-assets/copied.env` with `x-amz-copy-source:
// /acme-prod-assets/secrets.env` was decided as a CopyObject with no source (no resource either)
// and forwarded: S3 read a production object the decision never saw. A copy over the protected
// `terraform.tfstate` went through too. Now the source is decided as a GetObject next to the copy,
// and the upstream receives the copy source that was decided.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES, inventoryOf } from '../../src/extract/index.js';
import type { Decision } from '../../src/ir/types.js';
import { send } from './send.js';
import { startProxy, type Harness } from './support.js';

const PATH_STYLE = 's3.us-east-1.amazonaws.com';
const inventories = new Map([
  ['aws-s3', inventoryOf([
    { id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' },
    { id: 'acme-prod-assets', kind: 'bucket', environment: 'production' },
  ])],
]);
const signed = { host: PATH_STYLE, authorization: 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=aaaa', 'x-amz-date': '20261130T190000Z' };
const summary = (d: { input: Record<string, unknown>; decision: Decision }): unknown => [(d.input['operation'] as { name: string } | undefined)?.name, (d.input['resource'] as { id?: string } | undefined)?.id, d.decision.mode];

describe('reverse proxy: s3 copy sources are decided', () => {
  let up: Server;
  let harness: Harness;
  const got: { method: string | undefined; url: string | undefined; source: IncomingMessage['headers'][string] }[] = [];
  beforeAll(async () => {
    up = createServer((req, res) => {
      got.push({ method: req.method, url: req.url, source: req.headers['x-amz-copy-source'] });
      req.resume();
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<CopyObjectResult/>');
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'aws-s3', url: `http://127.0.0.1:${(up.address() as AddressInfo).port}` }], { inventories });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    up?.closeAllConnections();
    up?.close();
  });

  it('a copy out of another bucket is decided as a read of that bucket, and forwarded with that source', async () => {
    got.length = 0;
    harness.decided.length = 0;
    const res = await send(harness.proxy.url, { method: 'PUT', path: '/acme-staging-assets/copied.env', headers: { ...signed, 'x-amz-copy-source': '/acme-prod-assets/secrets.env' } });
    expect(res.status, res.text).toBe(200);
    expect(harness.decided.map(summary)).toEqual([
      ['CopyObject', 'acme-staging-assets', 'shadow'],
      ['GetObject', 'acme-prod-assets', 'allow'],
    ]);
    expect(got).toEqual([{ method: 'PUT', url: '/acme-staging-assets/copied.env', source: '/acme-prod-assets/secrets.env' }]);
  });

  it('a copy over the terraform state is denied and never forwarded', async () => {
    got.length = 0;
    harness.decided.length = 0;
    const res = await send(harness.proxy.url, { method: 'PUT', path: '/acme-staging-assets/terraform.tfstate', headers: { ...signed, 'x-amz-copy-source': '/acme-staging-assets/empty' } });
    expect(res.status, res.text).toBe(403);
    expect(harness.decided.map(summary)[0]).toEqual(['CopyObject', 'acme-staging-assets', 'deny']);
    expect(got).toEqual([]);
  });

  it('an access point arn as the copy source is refused (BG451) and never forwarded', async () => {
    got.length = 0;
    const res = await send(harness.proxy.url, { method: 'PUT', path: '/acme-staging-assets/copied.env', headers: { ...signed, 'x-amz-copy-source': 'arn:aws:s3:us-east-1:123456789012:accesspoint/prod/object/secrets.env' } });
    expect(res.status, res.text).toBe(403);
    expect(res.json()).toMatchObject({ error_code: EXTRACT_CODES.unreadableCopySource });
    expect(got).toEqual([]);
  });
});
