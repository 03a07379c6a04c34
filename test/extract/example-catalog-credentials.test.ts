// The example catalog reads the credentials real clients send (review of legitimate traffic, items 4, 9, 10a).
import { describe, expect, test } from 'vitest';
import { extractDecisionInputs, fingerprintOf } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { inventory } from './aws-helpers.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const GH_TOKEN = 'fake-github-developer-gh-token';
const AKID = 'AKIAIOSFODNN7EXAMPLE';

const extract = (request: HttpRequest) => {
  const out = extractDecisionInputs(request, ir, { time: TIME, inventory });
  expect(out).toHaveLength(1);
  return out[0]!;
};

describe('github-rest takes `Authorization: token …` (Octokit, gh) as it takes `Bearer …`', () => {
  const get = (authorization: string) => extract({ method: 'GET', url: 'https://api.github.com/repos/acme/blastguard-sandbox', headers: { Authorization: authorization } });

  test('both schemes carry the declared token, whose grants then apply', () => {
    const declared = ir.tokens.find((t) => t.name === 'developer-laptop-gh');
    expect(declared?.fingerprint).toBe(fingerprintOf(GH_TOKEN));
    for (const authorization of [`token ${GH_TOKEN}`, `Bearer ${GH_TOKEN}`]) {
      const out = get(authorization);
      expect(out.input.token).toEqual({ fingerprint: fingerprintOf(GH_TOKEN) });
      const decision = evaluate(ir, out.input);
      expect(decision.violations.map((v) => v.rule), authorization).toEqual([]);
      expect(decision.mode, authorization).toBe('allow');
    }
  });
});

describe('every aws api identifies a SigV4 credential by its access key id', () => {
  const sig = (service: string, date: string, signature: string) =>
    `AWS4-HMAC-SHA256 Credential=${AKID}/${date}/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;
  const requests: [api: string, service: string, request: Omit<HttpRequest, 'headers'> & { headers?: Record<string, string> }][] = [
    ['aws-ec2', 'ec2', { method: 'GET', url: 'https://ec2.us-east-1.amazonaws.com/?Action=DescribeInstances&Version=2016-11-15' }],
    ['aws-iam', 'iam', { method: 'GET', url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08' }],
    ['aws-rds', 'rds', { method: 'GET', url: 'https://rds.us-east-1.amazonaws.com/?Action=DescribeDBInstances&Version=2014-10-31' }],
    [
      'aws-ecs',
      'ecs',
      { method: 'POST', url: 'https://ecs.us-east-1.amazonaws.com/', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonEC2ContainerServiceV20141113.ListClusters' }, body: '{}' },
    ],
    ['aws-s3', 's3', { method: 'GET', url: 'https://acme-staging-assets.s3.us-east-1.amazonaws.com/?list-type=2' }],
    ['aws-route53', 'route53', { method: 'GET', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z0123456789ABCDEFGHIJ/rrset' }],
  ];

  test('the catalog declares all six aws apis with the SigV4 scheme', () => {
    const aws = ir.apis.filter((a) => a.name.startsWith('aws-')).map((a) => a.name).sort();
    expect(aws).toEqual(requests.map(([api]) => api).sort());
  });

  test.each(requests)('%s: the same key with another signature and date is the same token', (api, service, request) => {
    const a = extract({ ...request, headers: { ...request.headers, Authorization: sig(service, '20261130', 'a'.repeat(64)) } });
    const b = extract({ ...request, headers: { ...request.headers, Authorization: sig(service, '20261201', 'b'.repeat(64)) } });
    expect(a.input.api).toBe(api);
    expect(a.operation).not.toBeNull();
    expect(a.input.token).toEqual({ fingerprint: fingerprintOf(AKID) });
    expect(b.input.token).toEqual(a.input.token);
  });
});

describe('aws-s3 serves the global endpoint the AWS CLI uses in us-east-1', () => {
  const auth = { Authorization: `AWS4-HMAC-SHA256 Credential=${AKID}/20261130/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'c'.repeat(64)}` };

  test('virtual-hosted `{bucket}.s3.amazonaws.com` and path-style `s3.amazonaws.com` name the bucket', () => {
    const virtual = extract({ method: 'DELETE', url: 'https://acme-prod-assets.s3.amazonaws.com/reports/q2.csv', headers: auth });
    const path = extract({ method: 'DELETE', url: 'https://s3.amazonaws.com/acme-prod-assets/reports/q2.csv', headers: auth });
    for (const out of [virtual, path]) {
      expect(out.input.api).toBe('aws-s3');
      expect(out.operation).toBe('DeleteObject');
      expect(out.input.resource).toEqual({ kind: 'bucket', id: 'acme-prod-assets', environment: 'production' });
      expect(evaluate(ir, out.input).mode).toBe('deny');
    }
    const list = extract({ method: 'GET', url: 'https://acme-staging-assets.s3.amazonaws.com/?list-type=2', headers: auth });
    expect([list.operation, list.input.resource?.id]).toEqual(['ListObjectsV2', 'acme-staging-assets']);
    expect(evaluate(ir, list.input).mode).toBe('allow');
  });
});
