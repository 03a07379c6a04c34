import { describe, expect, test } from 'vitest';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { ir } from './helpers.js';
import { FORM, one, refused } from './aws-helpers.js';

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
    // Only the argument a rule reads travels in the input, as the form's text.
    expect(out.input.arguments).toEqual({ SkipFinalSnapshot: 'true' });
    expect(evaluate(ir, out.input).rule).toBe('aws-rds-safety/final-snapshot-required');
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

