// Shared by the AWS protocol tests: requests signed with a fake SigV4 header, decided by the example repository.
import { expect } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { ExtractedOperation, HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

export const SIGV4 = 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20250717/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=fake';
export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
export const inventory = {
  resources: {
    'db-prod': { kind: 'db-instance', environment: 'production' },
    'db-staging': { kind: 'db-instance', environment: 'staging' },
    'cluster-prod': { kind: 'cluster', environment: 'production' },
    'acme-prod-assets': { kind: 'bucket', environment: 'production' },
    'acme-staging-assets': { kind: 'bucket', environment: 'staging' },
  },
};

export function run(request: HttpRequest): ExtractedOperation[] {
  return extractDecisionInputs({ ...request, headers: { Authorization: SIGV4, ...request.headers } }, ir, { time: TIME, inventory });
}

export function one(request: HttpRequest): ExtractedOperation {
  const out = run(request);
  expect(out).toHaveLength(1);
  return out[0]!;
}

/** The code of an unparseable request, after checking the policy denies it as `input:invalid`. */
export function refused(request: HttpRequest): string | undefined {
  const only = one(request);
  expect(only.operation).toBeNull();
  const decision = evaluate(ir, only.input);
  expect([decision.mode, decision.rule]).toEqual(['deny', 'input:invalid']);
  return only.error?.code;
}

