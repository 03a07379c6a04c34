// Issue 11: an upstream on an S3 endpoint name the SDKs write (S3 Express zonal endpoints with
// FIPS or dual-stack, Local Zone ids, the Regional endpoint's dual-stack and FIPS names) was
// refused as a host of no known shape (BG733). The proxy now decides the call the host names and
// forwards it; an access point stays refused. Nothing leaves loopback: the upstream's AWS host
// names resolve to 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { inventoryOf } from '../../src/extract/index.js';
import { s3EndpointRig } from './s3-endpoint-rig.js';
import { send } from './send.js';

const DIR = 'acme-prod-assets--use1-az4--x-s3';
const ZONAL_DUALSTACK = `${DIR}.s3express-use1-az4.dualstack.us-east-1.amazonaws.com`;
const ZONAL_FIPS_DUALSTACK = `${DIR}.s3express-fips-use1-az4.dualstack.us-east-1.amazonaws.com`;
const LOCAL_ZONE = 'media--usw2-lax1-az1--x-s3.s3express-usw2-lax1-az1.us-west-2.amazonaws.com';
const CONTROL_DUALSTACK = 's3express-control.dualstack.us-east-1.amazonaws.com';
const CONTROL_FIPS = 's3express-control-fips.us-east-1.amazonaws.com';
const ACCESS_POINT_DUALSTACK = 'reports-123456789012.s3-accesspoint.dualstack.us-east-1.amazonaws.com';
const HOSTS = [ZONAL_DUALSTACK, ZONAL_FIPS_DUALSTACK, LOCAL_ZONE, CONTROL_DUALSTACK, CONTROL_FIPS, ACCESS_POINT_DUALSTACK];
const inventories = new Map([['aws-s3', inventoryOf([
  { id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' },
  { id: DIR, kind: 'bucket', environment: 'production' },
  { id: 'media--usw2-lax1-az1--x-s3', kind: 'bucket', environment: 'staging' },
])]]);
const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/s3express/aws4_request, SignedHeaders=x-amz-date, Signature=aaaa', 'x-amz-date': '20261130T190000Z', baggage: 'originator=user:ops' };

describe('proxy: upstreams on S3 Express dual-stack, FIPS and Local Zone endpoint names', () => {
  const { through, received, decided, summary } = s3EndpointRig(HOSTS, inventories);

  it.each([
    [ZONAL_DUALSTACK, DIR],
    [ZONAL_FIPS_DUALSTACK, DIR],
    [LOCAL_ZONE, 'media--usw2-lax1-az1--x-s3'],
  ])('zonal %s: `GET /reports/2026.csv` is decided as GetObject in the directory bucket the host names, and forwarded', async (host, bucket) => {
    const url = await through(host);
    decided.length = 0;
    received.length = 0;
    const res = await send(url, { method: 'GET', path: '/reports/2026.csv', headers: { ...signed, host } });
    expect(res.status, res.text).toBe(200);
    expect(summary()).toEqual([['GetObject', bucket]]);
    expect(received).toEqual([{ method: 'GET', url: '/reports/2026.csv' }]);
  });

  it.each([CONTROL_DUALSTACK, CONTROL_FIPS])('regional %s: path-style, the directory bucket is the first path segment', async (host) => {
    const url = await through(host);
    decided.length = 0;
    received.length = 0;
    const res = await send(url, { method: 'GET', path: `/${DIR}?list-type=2`, headers: { ...signed, host } });
    expect(res.status, res.text).toBe(200);
    expect(summary()).toEqual([['ListObjectsV2', DIR]]);
    expect(received).toEqual([{ method: 'GET', url: `/${DIR}?list-type=2` }]);
  });

  it('an access point (no bucket in its host) stays refused with BG733, nothing decided or forwarded', async () => {
    const url = await through(ACCESS_POINT_DUALSTACK);
    decided.length = 0;
    received.length = 0;
    const res = await send(url, { method: 'DELETE', path: '/acme-staging-assets', headers: { ...signed, host: ACCESS_POINT_DUALSTACK } });
    expect([res.status, (res.json() as { code?: string }).code]).toEqual([421, 'BG733']);
    expect(decided).toEqual([]);
    expect(received).toEqual([]);
  });
});
