// Review finding: the S3 host reader took the bucket lazily up to the first `s3` label, so AWS's
// own host shapes read otherwise than S3 reads them: an S3 Express zonal host read as path-style
// (decided as DeleteBucket, executed as DeleteObject in a production directory bucket), a
// PrivateLink endpoint as bucket `vpce-…`, and `logs.s3-archive.s3…` as bucket `logs`. The reader
// now matches a closed list of S3 endpoint names at the END of the host. Reference model: each
// endpoint shape with a generated bucket (dots, `s3-` and `s3` labels) put before it.
import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import { readS3Host, s3BucketOfHost } from '../../src/extract/protocols/s3-host.js';
import { hostReading } from '../../src/extract/host-reading.js';
import { SIGV4 } from './aws-helpers.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const EXPRESS = 'acme-prod-assets--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com';
const VPCE = 'vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com';

describe('s3 host shapes', () => {
  it.each([
    [EXPRESS, { style: 'virtual', bucket: 'acme-prod-assets--use1-az4--x-s3' }],
    [VPCE, { style: 'path' }],
    [`bucket.${VPCE}`, { style: 'path' }],
    [`acme-prod-assets.bucket.${VPCE}`, { style: 'virtual', bucket: 'acme-prod-assets' }],
    [`accesspoint.${VPCE}`, { style: 'unreadable' }],
    ['logs.s3-archive.s3.us-east-1.amazonaws.com', { style: 'virtual', bucket: 'logs.s3-archive' }],
    ['acme-staging-assets.s3.us-east-1.amazonaws.com', { style: 'virtual', bucket: 'acme-staging-assets' }],
    ['Acme-Prod-Assets.S3.AmazonAWS.com.', { style: 'virtual', bucket: 'acme-prod-assets' }],
    ['s3.amazonaws.com', { style: 'path' }],
    ['s3.us-east-1.amazonaws.com', { style: 'path' }],
    ['s3-us-west-2.amazonaws.com', { style: 'path' }],
    ['s3.dualstack.eu-west-1.amazonaws.com', { style: 'path' }],
    ['b.s3.cn-north-1.amazonaws.com.cn', { style: 'virtual', bucket: 'b' }],
    ['b.s3-accelerate.dualstack.amazonaws.com', { style: 'virtual', bucket: 'b' }],
    ['s3-accelerate.amazonaws.com', { style: 'unreadable' }],
    ['s3express-control.us-east-1.amazonaws.com', { style: 'path' }],
    ['b.s3express-control.us-east-1.amazonaws.com', { style: 'unreadable' }],
    ['s3express-use1-az4.us-east-1.amazonaws.com', { style: 'unreadable' }],
    ['ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com', { style: 'unreadable' }],
    ['ec2.us-east-1.amazonaws.com', { style: 'unreadable' }],
    ['127.0.0.1', { style: 'path' }],
    ['localhost', { style: 'path' }],
    ['[::1]', { style: 'path' }],
    ['minio.internal', { style: 'path' }],
    ['s3.localhost.localstack.cloud', { style: 'path' }],
    ['acme.s3.minio.internal', { style: 'unreadable' }],
  ])('%s', (host, reading) => {
    expect(readS3Host(host)).toEqual(reading);
  });

  it('an unreadable host is no reading for the proxy, and refused by the s3 reader (BG402)', () => {
    expect(hostReading({ protocol: 's3' }, 'ec2.us-east-1.amazonaws.com')).toBeUndefined();
    expect(hostReading({ protocol: 's3' }, VPCE)).toBe('');
    expect(hostReading({ protocol: 'rest-json' }, 'ec2.us-east-1.amazonaws.com')).toBe('');
    const listed = 'acme.s3-accesspoint.us-east-1.amazonaws.com';
    const withHost = { ...ir, apis: ir.apis.map((a) => (a.name === 'aws-s3' ? { ...a, hosts: [...a.hosts, listed] } : a)) };
    const [out, ...rest] = extractDecisionInputs({ method: 'DELETE', url: `https://${listed}/k`, headers: { authorization: SIGV4 }, body: '' }, withHost, { time: TIME });
    expect(rest).toEqual([]);
    expect([out?.operation, out?.error?.code]).toEqual([null, 'BG402']);
  });
});

const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/),
  fc.constantFrom('s3', 's3-archive', 's3-us-east-1', 's3express-use1-az4', 'bucket', 'vpce-1a2b', 'amazonaws', 'us-east-1', 'dualstack', 's3-accelerate'),
);
const bucket = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1');
/** Each endpoint shape: its name, and whether a bucket may be put before it (`virtual`), must be (`required`), or is its path-style form only. */
const endpoint = fc.oneof(
  fc.constant({ name: 's3.amazonaws.com', bare: 'path' as const }),
  region.map((r) => ({ name: `s3.${r}.amazonaws.com${r.startsWith('cn-') ? '.cn' : ''}`, bare: 'path' as const })),
  region.map((r) => ({ name: `s3-${r}.amazonaws.com`, bare: 'path' as const })),
  region.map((r) => ({ name: `s3.dualstack.${r}.amazonaws.com`, bare: 'path' as const })),
  region.map((r) => ({ name: `s3-fips.${r}.amazonaws.com`, bare: 'path' as const })),
  fc.constantFrom('s3-accelerate.amazonaws.com', 's3-accelerate.dualstack.amazonaws.com').map((name) => ({ name, bare: 'unreadable' as const })),
  region.map((r) => ({ name: `s3express-use1-az4.${r}.amazonaws.com`, bare: 'unreadable' as const })),
  region.map((r) => ({ name: `bucket.vpce-1a2b3c4d-5e6f.s3.${r}.vpce.amazonaws.com`, bare: 'path' as const })),
);

test('reading a host returns exactly the bucket put before the endpoint name, or its bare form', () => {
  fc.assert(
    fc.property(bucket, endpoint, fc.boolean(), (b, e, bare) => {
      if (bare) expect(readS3Host(e.name)).toEqual({ style: e.bare });
      else {
        expect(readS3Host(`${b}.${e.name}`)).toEqual({ style: 'virtual', bucket: b });
        expect(s3BucketOfHost(`${b}.${e.name}`.toUpperCase())).toBe(b);
      }
    }),
    { numRuns: 2000 },
  );
});
