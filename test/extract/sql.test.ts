import { describe, expect, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { ExtractFailure } from '../../src/extract/failure.js';
import { classifySql } from '../../src/extract/sql/classify.js';
import { evaluate } from '../../src/evaluate/index.js';
import { TIME } from './fixture.js';
import { httpIr, ir } from './helpers.js';

describe('sql statement classes', () => {
  test.each([
    ['SELECT * FROM integration_tokens', 'read'],
    ['select count(*) from t where a in (select b from u)', 'read'],
    ['INSERT INTO support_messages (body) SELECT token FROM integration_tokens', 'write'],
    ['DELETE FROM t WHERE id = 1', 'write'],
    ['UPDATE t SET a = 1 WHERE id = 2', 'write'],
    ['CREATE TABLE a (id int)', 'write'],
    ['GRANT ALL ON t TO x', 'write'],
    ['SELECT * INTO copy_of_t FROM t', 'write'],
    ['DELETE FROM t', 'destructive'],
    ['UPDATE t SET a = 1', 'destructive'],
    ['DROP TABLE support_messages', 'destructive'],
    ['TRUNCATE t', 'destructive'],
    ['ALTER TABLE t DROP COLUMN c', 'destructive'],
    ['SELECT 1; DROP TABLE x', 'destructive'],
    ['INSERT INTO a VALUES (1); SELECT 1', 'write'],
  ])('%s is %s', (sql, cls) => {
    expect(classifySql(sql)).toBe(cls);
  });

  test.each(['SELEC 1', 'DROP SCHEMA public CASCADE', '-- only a comment', 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d'])(
    'what the grammar cannot read fails closed: %s',
    (sql) => {
      let code: string | undefined;
      try {
        classifySql(sql);
      } catch (e) {
        if (e instanceof ExtractFailure) code = e.code;
        else throw e;
      }
      expect(code).toBe('BG419');
    },
  );
});

const call = (args: unknown): HttpRequest => ({
  method: 'POST',
  url: 'https://mcp.supabase-like.example/mcp',
  headers: { 'Content-Type': 'application/json', Authorization: 'Bearer fake-supabase-mcp-support-agent-token' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_sql', arguments: args } }),
});

describe('an mcp tool whose argument carries sql', () => {
  const inventory = { resources: { ref1: { kind: 'project', environment: 'production' } } };
  const run = (args: unknown) => extractDecisionInputs(call(args), ir, { time: TIME, inventory });

  test('is decided as <tool>.<class>, with the tool resource', () => {
    const [read] = run({ project_id: 'ref1', query: 'SELECT 1' });
    expect(read?.operation).toBe('execute_sql.read');
    expect(read?.input.resource).toEqual({ kind: 'project', id: 'ref1', environment: 'production' });
    expect(evaluate(ir, read?.input).mode).toBe('allow');
    const [drop] = run({ project_id: 'ref1', query: 'DROP TABLE t' });
    expect(drop?.operation).toBe('execute_sql.destructive');
    expect(evaluate(ir, drop?.input).mode).toBe('deny');
  });

  test('a missing, non-string or unreadable sql argument is denied (BG419)', () => {
    for (const args of [{ project_id: 'ref1' }, { project_id: 'ref1', query: 5 }, { project_id: 'ref1', query: ' ' }, { project_id: 'ref1', query: 'DROP' }]) {
      const out = run(args);
      expect(out.map((o) => [o.operation, o.error?.code])).toEqual([[null, 'BG419']]);
      expect(evaluate(ir, out[0]?.input).rule).toBe('input:invalid');
    }
  });

  test('the ir adds the derived operations a catalog leaves out, with their classes', () => {
    const api = ir.apis.find((a) => a.name === 'supabase-mcp');
    const derived = api?.operations.filter((o) => o.name.startsWith('execute_sql.')).map((o) => [o.name, o.class, o.resource?.kind]);
    expect(derived).toEqual([
      ['execute_sql.destructive', 'destructive', 'project'],
      ['execute_sql.read', 'read', 'project'],
      ['execute_sql.write', 'write', 'project'],
    ]);
  });
});

describe('an http route whose body carries sql', () => {
  test('is named for its statements too', () => {
    const rest = httpIr([
      { name: 'runQuery', class: 'destructive', type: 'request', reversible: null, resource: null, http: { method: 'POST', path: '/v1/projects/{ref}/database/query' }, sql: { argument: 'query' } },
    ]);
    const out = extractDecisionInputs(
      { method: 'POST', url: 'https://backboard.railway.com/v1/projects/p1/database/query', headers: { 'Content-Type': 'application/json' }, body: '{"query":"TRUNCATE t"}' },
      rest,
      { time: TIME },
    );
    expect(out.map((o) => o.operation)).toEqual(['runQuery.destructive']);
  });
});
