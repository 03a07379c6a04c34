// Review bypass2 #3: S3 CopyObject / UploadPartCopy read the object named by `x-amz-copy-source`,
// which was never decided (nor in the arguments) and was forwarded as the caller sent it: a
// production object could be copied where the caller reads it, and a protected key overwritten.
import { describe, expect, test } from 'vitest';
import { extractForwarding } from '../../src/extract/index.js';
import type { ForwardExtraction, HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import { readCopySource, writeCopySource } from '../../src/extract/protocols/s3-copy-source.js';
import { SIGV4, inventory, refused, run } from './aws-helpers.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const STAGING = 'https://acme-staging-assets.s3.us-east-1.amazonaws.com';
const copy = (source: string | string[], path = '/copied.env', extra: Record<string, string> = {}): HttpRequest => ({
  method: 'PUT',
  url: `${STAGING}${path}`,
  headers: { 'x-amz-copy-source': source as string, ...extra },
});
const forward = (request: HttpRequest): ForwardExtraction => extractForwarding(request, catalogOfIr(ir), { time: TIME, inventory });

describe('s3 copy source', () => {
  test('a copy is decided with a read of its source: bucket, key and version as arguments', () => {
    const out = run(copy('/acme-prod-assets/secrets%20v2.env?versionId=3HL4kqtJ'));
    expect(out.map((o) => o.operation)).toEqual(['CopyObject', 'GetObject']);
    const [write, read] = out;
    expect(write?.input.resource).toEqual({ kind: 'bucket', id: 'acme-staging-assets', environment: 'staging' });
    expect(read?.input.resource).toEqual({ kind: 'bucket', id: 'acme-prod-assets', environment: 'production' });
    expect(read?.input.operation).toEqual({ name: 'GetObject', type: 'request' });
    const source = readCopySource(new Map([['x-amz-copy-source', ['acme-prod-assets/secrets%20v2.env?versionId=3HL4kqtJ']]]));
    expect(source).toEqual({ bucket: 'acme-prod-assets', key: 'secrets v2.env', versionId: '3HL4kqtJ', slash: false });
  });

  test('overwriting the terraform state by a copy or a put is denied like deleting it', () => {
    for (const request of [copy('/acme-staging-assets/empty', '/terraform.tfstate'), { method: 'PUT', url: `${STAGING}/terraform.tfstate`, body: '' }]) {
      const [first] = run(request);
      expect(evaluate(ir, first!.input).rule).toBe('aws-s3-safety/terraform-state-is-kept');
    }
  });

  test.each([
    ['an access point arn', 'arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/k'],
    ['an encoded arn', '/arn%3Aaws%3As3%3Aus-west-2%3A1%3Aaccesspoint/ap/object/k'],
    ['an outposts arn', 'arn:aws:s3-outposts:us-west-2:1:outpost/op-1/accesspoint/ap/object/k'],
    ['no key', '/acme-prod-assets/'],
    ['no bucket', '//acme-prod-assets/k'],
    ['only a bucket', 'acme-prod-assets'],
    ['another query member', '/acme-prod-assets/k?versionId=1&partNumber=2'],
    ['a query other than versionId', '/acme-prod-assets/k?x=1'],
    ['two `?`', '/acme-prod-assets/k?versionId=1?versionId=2'],
    ['an invalid escape', '/acme-prod-assets/k%zz'],
    ['a raw `+`', '/acme-prod-assets/a+b'],
    ['a raw space', '/acme-prod-assets/a b'],
    ['an encoded `?` in the key', '/acme-prod-assets/k%3FversionId=1'],
    ['an encoded `/` in the bucket', '/acme-prod%2Fassets/k'],
  ])('%s is refused (BG451)', (_name, source) => {
    expect(refused(copy(source))).toBe('BG451');
  });

  test('the header sent twice, or with an operation that copies nothing, is refused (BG451)', () => {
    expect(refused(copy(['/acme-prod-assets/a', '/acme-staging-assets/b']))).toBe('BG451');
    expect(refused({ method: 'GET', url: `${STAGING}/k`, headers: { 'x-amz-copy-source': '/acme-prod-assets/a' } })).toBe('BG451');
    expect(refused({ method: 'DELETE', url: `${STAGING}/k`, headers: { 'x-amz-copy-source': '/acme-prod-assets/a' } })).toBe('BG451');
  });

  test('the proxy forwards the copy source written back from what was decided', () => {
    const x = forward(copy('/acme-prod-assets/dir%2Fa%7Eb!(1).env'));
    expect(x.operations.map((o) => o.operation)).toEqual(['CopyObject', 'GetObject']);
    expect(x.forward?.headers['x-amz-copy-source']).toBe('/acme-prod-assets/dir/a~b%21%281%29.env');
    expect(writeCopySource({ bucket: 'b', key: 'k é?', versionId: 'v/1', slash: false })).toBe('b/k%20%C3%A9%3F?versionId=v%2F1');
    // A signed request keeps its bytes (a rewrite breaks the signature): the reader accepted them as exactly what was decided.
    const signed = forward({ ...copy('/acme-prod-assets/dir%2Fa%7Eb!(1).env'), headers: { 'x-amz-copy-source': '/acme-prod-assets/dir%2Fa%7Eb!(1).env', authorization: SIGV4 } });
    expect(signed.forward?.headers['x-amz-copy-source']).toBe('/acme-prod-assets/dir%2Fa%7Eb!(1).env');
  });
});
