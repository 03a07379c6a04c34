import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { OperationClass } from '../../src/core/modes.js';
import { ExtractFailure } from '../../src/extract/failure.js';
import { classifySql } from '../../src/extract/sql/classify.js';
import { splitSql } from '../../src/extract/sql/lex.js';

/** The class, or the failure code when the sql is refused. */
function outcome(sql: string): string {
  try {
    return classifySql(sql);
  } catch (e) {
    if (e instanceof ExtractFailure) return e.code;
    throw e;
  }
}

describe('sql is split the way postgresql lexes it before it is classified', () => {
  test.each([
    // standard_conforming_strings = on: `'\'` is a whole string, and DROP runs.
    "SELECT '\\'; DROP TABLE users; --'",
    "SELECT '\\'; TRUNCATE users; --'",
    "SELECT '\\'; DELETE FROM users; --'",
    "SELECT '\\', 1; DROP TABLE t; SELECT '\\'",
    'SELECT "x\\"; DROP TABLE t; --" FROM t',
    'SELECT 1\\; DROP TABLE t',
    'SELECT `a` FROM t',
    "SELECT 'never closed",
    'SELECT 1 /* never closed',
    'SELECT $a$ never closed',
    'SELECT 1 # 1; DROP TABLE t',
  ])('text postgresql may read another way is refused (BG419): %s', (sql) => {
    expect(outcome(sql)).toBe('BG419');
  });

  test.each<[string, OperationClass]>([
    ["SELECT E'\\''; DROP TABLE t; --'", 'destructive'],
    ["SELECT E'\\n', E'it\\'s', 'it''s'", 'read'],
    ['SELECT $$;$$; DROP TABLE t', 'destructive'],
    ["SELECT $body$ ' ; DROP TABLE t; $body$", 'read'],
    ["SELECT $a$ $b$ ; $b$ $a$, 'x'", 'read'],
    ['SELECT 1 /* /* */ ; DROP TABLE t; -- */', 'read'],
    ['/* /* */ DROP TABLE t /* */ */ SELECT 1', 'read'],
    ['SELECT 1 -- ; DROP TABLE t', 'read'],
    ['select 1 -- \n; drop table t', 'destructive'],
    ["SELECT U&'\\0027'; DROP TABLE t", 'destructive'],
    ["SELECT 'a''b'; DROP TABLE t", 'destructive'],
    ['SELECT a FROM t WHERE b = $1', 'read'],
    ['SELECT 1;;  ; ', 'read'],
  ])('%s is %s', (sql, cls) => {
    expect(outcome(sql)).toBe(cls);
  });

  test('statements, with literals neutralized and comments blanked', () => {
    expect(splitSql("SELECT E'a;b' /* ; */ ; DELETE FROM t -- ;\n WHERE a = $x$;$x$")).toEqual(["SELECT 's'", "DELETE FROM t  \n WHERE a = 's'"]);
  });
});

/** Statement templates with their class; `{S}` is where a string literal goes. */
const TEMPLATES: readonly (readonly [string, OperationClass])[] = [
  ['SELECT {S}', 'read'],
  ['SELECT a, {S} FROM t WHERE b = {S}', 'read'],
  ['INSERT INTO t (a) VALUES ({S})', 'write'],
  ['UPDATE t SET a = {S} WHERE id = {S}', 'write'],
  ['DELETE FROM t WHERE a = {S}', 'write'],
  ['DELETE FROM t WHERE {S} = {S}', 'destructive'],
  ['UPDATE t SET a = {S}', 'destructive'],
  ['DROP TABLE t', 'destructive'],
];

const SEVERITY: Readonly<Record<OperationClass, number>> = { read: 0, write: 1, destructive: 2 };

/** A string literal holding `content` in one of PostgreSQL's spellings, and whether a backslash makes its reading depend on server settings. */
const literal = (content: string, form: 'standard' | 'escape' | 'dollar'): { text: string; ambiguous: boolean } => {
  if (form === 'standard') return { text: `'${content.replaceAll("'", "''")}'`, ambiguous: content.includes('\\') };
  if (form === 'escape') return { text: `E'${content.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`, ambiguous: false };
  return { text: `$q$${content}$q$`, ambiguous: false };
};

const content = fc.array(fc.constantFrom("'", '\\', ';', 'a', ' ', '$', '-', '/', '*', '"', '\n', 'E', 'q'), { maxLength: 12 }).map((cs) => cs.join(''));
const statement = fc.record({
  template: fc.constantFrom(...TEMPLATES),
  literals: fc.array(fc.record({ content, form: fc.constantFrom('standard' as const, 'escape' as const, 'dollar' as const) }), { minLength: 2, maxLength: 2 }),
  separator: fc.constantFrom(';', '; ', ';\n', ' /* ; */ ;', ' -- ;\n;', ';;'),
});

describe('property: the statements classified are the statements postgresql runs', () => {
  test('generated sql with quotes, backslashes and semicolons in strings is classified by the lexer split, or refused', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (statements) => {
        let ambiguous = false;
        let expected: OperationClass = 'read';
        let sql = '';
        for (const { template, literals, separator } of statements) {
          let i = 0;
          const text = template[0].replace(/\{S\}/g, () => {
            const l = literals[i++ % literals.length]!;
            // A dollar quote cannot hold its own closing tag (nor end in a part of it).
            const made = literal(l.form === 'dollar' ? l.content.replaceAll('$', '') : l.content, l.form);
            ambiguous ||= made.ambiguous;
            return made.text;
          });
          if (SEVERITY[template[1]] > SEVERITY[expected]) expected = template[1];
          sql += text + separator;
        }
        if (ambiguous) {
          expect(outcome(sql)).toBe('BG419');
          return;
        }
        expect(splitSql(sql)).toHaveLength(statements.length);
        expect(outcome(sql)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });
});
