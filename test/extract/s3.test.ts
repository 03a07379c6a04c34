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
});

