import { describe, expect, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { ExtractedOperation, HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const SIGV4 = 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20250717/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=fake';
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const inventory = {
  resources: {
    'db-prod': { kind: 'db-instance', environment: 'production' },
    'db-staging': { kind: 'db-instance', environment: 'staging' },
    'cluster-prod': { kind: 'cluster', environment: 'production' },
    'acme-prod-assets': { kind: 'bucket', environment: 'production' },
    'acme-staging-assets': { kind: 'bucket', environment: 'staging' },
  },
};

function run(request: HttpRequest): ExtractedOperation[] {
  return extractDecisionInputs({ ...request, headers: { Authorization: SIGV4, ...request.headers } }, ir, { time: TIME, inventory });
}

function one(request: HttpRequest): ExtractedOperation {
  const out = run(request);
  expect(out).toHaveLength(1);
  return out[0]!;
}

/** The code of an unparseable request, after checking the policy denies it as `input:invalid`. */
function refused(request: HttpRequest): string | undefined {
  const only = one(request);
  expect(only.operation).toBeNull();
  const decision = evaluate(ir, only.input);
  expect([decision.mode, decision.rule]).toEqual(['deny', 'input:invalid']);
  return only.error?.code;
}

const query = (body: string, url = 'https://rds.us-east-1.amazonaws.com/', headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  url,
  headers: { 'Content-Type': FORM, ...headers },
  body,
});

describe('aws query protocol', () => {
  test('the Action of a POST form is the operation, its fields the arguments', () => {
    const out = one(query('Action=DeleteDBInstance&DBInstanceIdentifier=db-prod&SkipFinalSnapshot=true&Version=2014-10-31'));
    expect(out.operation).toBe('DeleteDBInstance');
    expect(out.input.resource).toEqual({ kind: 'db-instance', id: 'db-prod', environment: 'production' });
    expect(evaluate(ir, out.input).rule).toBe('aws-rds-safety/no-destructive-in-production');
  });

  test('a GET carries the same parameters in its query string', () => {
    const out = one({ method: 'GET', url: 'https://rds.us-east-1.amazonaws.com/?Action=DescribeDBInstances&Version=2014-10-31' });
    expect(out.operation).toBe('DescribeDBInstances');
    expect(evaluate(ir, out.input).mode).toBe('allow');
  });

  test('EC2 list parameters become an array, and a list names no single resource', () => {
    const out = one(query('Action=TerminateInstances&InstanceId.2=i-b&InstanceId.1=i-a&Version=2016-11-15', 'https://ec2.us-east-1.amazonaws.com/'));
    expect(out.operation).toBe('TerminateInstances');
    const decision = evaluate(ir, out.input);
    expect([decision.mode, decision.environment_assumed]).toEqual(['deny', true]);
  });

  test('ambiguous actions are refused (BG417)', () => {
    expect(refused(query('Action=DeleteDBInstance&Action=DescribeDBInstances&Version=2014-10-31'))).toBe('BG417');
    expect(refused(query('Action=DescribeDBInstances&Version=2014-10-31', 'https://rds.us-east-1.amazonaws.com/?Action=DeleteDBInstance'))).toBe('BG417');
    expect(refused(query('Action=DescribeDBInstances&Version=2014-10-31', 'https://rds.us-east-1.amazonaws.com/?Action=DescribeDBInstances'))).toBe('BG417');
    expect(refused(query('action=DeleteDBInstance&Action=DescribeDBInstances&Version=2014-10-31'))).toBe('BG417');
    expect(refused(query('Action=DescribeDBInstances;Action=DeleteDBInstance&Version=2014-10-31'))).toBe('BG417');
    expect(refused(query('Action=DescribeDBInstances&Version=2014-10-31', undefined, { 'X-Amz-Target': 'AmazonRDS.DeleteDBInstance' }))).toBe('BG417');
    expect(refused(query('DBInstanceIdentifier=db-staging&DBInstanceIdentifier=db-prod&Action=DeleteDBInstance'))).toBe('BG417');
    expect(refused(query('Action=TerminateInstances&InstanceId=i-a&InstanceId.1=i-b', 'https://ec2.us-east-1.amazonaws.com/'))).toBe('BG417');
  });

  test('a request without a readable Action is refused', () => {
    expect(refused(query('Version=2014-10-31'))).toBe('BG415');
    expect(refused(query('{"Action":"DeleteDBInstance"}', undefined, { 'Content-Type': 'application/json' }))).toBe('BG404');
    expect(refused(query('Action=Delete%20DBInstance'))).toBe('BG406');
    expect(refused({ method: 'DELETE', url: 'https://rds.us-east-1.amazonaws.com/?Action=DeleteDBInstance' })).toBe('BG403');
    expect(refused(query('Action=DeleteDBInstance', 'https://rds.us-east-1.amazonaws.com/other'))).toBe('BG402');
  });
});

const json = (target: string | string[], body: unknown, headers: Record<string, string> = {}, url = 'https://ecs.us-east-1.amazonaws.com/'): HttpRequest => ({
  method: 'POST',
  url,
  headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': Array.isArray(target) ? target.join(', ') : target, ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('aws json protocol', () => {
  test('X-Amz-Target names the operation, the json body its arguments', () => {
    const out = one(json('AmazonEC2ContainerServiceV20141113.DeleteCluster', { cluster: 'cluster-prod' }));
    expect(out.operation).toBe('DeleteCluster');
    expect(out.input.resource).toEqual({ kind: 'cluster', id: 'cluster-prod', environment: 'production' });
    expect(evaluate(ir, out.input).rule).toBe('aws-ecs-safety/no-destructive-in-production');
    expect(one(json('AmazonEC2ContainerServiceV20141113.ListClusters', '')).operation).toBe('ListClusters');
  });

  test('target and protocol must read one way', () => {
    const ecs = 'AmazonEC2ContainerServiceV20141113';
    expect(refused(json([`${ecs}.ListClusters`, `${ecs}.DeleteCluster`], {}))).toBe('BG417');
    expect(refused(json(`${ecs}.ListClusters`, {}, {}, 'https://ecs.us-east-1.amazonaws.com/?Action=DeleteCluster'))).toBe('BG417');
    expect(refused(json(`${ecs}.DeleteCluster`, { cluster: 'a', cluster_: 1 }, { 'Content-Type': 'application/json' }))).toBe('BG404');
    expect(refused(json('DeleteCluster', { cluster: 'cluster-prod' }))).toBe('BG406');
    expect(refused(json(`${ecs}.DeleteCluster`, '{"cluster":"a","cluster":"cluster-prod"}'))).toBe('BG406');
    expect(refused(json(`${ecs}.DeleteCluster`, '[]'))).toBe('BG406');
    expect(refused({ method: 'POST', url: 'https://ecs.us-east-1.amazonaws.com/', headers: { 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' })).toBe('BG415');
  });
});

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

describe('rest-xml', () => {
  test('routes pick the operation; the xml payload is not read for arguments', () => {
    const out = one({
      method: 'POST',
      url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z123/rrset/',
      headers: { 'Content-Type': 'application/xml' },
      body: '<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>DELETE</Action></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>',
    });
    expect(out.operation).toBe('ChangeResourceRecordSets');
    expect(out.input.resource).toEqual({ kind: 'hosted-zone', id: 'Z123' });
    const decision = evaluate(ir, out.input);
    expect([decision.mode, decision.rule, decision.environment_assumed]).toEqual(['deny', 'aws-route53-safety/production-zone-changes-need-originator', true]);
  });

  test('a payload that is not xml is refused', () => {
    expect(refused({ method: 'POST', url: 'https://route53.amazonaws.com/2013-04-01/hostedzone/Z123/rrset', headers: { 'Content-Type': 'application/json' }, body: '{"Id":"Z999"}' })).toBe('BG404');
  });
});
