import { describe, expect, test } from 'vitest';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { ir } from './helpers.js';
import { one, refused } from './aws-helpers.js';

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
  test('members that fold alike for go encoding/json are refused at any depth (review: decided on one copy, run on the other)', () => {
    const ecs = 'AmazonEC2ContainerServiceV20141113';
    expect(refused(json(`${ecs}.DeleteCluster`, { cluster: 'cluster-staging', CLUSTER: 'cluster-prod' }))).toBe('BG417');
    expect(refused(json(`${ecs}.DeleteCluster`, '{"cluster":"cluster-staging","\\u0043luster":"cluster-prod"}'))).toBe('BG417');
    expect(refused(json(`${ecs}.DeleteCluster`, { cluster: 'cluster-staging', '\u017Fervice': 1, service: 2 }))).toBe('BG417');
    expect(refused(json(`${ecs}.UpdateService`, { cluster: 'c', tags: [{ key: 'a', Key: 'b' }] }))).toBe('BG417');
    expect(refused(json(`${ecs}.UpdateService`, { cluster: 'c', config: { inner: { name: 'a', NAME: 'b' } } }))).toBe('BG417');
    // One spelling per member, whatever its case, is read as sent.
    expect(one(json(`${ecs}.DeleteCluster`, { Cluster: 'cluster-prod', tags: [{ key: 'a' }, { key: 'b' }] })).operation).toBe('DeleteCluster');
  });
});

