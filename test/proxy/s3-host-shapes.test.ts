// Review finding: S3 host shapes a catalog may list were misread, so the proxy decided another call
// than the upstream executed. An S3 Express zonal host (the directory bucket always in the host)
// read as path-style: `DELETE /acme-staging-assets` was decided as DeleteBucket in staging and
// executed as DeleteObject (key `acme-staging-assets`) in the production directory bucket. Now it
// is decided as that DeleteObject; a PrivateLink endpoint is path-style; an AWS host of no known
// S3 endpoint shape cannot be read one way: nothing is decided or forwarded (BG733).
// Nothing leaves loopback: the upstream's AWS host names resolve to 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { inventoryOf } from '../../src/extract/index.js';
import { s3EndpointRig } from './s3-endpoint-rig.js';
import { send } from './send.js';

const EXPRESS = 'acme-prod-assets--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com';
const VPCE = 'vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com';
const ACCESS_POINT = 'reports-123456789012.s3-accesspoint.us-east-1.amazonaws.com';
const inventories = new Map([['aws-s3', inventoryOf([
  { id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' },
  { id: 'acme-prod-assets', kind: 'bucket', environment: 'production' },
  { id: 'acme-prod-assets--use1-az4--x-s3', kind: 'bucket', environment: 'production' },
])]]);
const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=aaaa', 'x-amz-date': '20261130T190000Z', baggage: 'originator=user:ops' };

describe('proxy: upstreams on S3 Express, PrivateLink and unknown AWS hosts', () => {
  const { through, received, decided, summary } = s3EndpointRig([EXPRESS, VPCE, ACCESS_POINT], inventories);

  it('S3 Express: `DELETE /acme-staging-assets` is decided as the DeleteObject the directory bucket runs', async () => {
    const url = await through(EXPRESS);
    decided.length = 0;
    received.length = 0;
    await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: EXPRESS } });
    expect(summary()).toEqual([['DeleteObject', 'acme-prod-assets--use1-az4--x-s3']]);
    expect(received.every((r) => r.url === '/acme-staging-assets')).toBe(true);
  });

  it('PrivateLink endpoint: path-style, the bucket is the first path segment', async () => {
    const url = await through(VPCE);
    decided.length = 0;
    await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: VPCE } });
    expect(summary()).toEqual([['DeleteBucket', 'acme-staging-assets']]);
  });

  it.each([ACCESS_POINT, 's3express-use1-az4.us-east-1.amazonaws.com'])('an upstream host of no known S3 endpoint shape (%s) is refused with BG733, nothing decided or forwarded', async (host) => {
    const url = await through(host);
    decided.length = 0;
    received.length = 0;
    for (const named of [host, 's3.us-east-1.amazonaws.com']) {
      const res = await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: named } });
      expect([res.status, (res.json() as { code?: string }).code]).toEqual([421, 'BG733']);
    }
    expect(decided).toEqual([]);
    expect(received).toEqual([]);
  });
});
