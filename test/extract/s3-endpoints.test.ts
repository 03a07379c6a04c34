// Issue 11: S3 endpoint names real SDKs produce were refused as hosts of no known shape. The S3
// endpoint rules the AWS SDKs share write S3 Express zonal endpoints as
// `{bucket}.s3express[-fips]-{zone}[.dualstack].{region}.amazonaws.com` and Regional (control)
// ones as `s3express-control[-fips][.dualstack].{region}.amazonaws.com`; AWS's endpoint table
// also lists `s3express-control-dualstack.{region}.amazonaws.com`, and Local Zone ids
// (`usw2-lax1-az1`) name zonal endpoints as Availability Zone ids do. Each reads as exactly its
// bucket (or path-style); access points, Outposts and S3 Control name no bucket and stay refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import { readS3Host } from '../../src/extract/protocols/s3-host.js';
import { hostReading } from '../../src/extract/host-reading.js';
import type { Ir } from '../../src/ir/types.js';
import { SIGV4 } from './aws-helpers.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const DIR = 'acme-prod-assets--use1-az4--x-s3';
const LZ = 'media--usw2-lax1-az1--x-s3';

describe('s3 endpoint names the SDKs write', () => {
  it.each([
    [`${DIR}.s3express-use1-az4.dualstack.us-east-1.amazonaws.com`, DIR],
    [`${DIR}.s3express-fips-use1-az4.us-east-1.amazonaws.com`, DIR],
    [`${DIR}.s3express-fips-use1-az4.dualstack.us-east-1.amazonaws.com`, DIR],
    [`${LZ}.s3express-usw2-lax1-az1.us-west-2.amazonaws.com`, LZ],
    [`${LZ}.s3express-usw2-lax1-az1.dualstack.us-west-2.amazonaws.com`, LZ],
    ['logs--usw2-az7--x-s3.s3express-usw2-az7.us-west-2.amazonaws.com', 'logs--usw2-az7--x-s3'],
    ['acme.s3-fips.dualstack.us-gov-west-1.amazonaws.com', 'acme'],
    ['acme.s3.dualstack.cn-north-1.amazonaws.com.cn', 'acme'],
  ])('%s names bucket %s', (host, bucket) => {
    expect(readS3Host(host)).toEqual({ style: 'virtual', bucket });
    expect(hostReading({ protocol: 's3' }, host)).toBe(bucket);
  });

  it.each([
    's3express-control.dualstack.us-east-1.amazonaws.com',
    's3express-control-dualstack.us-east-1.amazonaws.com',
    's3express-control-fips.us-east-1.amazonaws.com',
    's3express-control-fips.dualstack.us-east-1.amazonaws.com',
  ])('%s is path-style, and names no bucket before it', (host) => {
    expect(readS3Host(host)).toEqual({ style: 'path' });
    expect(readS3Host(`${DIR}.${host}`)).toEqual({ style: 'unreadable' });
  });

  it('s3-fips.dualstack without a bucket is path-style', () => {
    expect(readS3Host('s3-fips.dualstack.us-east-1.amazonaws.com')).toEqual({ style: 'path' });
  });

  it.each([
    // Zonal endpoints always carry the directory bucket.
    's3express-use1-az4.dualstack.us-east-1.amazonaws.com',
    's3express-fips-use1-az4.us-east-1.amazonaws.com',
    // Access points, Object Lambda, Multi-Region access points, Outposts, S3 Control: no bucket in the host.
    'reports-123456789012.s3-accesspoint.dualstack.us-east-1.amazonaws.com',
    'reports-123456789012.s3-accesspoint-fips.us-east-1.amazonaws.com',
    'reports-123456789012.s3-accesspoint-fips.dualstack.us-east-1.amazonaws.com',
    'reports-123456789012.s3-object-lambda.us-east-1.amazonaws.com',
    'mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com',
    'reports-123456789012.op-01ac5d28a6a232904.s3-outposts.us-west-2.amazonaws.com',
    'logs--op-s3.op-01ac5d28a6a232904.s3-outposts.us-west-2.amazonaws.com',
    '123456789012.s3-control.us-east-1.amazonaws.com',
    // Shapes no documentation names.
    `${DIR}.s3express-use1-az4.dualstack.dualstack.us-east-1.amazonaws.com`,
    `${DIR}.s3express-use1.us-east-1.amazonaws.com`,
    `${DIR}.s3express-dualstack-use1-az4.us-east-1.amazonaws.com`,
    's3express-control-fips-dualstack.us-east-1.amazonaws.com',
    's3express-fips.us-east-1.amazonaws.com',
    `${DIR}.s3express-use1-az4.us-east-1.dualstack.amazonaws.com`,
  ])('%s stays unreadable: refused', (host) => {
    expect(readS3Host(host)).toEqual({ style: 'unreadable' });
    expect(hostReading({ protocol: 's3' }, host)).toBeUndefined();
  });

  it('an api listing them decides the directory bucket call the host names', () => {
    const zonal = `${DIR}.s3express-fips-use1-az4.dualstack.us-east-1.amazonaws.com`;
    const control = 's3express-control.dualstack.us-east-1.amazonaws.com';
    const withHosts: Ir = { ...ir, apis: ir.apis.map((a) => (a.name === 'aws-s3' ? { ...a, hosts: [...a.hosts, zonal, control] } : a)) };
    const read = (url: string): unknown[] =>
      extractDecisionInputs({ method: 'DELETE', url, headers: { authorization: SIGV4 }, body: '' }, withHosts, { time: TIME }).map((o) => [o.operation, (o.input['resource'] as { id?: string } | undefined)?.id]);
    expect(read(`https://${zonal}/acme-staging-assets`)).toEqual([['DeleteObject', DIR]]);
    expect(read(`https://${control}/${DIR}`)).toEqual([['DeleteBucket', DIR]]);
  });
});

describe('property: a bucket before a new endpoint name reads as exactly that bucket', () => {
  const label = fc.oneof(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/), fc.constantFrom('s3', 's3express-use1-az4', 'dualstack', 'fips', 's3express-control', 'us-east-1'));
  const bucket = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
  const region = fc.constantFrom('us-east-1', 'us-west-2', 'eu-north-1', 'us-gov-west-1', 'cn-north-1');
  const zone = fc.constantFrom('use1-az4', 'usw2-az7', 'apne1-az1', 'usw2-lax1-az1', 'use1-atl2-az12');
  const suffix = (r: string): string => `amazonaws.com${r.startsWith('cn-') ? '.cn' : ''}`;
  const zonal = fc.tuple(fc.boolean(), zone, fc.boolean(), region).map(([fips, z, dual, r]) => `s3express${fips ? '-fips' : ''}-${z}${dual ? '.dualstack' : ''}.${r}.${suffix(r)}`);
  const control = fc.tuple(fc.constantFrom('', '-fips', '.dualstack', '-fips.dualstack', '-dualstack'), region).map(([v, r]) => `s3express-control${v}.${r}.${suffix(r)}`);
  it('zonal: the bucket; bare: unreadable. control: path-style; with a bucket: unreadable', () => {
    fc.assert(
      fc.property(bucket, zonal, control, (b, z, c) => {
        expect(readS3Host(`${b}.${z}`)).toEqual({ style: 'virtual', bucket: b });
        expect(readS3Host(z)).toEqual({ style: 'unreadable' });
        expect(readS3Host(c)).toEqual({ style: 'path' });
        expect(readS3Host(`${b}.${c}`)).toEqual({ style: 'unreadable' });
      }),
      { numRuns: 1000 },
    );
  });
});
