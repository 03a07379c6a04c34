// SigV4-signed AWS calls through the proxy reach a loopback upstream that checks the signature as
// an AWS endpoint does (test/helpers/sigv4.ts): the proxy decides on what it read and forwards
// bytes the signature still covers, or refuses the call before anything is sent (BG718).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOf } from '../../src/extract/index.js';
import { authorization } from '../helpers/sigv4.js';
import { signed, signingUpstream, type SignedRequest } from './aws-upstream.js';
import { startProxy, type Harness } from './support.js';
import { send, type Sent } from './send.js';

describe('the sigv4 helper', () => {
  // AWS General Reference, "Signature Version 4 signing process" examples (IAM ListUsers) and the
  // SigV4 test suite's `get-vanilla`, both with the documentation's example key.
  it('reproduces the signatures AWS publishes', () => {
    const iam = authorization({
      method: 'GET',
      target: '/?Action=ListUsers&Version=2010-05-08',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      body: '',
      region: 'us-east-1',
      service: 'iam',
    });
    expect(iam).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    const vanilla = authorization({ method: 'GET', target: '/', headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' }, body: '', region: 'us-east-1', service: 'service' });
    expect(vanilla).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });
});

const errorCode = (res: Sent): string | undefined => (res.json() as { error_code?: string }).error_code;

describe('signed aws requests through the proxy still verify upstream', () => {
  const upstream = signingUpstream();
  let harness: Harness;
  let host = '';
  beforeAll(async () => {
    const url = await upstream.start();
    host = new URL(url).host;
    harness = await startProxy(
      [
        { api: 'aws-s3', url },
        { api: 'aws-iam', url },
        { api: 'aws-ecs', url },
      ],
      { inventories: new Map([['aws-s3', inventoryOf([{ id: 'acme-staging-assets', kind: 'bucket', environment: 'staging' }])]]) },
    );
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await upstream.close();
  });

  const through = async (request: SignedRequest): Promise<Sent> => {
    upstream.seen.length = 0;
    harness.decided.length = 0;
    return send(harness.proxy.url, signed(request, host));
  };

  it('a plain query POST verifies (the control)', async () => {
    const res = await through({ service: 'iam', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'Action=ListUsers&Version=2010-05-08' });
    expect(res.status, res.text).toBe(200);
    expect(upstream.seen.map((s) => s.verified)).toEqual([true]);
  });

  it('an aws json body keyed by numbers (a DynamoDB-style map) goes as signed: members keep their order', async () => {
    const body = '{"cluster":"staging-cluster","Item":{"b":{"S":"x"},"10":{"N":"2"},"2":{"N":"1.0"}}}';
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeServices' };
    const res = await through({ service: 'ecs', headers, body });
    expect(res.status, res.text).toBe(200);
    expect(upstream.seen.map((s) => [s.verified, s.body.toString()])).toEqual([[true, body]]);
  });

  describe('gzip-compressed bodies (the `requestCompression` trait: signed over the compressed bytes)', () => {
    // What an SDK's compression middleware sends: the form or JSON text gzipped by zlib with its
    // defaults, `Content-Encoding: gzip` added and signed with the rest.
    const form = `Action=ListUsers&Version=2010-05-08&PathPrefix=%2F${'metrics%2F'.repeat(2000)}`;
    const json = JSON.stringify({ maxResults: 10, nextToken: 'x'.repeat(12_000) });
    const iam = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-encoding': 'gzip' };
    const ecs = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', 'content-encoding': 'gzip' };

    it.each([
      ['an aws query form', 'iam', iam, form, 'ListUsers'],
      ['an aws json body', 'ecs', ecs, json, 'ListClusters'],
    ] as const)('%s is decided on the inflated text and forwarded compressed, as signed', async (_name, service, headers, text, operation) => {
      const body = gzipSync(text);
      const res = await through({ service, headers, body });
      expect(res.status, res.text).toBe(200);
      expect(harness.decided.map((d) => (d.input['operation'] as { name: string }).name)).toEqual([operation]);
      expect(upstream.seen).toHaveLength(1);
      const [seen] = upstream.seen;
      expect(seen!.verified).toBe(true);
      expect(seen!.headers['content-encoding']).toBe('gzip');
      expect(seen!.body.equals(body)).toBe(true);
    });

    it.each([
      ['two gzip members', Buffer.concat([gzipSync(form.slice(0, 100)), gzipSync(form.slice(100))]), 'BG718'],
      ['bytes after the gzip member', Buffer.concat([gzipSync(form), Buffer.alloc(4)]), 'BG718'],
      // zlib refuses it before the proxy looks at members: unreadable, as it is to some servers.
      ['a reserved gzip flag', ((b: Buffer) => Buffer.concat([b.subarray(0, 3), Buffer.from([0x20]), b.subarray(4)]))(gzipSync(form)), 'BG406'],
    ])('%s: inflated differently by different servers, refused and never sent', async (_name, body, code) => {
      const res = await through({ service: 'iam', headers: iam, body });
      expect(res.status, res.text).toBe(403);
      expect(errorCode(res)).toBe(code);
      expect(upstream.seen).toEqual([]);
    });

    it('a gzip body whose inflated text is not what the proxy forwards (a byte-order mark) is refused (BG718)', async () => {
      const res = await through({ service: 'ecs', headers: ecs, body: gzipSync(`\ufeff${json}`) });
      expect(res.status, res.text).toBe(403);
      expect(errorCode(res)).toBe('BG718');
      expect(upstream.seen).toEqual([]);
    });

    it('a `Content-Encoding` list is refused (BG718): the signature covers the header as sent', async () => {
      const res = await through({ service: 'iam', headers: { ...iam, 'content-encoding': 'identity, gzip' }, body: gzipSync(form) });
      expect(res.status, res.text).toBe(403);
      expect(errorCode(res)).toBe('BG718');
      expect(upstream.seen).toEqual([]);
    });
  });

  describe('s3 DeleteObjects: each key decided on its own', () => {
    // As the AWS SDK for JavaScript v3 writes the body: declaration, S3's namespace, keys escaped.
    const body = (keys: string[]): string =>
      `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}<Quiet>true</Quiet></Delete>`;
    const headers = (text: string): Record<string, string> => ({
      'content-type': 'application/xml',
      'content-md5': createHash('md5').update(text).digest('base64'),
      'x-amz-content-sha256': createHash('sha256').update(text).digest('hex'),
      baggage: 'originator=user%3Aops',
    });

    it('a named person\'s staging delete of two keys is decided twice and reaches s3 as signed', async () => {
      const text = body(['logs/2026/a.txt', 'logs/2026/b&amp;c.txt']);
      const res = await through({ service: 's3', target: '/acme-staging-assets?delete', headers: headers(text), body: text });
      expect(res.status, res.text).toBe(200);
      expect(harness.decided.map((d) => [(d.input['operation'] as { name: string }).name, d.decision.mode])).toEqual([
        ['DeleteObjects', 'shadow'],
        ['DeleteObjects', 'shadow'],
      ]);
      expect(upstream.seen.map((s) => [s.verified, s.body.toString()])).toEqual([[true, text]]);
    });

    it('one key naming the Terraform state stops the whole call (aws-s3-safety/terraform-state-is-kept)', async () => {
      const text = body(['logs/2026/a.txt', 'terraform.tfstate']);
      const res = await through({ service: 's3', target: '/acme-staging-assets?delete', headers: headers(text), body: text });
      expect(res.status, res.text).toBe(403);
      expect((res.json() as { rule?: string }).rule).toBe('aws-s3-safety/terraform-state-is-kept');
      expect(upstream.seen).toEqual([]);
    });

    it('a body that reads more than one way (an entity a DTD declares) is refused (BG437), never sent', async () => {
      const text = `<?xml version="1.0"?><!DOCTYPE Delete [<!ENTITY s "terraform.tfstate">]><Delete><Object><Key>&s;</Key></Object></Delete>`;
      const res = await through({ service: 's3', target: '/acme-staging-assets?delete', headers: headers(text), body: text });
      expect(res.status, res.text).toBe(403);
      expect(errorCode(res)).toBe('BG437');
      expect(upstream.seen).toEqual([]);
    });
  });
});
