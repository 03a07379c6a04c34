// Destructive PostgreSQL functions are destructive however the call spells the name: any schema
// (extensions install into any schema), quoted or not, in any case when quoted (a wrapper), or as
// a Unicode-escaped identifier. Whatever else the classifier answers, it is never less than
// destructive: a refusal (BG419) is fine, a read or write is an escape.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ExtractFailure } from '../../src/extract/failure.js';
import { classifySql } from '../../src/extract/sql/classify.js';

const DESTRUCTIVE = [
  'dblink', 'dblink_exec', 'dblink_send_query', 'dblink_open', 'lo_unlink', 'lo_truncate', 'lo_put', 'lo_export',
  'pg_drop_replication_slot', 'pg_replication_origin_drop', 'pg_terminate_backend', 'pg_file_unlink',
];

function outcome(sql: string): string {
  try {
    return classifySql(sql);
  } catch (e) {
    if (e instanceof ExtractFailure) return e.code;
    throw e;
  }
}

const spelledName = fc.tuple(fc.constantFrom(...DESTRUCTIVE), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), fc.constantFrom('plain', 'quoted', 'quoted-cased', 'unicode')).map(([name, upper, form]) => {
  const cased = [...name].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');
  if (form === 'plain') return cased;
  if (form === 'quoted') return `"${name}"`;
  if (form === 'quoted-cased') return `"${cased}"`;
  return `U&"${name}"`;
});
const schema = fc.constantFrom('', 'public.', 'pg_catalog.', '"pg_catalog".', 'ext.', '"Ext".');
const shape = fc.constantFrom(
  (f: string) => `SELECT ${f}('dbname=x', 'DROP TABLE users')`,
  (f: string) => `SELECT ${f}(1)`,
  (f: string) => `SELECT a FROM t WHERE ${f}(1) IS NOT NULL`,
  (f: string) => `INSERT INTO log SELECT ${f}(1)`,
  (f: string) => `SELECT 1; SELECT lower(${f}(1))`,
);

describe('destructive functions', () => {
  test('are never classed less than destructive, whatever the schema, quoting or case', () => {
    fc.assert(
      fc.property(spelledName, schema, shape, (name, prefix, make) => {
        const sql = make(`${prefix}${name}`);
        expect(['destructive', 'BG419'], sql).toContain(outcome(sql));
      }),
      { seed: 1130, numRuns: 400 },
    );
  });
});
