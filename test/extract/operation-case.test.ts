import { describe, expect, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';
import { FORM, one, refused } from './aws-helpers.js';

// Review bypass2 #6: a case variant of a catalogued operation name was decided as a fresh
// uncatalogued `write` (shadow) and forwarded; an upstream that folds case runs the catalogued one.

const rds = (action: string): HttpRequest => ({
  method: 'POST',
  url: 'https://rds.us-east-1.amazonaws.com/',
  headers: { 'Content-Type': FORM },
  body: `Action=${action}&DBInstanceIdentifier=db-prod&SkipFinalSnapshot=true&Version=2014-10-31`,
});

const ecs = (operation: string): HttpRequest => ({
  method: 'POST',
  url: 'https://ecs.us-east-1.amazonaws.com/',
  headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AmazonEC2ContainerServiceV20141113.${operation}` },
  body: '{"cluster":"cluster-prod"}',
});

const mcp = (message: unknown): HttpRequest => ({
  method: 'POST',
  url: 'https://mcp.supabase-like.example/mcp',
  headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: 'Bearer x' },
  body: JSON.stringify(message),
});

describe('operation names in another case than the catalog (BG450)', () => {
  test('an aws query Action that folds like a catalogued one is refused; the exact spelling is that operation', () => {
    expect(one(rds('DeleteDBInstance')).operation).toBe('DeleteDBInstance');
    for (const variant of ['DELETEDBINSTANCE', 'deletedbinstance', 'DeleteDbInstance']) expect(refused(rds(variant))).toBe('BG450');
    const out = one(rds('DELETEDBINSTANCE'));
    expect(out.error?.message).toContain('`DeleteDBInstance`');
    // An uncatalogued name that folds like nothing catalogued is still decided by its name.
    expect(one(rds('DescribeDBLogFiles')).operation).toBe('DescribeDBLogFiles');
  });

  test('an aws json target operation that folds like a catalogued one is refused', () => {
    expect(one(ecs('DeleteCluster')).operation).toBe('DeleteCluster');
    for (const variant of ['DELETECLUSTER', 'deletecluster']) expect(refused(ecs(variant))).toBe('BG450');
  });

  test('an mcp tool name or the `tools/call` method in another case is refused', () => {
    const call = (name: string, method = 'tools/call'): HttpRequest => mcp({ jsonrpc: '2.0', id: 1, method, params: { name, arguments: { project_id: 'dev-project' } } });
    const run = (request: HttpRequest) => extractDecisionInputs(request, ir, { time: TIME });
    expect(run(call('list_tables'))[0]?.operation).toBe('list_tables');
    for (const request of [call('LIST_TABLES'), call('Execute_SQL'), call('list_tables', 'Tools/Call'), call('list_tables', 'TOOLS/CALL')]) {
      const [only] = run(request);
      expect(only?.operation).toBeNull();
      expect(only?.error?.code).toBe('BG450');
      expect(evaluate(ir, only!.input).rule).toBe('input:invalid');
    }
  });
});
