import { describe, expect, test } from 'vitest';
import { one, refused, run } from './aws-helpers.js';

describe('s3', () => {
  test('virtual-hosted and path-style requests name the same bucket and key', () => {
    const virtual = one({ method: 'DELETE', url: 'https://acme-prod-assets.s3.us-east-1.amazonaws.com/reports/2025/q2.csv' });
    const path = one({ method: 'DELETE', url: 'https://s3.us-east-1.amazonaws.com/acme-prod-assets/reports/2025/q2.csv' });
    for (const out of [virtual, path]) {
      expect(out.operation).toBe('DeleteObject');
      expect(out.input.resource).toEqual({ kind: 'bucket', id: 'acme-prod-assets', environment: 'production' });
    }
  });

  test('method, key and subresource select the operation', () => {
    const name = (method: string, url: string, headers: Record<string, string> = {}): string | null => one({ method, url, headers }).operation;
    const host = 'https://acme-staging-assets.s3.us-east-1.amazonaws.com';
    expect(name('DELETE', `${host}/`)).toBe('DeleteBucket');
    expect(one({ method: 'POST', url: `${host}/?delete`, headers: { 'content-type': 'application/xml' }, body: '<Delete><Object><Key>a</Key></Object></Delete>' }).operation).toBe('DeleteObjects');
    expect(name('GET', `${host}/?list-type=2&prefix=a`)).toBe('ListObjectsV2');
    expect(name('GET', 'https://s3.us-east-1.amazonaws.com/')).toBe('ListBuckets');
    // A copy is decided with a read of its source next to it (s3-copy.test.ts).
    expect(run({ method: 'PUT', url: `${host}/k`, headers: { 'x-amz-copy-source': '/other/k' } }).map((o) => o.operation)).toEqual(['CopyObject', 'GetObject']);
    expect(name('DELETE', `${host}/k?uploadId=abc`)).toBe('AbortMultipartUpload');
    expect(name('DELETE', `${host}/?policy`)).toBe('DeleteBucketPolicy');
  });

  test('subresources that read two ways are refused', () => {
    const host = 'https://acme-staging-assets.s3.us-east-1.amazonaws.com';
    expect(refused({ method: 'POST', url: `${host}/?delete&acl` })).toBe('BG417');
    expect(refused({ method: 'POST', url: `${host}/?delete&delete` })).toBe('BG417');
    expect(refused({ method: 'DELETE', url: `${host}/k?versionId=a&versionId=b` })).toBe('BG417');
    expect(refused({ method: 'PATCH', url: `${host}/k` })).toBe('BG402');
    expect(refused({ method: 'DELETE', url: 'https://unlisted-bucket.s3.us-east-1.amazonaws.com/k' })).toBe('BG401');
  });
  test('every s3 subresource names its own operation (review: unknown ones were decided as the bare method)', () => {
    const name = (method: string, url: string, headers: Record<string, string> = {}): string | null => one({ method, url, headers }).operation;
    const host = 'https://acme-staging-assets.s3.us-east-1.amazonaws.com';
    expect(name('PUT', `${host}/?object-lock`)).toBe('PutObjectLockConfiguration');
    expect(name('PUT', `${host}/?ownershipControls`)).toBe('PutBucketOwnershipControls');
    expect(name('PUT', `${host}/?notification`)).toBe('PutBucketNotificationConfiguration');
    expect(name('PUT', `${host}/?logging`)).toBe('PutBucketLogging');
    expect(name('DELETE', `${host}/?metrics&id=x`)).toBe('DeleteBucketMetricsConfiguration');
    expect(name('GET', `${host}/?metrics&id=x`)).toBe('GetBucketMetricsConfiguration');
    expect(name('GET', `${host}/?inventory`)).toBe('ListBucketInventoryConfigurations');
    expect(name('GET', `${host}/k?attributes`)).toBe('GetObjectAttributes');
    expect(name('POST', `${host}/k?select&select-type=2`)).toBe('SelectObjectContent');
    expect(run({ method: 'PUT', url: `${host}/k?partNumber=2&uploadId=u`, headers: { 'x-amz-copy-source': '/other/k' } }).map((o) => o.operation)).toEqual(['UploadPartCopy', 'GetObject']);
    // Ordinary parameters leave the bare method's operation.
    expect(name('PUT', `${host}/k?x-id=PutObject`)).toBe('PutObject');
    expect(name('GET', `${host}/k?versionId=v&response-content-type=text/plain&partNumber=1`)).toBe('GetObject');
    expect(name('GET', `${host}/?list-type=2&prefix=a&delimiter=/&max-keys=5&continuation-token=t&start-after=s&fetch-owner=true&encoding-type=url`)).toBe('ListObjectsV2');
    // A presigned url carries its credential alone (with a signed header too, two credentials conflict).
    expect(name('GET', `${host}/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=c&X-Amz-Date=d&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=s`, { Authorization: '' })).toBe('GetObject');
  });

  test('a query parameter that is neither a known subresource nor an s3 request parameter is refused', () => {
    const host = 'https://acme-prod-assets.s3.us-east-1.amazonaws.com';
    for (const url of [
      `${host}/?metadataTable`, `${host}/?newSubresource`, `${host}/?Policy`, `${host}/k?Attributes`, `${host}/?id=x`,
      `${host}/k?select-type=2`, `${host}/k?x-amz-copy-source=/other/k`, `${host}/?analytics&select-type=2`,
    ]) {
      expect(refused({ method: 'PUT', url }), url).toBe('BG402');
    }
    expect(refused({ method: 'DELETE', url: `${host}/?object-lock` })).toBe('BG402');
  });
});


describe('s3 DeleteObjects: every key the body names is decided as its own operation (issue 11)', () => {
  const url = 'https://acme-staging-assets.s3.us-east-1.amazonaws.com/?delete';
  const xml = (objects: string, head = '<?xml version="1.0" encoding="UTF-8"?>\n', root = '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'): string => `${head}${root}${objects}</Delete>`;
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) => run({ method: 'POST', url, headers: { 'content-type': 'application/xml', ...headers }, body });
  const codes = (body: string | Uint8Array, headers: Record<string, string> = {}): (string | undefined)[] => post(body, headers).map((o) => o.error?.code);

  test('the keys an SDK writes, escapes and versions included, each with the bucket as resource', () => {
    const body = xml('<Object><Key>logs/a b.txt</Key></Object><Object><Key>x&amp;y&#x0A;&lt;z&gt;</Key><VersionId>3HL4kqtJlcpXroDTDmJ</VersionId></Object><Quiet>true</Quiet>');
    const out = post(body);
    expect(out.map((o) => o.operation)).toEqual(['DeleteObjects', 'DeleteObjects']);
    for (const o of out) expect(o.input.resource).toEqual({ kind: 'bucket', id: 'acme-staging-assets', environment: 'staging' });
    // The example policy reads `Key` (aws-s3-safety/terraform-state-is-kept), so each input carries its own.
    expect(out.map((o) => (o.input.arguments as { Key?: unknown } | undefined)?.Key)).toEqual(['logs/a b.txt', 'x&y\n<z>']);
  });

  test('pretty-printed, without a declaration or a namespace, and self-closing members read alike', () => {
    const body = '<Delete>\n  <Object>\n    <Key>a</Key>\n    <ETag>&quot;e&quot;</ETag>\n  </Object >\n</Delete>\n';
    expect(post(body).map((o) => o.operation)).toEqual(['DeleteObjects']);
  });

  test.each([
    ['a document type declaration', `<?xml version="1.0"?><!DOCTYPE Delete [<!ENTITY k "prod">]>${xml('<Object><Key>&k;</Key></Object>', '')}`],
    ['an undeclared entity', xml('<Object><Key>&k;</Key></Object>')],
    ['a comment in a key', xml('<Object><Key>a<!-- x --></Key></Object>')],
    ['a cdata section', xml('<Object><Key><![CDATA[a]]></Key></Object>')],
    ['a processing instruction', xml('<?pi x?><Object><Key>a</Key></Object>')],
    ['another namespace', xml('<Object><Key>a</Key></Object>', '', '<Delete xmlns="http://example.com/">')],
    ['a namespace prefix', '<s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:Object><s3:Key>a</s3:Key></s3:Object></s3:Delete>'],
    ['an attribute on a member', xml('<Object><Key id="1">a</Key></Object>')],
    ['two keys in one object', xml('<Object><Key>a</Key><Key>b</Key></Object>')],
    ['Quiet twice', xml('<Object><Key>a</Key></Object><Quiet>true</Quiet><Quiet>false</Quiet>')],
    ['an element s3 does not define', xml('<Object><Key>a</Key><Prefix>b</Prefix></Object>')],
    ['an object without a key', xml('<Object><VersionId>a</VersionId></Object>')],
    ['an element inside a key', xml('<Object><Key>a<b/></Key></Object>')],
    ['no object', xml('')],
    ['a carriage return', xml('<Object><Key>a\rb</Key></Object>')],
    ['a control character', xml('<Object><Key>a&#0;</Key></Object>')],
    ['text next to elements', xml('x<Object><Key>a</Key></Object>')],
    ['a mismatched end tag', '<Delete><Object><Key>a</Object></Key></Delete>'],
    ['content after the root', `${xml('<Object><Key>a</Key></Object>')}<Delete/>`],
    ['a byte-order mark', `\ufeff${xml('<Object><Key>a</Key></Object>')}`],
    ['more than 1,000 objects', xml('<Object><Key>a</Key></Object>'.repeat(1001))],
  ])('%s is refused (BG437)', (_name, body) => {
    expect(codes(body)).toEqual(['BG437']);
  });

  test('1,000 objects, S3\'s limit, are 1,000 operations', () => {
    expect(post(xml('<Object><Key>a</Key></Object>'.repeat(1000)))).toHaveLength(1000);
  });

  test('a body that is not utf-8, or compressed, is refused', () => {
    expect(codes(new Uint8Array([0x3c, 0xff, 0x3e]))).toEqual(['BG437']);
    expect(codes(xml('<Object><Key>a</Key></Object>'), { 'content-encoding': 'gzip' })).toEqual(['BG404']);
  });
});
