// The S3 bucket the proxy decides must be the bucket the upstream reads (review finding: the
// bucket was decided from the client's virtual-hosted `Host` and executed from the path under the
// upstream's). Reference model: a path-or-virtual-hosted S3 server (like MinIO, LocalStack or
// s3.<region>.amazonaws.com) reading the forwarded target under the forwarded host. For random
// client hosts, upstream hosts and paths, a request the proxy would forward is decided as
// exactly the operation, on the bucket, that server executes; the others are refused before any decision.
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { extractForwarding } from '../../src/extract/index.js';
import { s3BucketOfHost } from '../../src/extract/protocols/s3-host.js';
import type { Ir, IrApi } from '../../src/ir/types.js';
import { decidedHost } from '../../src/proxy/decided-host.js';
import { exampleIr } from '../compile/support.js';

let ir: Ir;
let api: IrApi;
beforeAll(async () => {
  ir = await exampleIr();
  api = ir.apis.find((a) => a.name === 'aws-s3')!;
});

/** The operation a path-or-virtual-hosted S3 server runs for a query-less request, by scope and method. */
const RUNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  service: { GET: 'ListBuckets' },
  bucket: { GET: 'ListObjects', HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket' },
  object: { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' },
};

/** What that server executes: the bucket from its host name, else the first path segment; the key is the rest. */
function upstreamRuns(hostname: string, method: string, target: string): { operation: string | undefined; bucket: string } {
  const segments = new URL(target, 'http://x').pathname.split('/').slice(1).map(decodeURIComponent);
  const virtual = s3BucketOfHost(hostname);
  const bucket = virtual ?? segments.shift() ?? '';
  const key = segments.join('/');
  return { operation: RUNS[bucket === '' ? 'service' : key === '' ? 'bucket' : 'object']![method], bucket };
}

const BUCKETS = ['acme-staging-assets', 'acme-prod-assets', 'other-bucket'];
const clientHost = fc.constantFrom(
  's3.us-east-1.amazonaws.com',
  'acme-staging-assets.s3.us-east-1.amazonaws.com',
  'acme-prod-assets.s3.us-east-1.amazonaws.com',
  'other-bucket.s3.us-east-1.amazonaws.com',
  '127.0.0.1',
  'proxy.internal',
  '',
);
const upstreamHost = fc.constantFrom('127.0.0.1', 'localhost', 's3.us-east-1.amazonaws.com', 'acme-staging-assets.s3.us-east-1.amazonaws.com', 'acme-prod-assets.s3.us-east-1.amazonaws.com', 'minio.internal');
const path = fc
  .tuple(fc.option(fc.constantFrom(...BUCKETS), { nil: undefined }), fc.array(fc.constantFrom('reports', '2026.csv', 'acme-prod-assets', 'a b'), { maxLength: 3 }))
  .map(([bucket, key]) => `/${[...(bucket === undefined ? [] : [bucket]), ...key.map(encodeURIComponent)].join('/')}`);
const method = fc.constantFrom('GET', 'DELETE', 'PUT', 'HEAD');

test('a forwarded s3 request is decided for the bucket and key the upstream executes', () => {
  let forwarded = 0;
  let declared = 0;
  fc.assert(
    fc.property(clientHost, upstreamHost, path, method, (named, upstream, target, verb) => {
      const host = decidedHost(api, named, upstream);
      if ('problem' in host) {
        // Refused only where the client's listed host, or every listed host, reads otherwise.
        const listed = api.hosts.includes(named);
        expect(listed ? s3BucketOfHost(named) !== s3BucketOfHost(upstream) : api.hosts.every((h) => s3BucketOfHost(h) !== s3BucketOfHost(upstream))).toBe(true);
        return;
      }
      const extraction = extractForwarding(
        { method: verb, url: target, headers: { host: host.host, authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=aa' }, body: verb === 'PUT' ? 'x' : '' },
        ir,
        { time: '2026-11-30T22:00:00Z' },
      );
      if (extraction.forward === null) return;
      forwarded++;
      const [op] = extraction.operations;
      const executed = upstreamRuns(upstream, verb, extraction.forward.path);
      expect(op?.input.operation?.name).toBe(executed.operation);
      // Declared operations name their bucket as the resource: the one the upstream acts on.
      if (op?.input.resource?.id != null) {
        declared++;
        expect(op.input.resource.id).toBe(executed.bucket);
      }
    }),
    { numRuns: 600 },
  );
  // The property must not hold vacuously.
  expect(forwarded).toBeGreaterThan(100);
  expect(declared).toBeGreaterThan(50);
});
