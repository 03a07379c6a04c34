import { describe, expect, test } from 'vitest';
import { one, refused } from './aws-helpers.js';

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
    expect(name('POST', `${host}/?delete`)).toBe('DeleteObjects');
    expect(name('GET', `${host}/?list-type=2&prefix=a`)).toBe('ListObjectsV2');
    expect(name('GET', 'https://s3.us-east-1.amazonaws.com/')).toBe('ListBuckets');
    expect(name('PUT', `${host}/k`, { 'x-amz-copy-source': '/other/k' })).toBe('CopyObject');
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
    expect(name('PUT', `${host}/k?partNumber=2&uploadId=u`, { 'x-amz-copy-source': '/other/k' })).toBe('UploadPartCopy');
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

