// Review of 3bb7baa (legitimate traffic item 5): an S3 presigned url (boto3 `generate_presigned_url`
// through HTTPS_PROXY) carries its credential in the query string; extraction read headers only, so
// every presigned call was refused `token:missing`. The access key id of `X-Amz-Credential` (SigV4)
// or `AWSAccessKeyId` (SigV2) is the credential; the signature never reaches a decision input.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES, fingerprintOf } from '../../../src/extract/index.js';
import { startForwardRig, through, type ForwardRig } from './mode-rig.js';

// Path-style: the `--upstream` override on loopback reads the bucket from the path (a virtual-hosted host would be BG733).
const HOST = 's3.us-east-1.amazonaws.com';
const SIGNATURE = 'f'.repeat(64);
const SIGV4 = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAFAKE0000PRESIGN%2F20261130%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261130T190000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=${SIGNATURE}`;
const SIGV2 = `AWSAccessKeyId=AKIAFAKE0000PRESIGN&Expires=1796000000&Signature=${'g'.repeat(28)}%3D`;

describe('S3 presigned urls through the forward proxy', () => {
  let upstream: Server;
  const seen: string[] = [];
  let rig: ForwardRig;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    rig = await startForwardRig([{ api: 'aws-s3', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }]);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  it.each([
    ['SigV4 (X-Amz-Credential)', SIGV4],
    ['SigV2 (AWSAccessKeyId)', SIGV2],
  ])('a presigned GetObject, %s, is decided with the access key id as its credential and forwarded', async (_name, query) => {
    seen.length = 0;
    rig.decided.length = 0;
    const res = await through(rig, HOST, `/acme-staging-assets/k.txt?${query}`);
    expect(res.status, res.body).toBe(200);
    expect(seen).toEqual([`/acme-staging-assets/k.txt?${query}`]);
    expect(rig.decided).toHaveLength(1);
    const { input } = rig.decided[0]!;
    expect(input['token']).toEqual({ fingerprint: fingerprintOf('AKIAFAKE0000PRESIGN') });
    expect(JSON.stringify(input)).not.toContain(SIGNATURE);
  });

  it('a presigned url naming two different access keys is refused (BG413), nothing forwarded', async () => {
    seen.length = 0;
    const res = await through(rig, HOST, `/acme-staging-assets/k.txt?${SIGV4}&AWSAccessKeyId=AKIAOTHER0000KEY`);
    expect(res.status).toBe(403);
    expect((JSON.parse(res.body) as { error_code: string }).error_code).toBe(EXTRACT_CODES.conflictingHeader);
    expect(seen).toEqual([]);
  });
});
