// The egress proxy forwards AWS requests byte for byte where they read exactly as decided (review
// of 757abe2): SigV4 signs the payload hash, the query string and the content type, so a rewrite
// that keeps the meaning still breaks the call. S3 object bodies are data: never decoded, never
// rewritten. A signed request the proxy would have to rewrite is refused (BG718).
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { extractForwarding } from '../../src/extract/index.js';
import type { ForwardExtraction, HttpRequest } from '../../src/extract/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const catalog = catalogOfIr(ir);
const sig = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/${service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'a'.repeat(64)}`;
const forward = (request: HttpRequest): ForwardExtraction => extractForwarding(request, catalog, { time: TIME });
const bytesOf = (x: ForwardExtraction): Buffer => Buffer.from(x.forward!.body);

describe('s3 object bodies are forwarded byte for byte under their own content type', () => {
  const headers = { host: 'acme-staging-assets.s3.us-east-1.amazonaws.com', 'x-amz-date': '20261130T190000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', authorization: sig('s3') };
  test.each([
    ['binary (not utf-8)', 'image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe])],
    ['pretty json with a big number', 'application/json', Buffer.from('{\n  "a": 1.0,\n  "big": 12345678901234567891\n}\n')],
    ['html without a charset', 'text/html', Buffer.from('<h1>hi</h1>')],
    ['a form-typed body', 'application/x-www-form-urlencoded', Buffer.from('a=b c&x=%7E')],
    ['xml with another charset', 'text/xml; charset=iso-8859-1', Buffer.from([0x3c, 0x61, 0x3e, 0xe9, 0x3c, 0x2f, 0x61, 0x3e])],
  ])('PutObject %s', (_name, type, body) => {
    const x = forward({ method: 'PUT', url: '/obj', headers: { ...headers, 'content-type': type }, body });
    expect(x.operations.map((o) => o.operation ?? o.error?.code)).toEqual(['PutObject']);
    expect(x.forward!.headers['content-type']).toBe(type);
    expect(bytesOf(x).equals(Buffer.from(body))).toBe(true);
    expect(x.forward!.headers['content-length']).toBe(String(body.byteLength));
  });

  test('a gzip-encoded object keeps its bytes and its Content-Encoding (S3 stores it as metadata)', () => {
    const body = gzipSync('hello');
    const x = forward({ method: 'PUT', url: '/hello.txt.gz', headers: { ...headers, 'content-type': 'text/plain', 'content-encoding': 'gzip' }, body });
    expect(x.operations.map((o) => o.operation)).toEqual(['PutObject']);
    expect(bytesOf(x).equals(body)).toBe(true);
    expect(x.forward!.headers['content-encoding']).toBe('gzip');
  });

  test('a query string of %XX escapes goes as sent', () => {
    const x = forward({ method: 'GET', url: '/?list-type=2&prefix=my%20dir%2Fsub&delimiter=%2F', headers });
    expect(x.operations.map((o) => o.operation)).toEqual(['ListObjectsV2']);
    expect(x.forward!.path).toBe('/?list-type=2&prefix=my%20dir%2Fsub&delimiter=%2F');
  });

  test('a signed query string that reads two ways (`+`) and that the rewrite would change is refused (BG718)', () => {
    const x = forward({ method: 'GET', url: '/?list-type=2&prefix=a+b%2a', headers });
    expect(x.forward).toBeNull();
    expect(x.operations.map((o) => o.error?.code)).toEqual(['BG718']);
  });
});

describe('aws query and json requests are forwarded as signed when they read as decided', () => {
  const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, null, 1)).replace(/\*/g, '%2A');
  const iam = { host: 'iam.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-amz-date': '20261130T190000Z', authorization: sig('iam') };

  test('an IAM query POST (botocore form: %20, %2A, charset) keeps its bytes and content type', () => {
    const body = `Action=CreatePolicy&Version=2010-05-08&PolicyName=p&PolicyDocument=${doc}`;
    const x = forward({ method: 'POST', url: '/', headers: iam, body });
    expect(x.operations.map((o) => o.operation ?? o.error?.code)).toEqual(['CreatePolicy']);
    expect(bytesOf(x).toString()).toBe(body);
    expect(x.forward!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
  });

  test('a signed form body with `+` and `%2A` (botocore\'s quote_plus) keeps its bytes: `+` is a space in a form body on every parser', () => {
    const body = 'Action=CreatePolicy&Version=2010-05-08&PolicyName=a+b%2A&PolicyDocument=%7B%7D';
    const x = forward({ method: 'POST', url: '/', headers: iam, body });
    expect(x.operations.map((o) => o.operation ?? o.error?.code)).toEqual(['CreatePolicy']);
    expect(bytesOf(x).toString()).toBe(body);
  });

  test('a signed form body the rewrite would change (an escape that is not UTF-8) is refused (BG718)', () => {
    const body = 'Action=CreatePolicy&Version=2010-05-08&PolicyName=a%FF&PolicyDocument=%7B%7D';
    expect(forward({ method: 'POST', url: '/', headers: iam, body }).operations.map((o) => o.error?.code)).toEqual(['BG718']);
  });

  test('an ECS json POST keeps `application/x-amz-json-1.1` as sent, with or without a body', () => {
    const ecs = { host: 'ecs.us-east-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', 'x-amz-date': '20261130T190000Z', authorization: sig('ecs') };
    for (const body of ['{}', '', '{\n  "maxResults": 10.0,\n  "nextToken": "b\\u00fcch"\n}']) {
      const x = forward({ method: 'POST', url: '/', headers: ecs, body });
      expect(x.operations.map((o) => o.operation ?? o.error?.code), body).toEqual(['ListClusters']);
      expect(x.forward!.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(bytesOf(x).toString()).toBe(body);
    }
    // Members whose order JSON.parse changes (integer-like keys) are written back in their own
    // order (issue 11), so the body goes as sent.
    for (const body of ['{"2":"a","1":"b"}', '{"b":1,"10":2}', '{ "m": { "3": {"S": "x"}, "1": {"N": "1.0"} } }']) {
      const x = forward({ method: 'POST', url: '/', headers: ecs, body });
      expect(x.operations.map((o) => o.operation ?? o.error?.code), body).toEqual(['ListClusters']);
      expect(bytesOf(x).toString()).toBe(body);
    }
    // A repeated member is refused as before, integer-like or not.
    expect(forward({ method: 'POST', url: '/', headers: ecs, body: '{"2":"a","1":"b","2":"c"}' }).operations.map((o) => o.error?.code)).toEqual(['BG406']);
  });

  test('an EC2 GET query keeps its %20 escapes', () => {
    const url = '/?Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=my%20box';
    const x = forward({ method: 'GET', url, headers: { host: 'ec2.us-east-1.amazonaws.com', 'x-amz-date': '20261130T190000Z', authorization: sig('ec2') } });
    expect(x.operations.map((o) => o.operation)).toEqual(['DescribeInstances']);
    expect(x.forward!.path).toBe(url);
  });
});

describe('requests that are not aws-signed keep the canonical rewrite', () => {
  test('a GitHub REST JSON body is re-serialized', () => {
    const x = forward({ method: 'PATCH', url: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer x', 'content-type': 'application/json' }, body: '{\n  "description": "x"\n}' });
    expect(bytesOf(x).toString()).toBe('{"description":"x"}');
  });

  test('a JSON body is re-serialized with its members in written order, integer-like names included', () => {
    const x = forward({ method: 'PATCH', url: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer x', 'content-type': 'application/json' }, body: '{ "description": "x", "10": 2, "1": {"b": 1, "0": [1.0]} }' });
    expect(bytesOf(x).toString()).toBe('{"description":"x","10":2,"1":{"b":1,"0":[1]}}');
  });
});

describe('gzip bodies of aws-signed requests are forwarded compressed, as signed (issue 11)', () => {
  const iam = { host: 'iam.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-encoding': 'gzip', 'x-amz-date': '20261130T190000Z', authorization: sig('iam') };
  const form = 'Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdivision%20abc%2F';

  test('decided on the inflated form, forwarded as the compressed bytes under the caller\'s `Content-Encoding`', () => {
    const body = gzipSync(form);
    const x = forward({ method: 'POST', url: '/', headers: iam, body });
    expect(x.operations.map((o) => o.operation ?? o.error?.code)).toEqual(['ListUsers']);
    expect(bytesOf(x).equals(body)).toBe(true);
    expect(x.forward!.headers['content-encoding']).toBe('gzip');
    expect(x.forward!.headers['content-length']).toBe(String(body.byteLength));
  });

  test('a gzip member with a file name and extra field (RFC 1952 FNAME, FEXTRA) is one member too', () => {
    const plain = gzipSync(form);
    // FLG = FEXTRA | FNAME, a 2-byte extra field, then the name `f\0`, then the same deflate stream and trailer.
    const body = Buffer.concat([plain.subarray(0, 3), Buffer.from([0x0c]), plain.subarray(4, 10), Buffer.from([2, 0, 0x41, 0x42]), Buffer.from('f\0'), plain.subarray(10)]);
    const x = forward({ method: 'POST', url: '/', headers: iam, body });
    expect(x.operations.map((o) => o.operation ?? o.error?.code)).toEqual(['ListUsers']);
    expect(bytesOf(x).equals(body)).toBe(true);
  });

  test.each([
    ['two members', Buffer.concat([gzipSync(form.slice(0, 20)), gzipSync(form.slice(20))])],
    ['trailing zero bytes', Buffer.concat([gzipSync(form), Buffer.alloc(3)])],
  ])('%s: refused (BG718), never forwarded', (_name, body) => {
    const x = forward({ method: 'POST', url: '/', headers: iam, body });
    expect(x.forward).toBeNull();
    expect(x.operations.map((o) => o.error?.code)).toEqual(['BG718']);
  });

  test('a signed form the proxy would rewrite (an escape that is not UTF-8) is refused, gzip or not (BG718)', () => {
    const x = forward({ method: 'POST', url: '/', headers: iam, body: gzipSync('Action=ListUsers&Version=2010-05-08&PathPrefix=a%FF') });
    expect(x.operations.map((o) => o.error?.code)).toEqual(['BG718']);
  });

  test('an unsigned gzip body is forwarded inflated, as decided (the proxy reads one member or several alike)', () => {
    const body = Buffer.concat([gzipSync(form.slice(0, 20)), gzipSync(form.slice(20))]);
    const { authorization: _signed, ...unsigned } = iam;
    const x = forward({ method: 'POST', url: '/', headers: { ...unsigned, authorization: 'Bearer x' }, body });
    expect(x.operations.map((o) => o.operation ?? o.error?.code)).toEqual(['ListUsers']);
    expect(bytesOf(x).toString()).toBe(form);
    expect(x.forward!.headers['content-encoding']).toBeUndefined();
  });
});
