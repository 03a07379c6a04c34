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
    // A WHERE naming no column keeps every row.
    ['DELETE FROM t WHERE true', 'destructive'],
    ['DELETE FROM t WHERE 1=1', 'destructive'],
    ["DELETE FROM t WHERE 'a' = 'a'", 'destructive'],
    ['UPDATE t SET a=NULL WHERE true', 'destructive'],
    ['WITH x AS (DELETE FROM t WHERE true RETURNING *) SELECT * FROM x', 'destructive'],
    ['DELETE FROM t WHERE id IN (SELECT id FROM u)', 'write'],
    // A tautology naming a column is not detected (documented).
    ['UPDATE t SET a = 1 WHERE a = a', 'write'],
    // Functions: known side-effect-free built-ins read, others may write, some run sql text.
    ['SELECT purge()', 'write'],
    ['SELECT set_config(\'x\', \'y\', false)', 'write'],
    ['SELECT public.lower(a) FROM t', 'write'],
    ['SELECT count(*), max(a), lower(b), coalesce(c, 1), now(), pg_catalog.upper(d) FROM t', 'read'],
    ['SELECT * FROM generate_series(1, 3)', 'read'],
    ['DELETE FROM t WHERE id = purge()', 'write'],
    ["SELECT query_to_xml('SELECT 1', true, true, '')", 'write'],
    ["SELECT dblink_exec('dbname=x', 'DROP TABLE t')", 'destructive'],
    // Destructive functions whatever the schema or quoting (review of 757abe2).
    ["SELECT public.dblink_exec('dbname=x', 'DROP TABLE users')", 'destructive'],
    ["SELECT \"dblink_exec\"('dbname=x', 'DROP TABLE users')", 'destructive'],
    ["SELECT U&\"dblink_exec\"('dbname=x', 'DROP TABLE users')", 'destructive'],
    ['SELECT "lo_unlink"(16384)', 'destructive'],
    ['SELECT pg_catalog."lo_unlink"(16384)', 'destructive'],
    ['SELECT "pg_catalog".lo_unlink(16384)', 'destructive'],
    ['SELECT "LO_UNLINK"(16384)', 'destructive'],
    ["SELECT \"pg_drop_replication_slot\"('s')", 'destructive'],
    ["SELECT dblink_send_query('c', 'DROP TABLE users')", 'destructive'],
    ["SELECT ext.dblink_open('c', 'SELECT destroy()')", 'destructive'],
    ['SELECT pg_terminate_backend(123)', 'destructive'],
    ["SELECT lo_export(16384, '/etc/passwd')", 'destructive'],
    ['SELECT pg_cancel_backend(123)', 'write'],
    // A quoted function name that does not read one way is unknown: destructive.
    ['SELECT "a b"(1)', 'destructive'],
    // A quoted name is case-sensitive: `"COUNT"` may be any user function.
    ['SELECT "COUNT"(a) FROM t', 'write'],
    ['SELECT "count"(a), "my_col" FROM "my table"', 'read'],
    // ALTER TABLE forms that drop or rewrite data.
    ['ALTER TABLE t ALTER COLUMN a TYPE int USING NULL', 'destructive'],
    ['ALTER TABLE t ALTER COLUMN a TYPE int', 'destructive'],
    ['ALTER TABLE t ALTER COLUMN a SET DATA TYPE int', 'destructive'],
    ['ALTER TABLE t ALTER COLUMN a SET DEFAULT 1', 'write'],
    ['ALTER TABLE t RENAME TO t2', 'write'],
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

  test('a schema-qualified or quoted destructive function is decided destructive, and denied', () => {
    for (const query of ["SELECT public.dblink_exec('dbname=postgres', 'DROP TABLE users')", 'SELECT "lo_unlink"(16384)', "SELECT dblink_send_query('c', 'DROP TABLE users')"]) {
      const [op] = run({ project_id: 'ref1', query });
      expect(op?.operation, query).toBe('execute_sql.destructive');
      expect(evaluate(ir, op?.input).mode, query).toBe('deny');
    }
  });

  test('a missing, non-string or unreadable sql argument is denied (BG419)', () => {
    for (const args of [{ project_id: 'ref1' }, { project_id: 'ref1', query: 5 }, { project_id: 'ref1', query: ' ' }, { project_id: 'ref1', query: 'DROP' }]) {
      const out = run(args);
      expect(out.map((o) => [o.operation, o.error?.code])).toEqual([[null, 'BG419']]);
      expect(evaluate(ir, out[0]?.input).rule).toBe('input:invalid');
    }
  });

  test('an argument given twice in cases go folds alike, or a guarded one spelled in another case, is refused (BG417)', () => {
    for (const args of [
      { project_id: 'ref1', query: 'SELECT 1', QUERY: 'DROP TABLE users' },
      { project_id: 'ref1', query: 'SELECT 1', Query: 'TRUNCATE users' },
      { project_id: 'ref1', query: 'SELECT 1', sql: 'x', '\u017Fql': 'y' },
      { project_id: 'ref1', query: 'SELECT 1', k: 1, '\u212A': 2 },
      { project_id: 'ref1', PROJECT_ID: 'prod-other', query: 'SELECT 1' },
      { project_id: 'ref1', QUERY: 'DROP TABLE users' },
      { Project_Id: 'ref1', query: 'SELECT 1' },
      { project_id: 'ref1', query: 'SELECT 1', options: { mode: 'a', MODE: 'b' } },
      { project_id: 'ref1', query: 'SELECT 1', list: [{ k: 1, K: 2 }] },
    ]) {
      const out = run(args);
      expect(out.map((o) => [o.operation, o.error?.code])).toEqual([[null, 'BG417']]);
      expect(evaluate(ir, out[0]?.input).rule).toBe('input:invalid');
    }
    // Distinct names, and the same name in separate objects, are fine.
    expect(run({ project_id: 'ref1', query: 'SELECT 1', options: { query: 'x' }, list: [{ k: 1 }, { k: 2 }] })[0]?.operation).toBe('execute_sql.read');
  });

  test('sql postgresql reads in another way than the parser is refused (BG419), through the extraction failure path', () => {
    const out = run({ project_id: 'ref1', query: "SELECT '\\'; DROP TABLE users; --'" });
    expect(out.map((o) => [o.operation, o.error?.code])).toEqual([[null, 'BG419']]);
    expect(evaluate(ir, out[0]?.input).rule).toBe('input:invalid');
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
