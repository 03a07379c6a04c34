import parser from 'node-sql-parser/build/postgresql.js';
import type { OperationClass } from '../../core/modes.js';
import { isRecord } from '../../core/record.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';

/*
 * SQL as PostgreSQL reads it (https://www.postgresql.org/docs/current/sql-commands.html), parsed by
 * node-sql-parser's PostgreSQL grammar into one AST per `;`-separated statement:
 *
 *   DROP TABLE t; DELETE FROM t; UPDATE t SET a = 1; TRUNCATE t       → destructive
 *   DELETE FROM t WHERE id = 1; INSERT …; CREATE …; ALTER …; GRANT …   → write
 *   SELECT …                                                          → read
 */

/** Statements that only read. A `SELECT … INTO` creates a table and is a write. */
const READS = new Set(['select', 'show', 'desc']);
/** Statements that change data or schema but keep what exists (unless they say otherwise below). */
const WRITES = new Set(['insert', 'replace', 'update', 'delete', 'create', 'alter', 'grant', 'revoke', 'transaction', 'set', 'lock', 'unlock', 'use', 'rename', 'comment', 'call', 'exec', 'declare']);
/** Statements that destroy whatever they name. */
const DESTROYS = new Set(['drop', 'truncate']);

const { Parser } = parser;
const sqlParser = new Parser();

/**
 * The class of the most severe statement in `text`: `DROP`, `TRUNCATE`, `ALTER … DROP`, and
 * `DELETE` or `UPDATE` without `WHERE` are destructive; other statements that change anything are
 * writes; `SELECT` reads. Statements are found anywhere in the tree (an `INSERT … SELECT`, a
 * subquery), and a statement the grammar parses but this list does not know is destructive.
 * Text the grammar cannot parse, or that holds no statement, fails (BG419): the call is denied.
 */
export function classifySql(text: string): OperationClass {
  let ast: unknown;
  try {
    ast = sqlParser.astify(text, { database: 'PostgresQL' });
  } catch {
    return fail(EXTRACT_CODES.sqlUnreadable, 'the sql cannot be parsed as postgresql');
  }
  const statements = Array.isArray(ast) ? (ast as unknown[]) : [ast];
  if (statements.length === 0) fail(EXTRACT_CODES.sqlUnreadable, 'the sql holds no statement');
  let worst: OperationClass = 'read';
  for (const statement of statements) {
    const type = isRecord(statement) ? statement['type'] : undefined;
    // A top-level statement of a kind not listed here may do anything (`VACUUM FULL`, `COPY`).
    if (typeof type !== 'string' || !(READS.has(type) || WRITES.has(type) || DESTROYS.has(type))) return 'destructive';
    worst = max(worst, classifyNode(statement));
  }
  return worst;
}

/** The most severe statement in a subtree of the AST. */
function classifyNode(node: unknown): OperationClass {
  if (Array.isArray(node)) return node.reduce<OperationClass>((acc, n) => max(acc, classifyNode(n)), 'read');
  if (!isRecord(node)) return 'read';
  let worst = own(node);
  for (const value of Object.values(node)) {
    if (worst === 'destructive') break;
    if (typeof value === 'object' && value !== null) worst = max(worst, classifyNode(value));
  }
  return worst;
}

/** The class of one node, when it is a statement (or an `ALTER` action), else read. */
function own(node: Readonly<Record<string, unknown>>): OperationClass {
  const type = node['type'];
  if (node['action'] === 'drop' && typeof node['resource'] === 'string') return 'destructive';
  if (typeof type !== 'string') return 'read';
  if (DESTROYS.has(type)) return 'destructive';
  if (type === 'delete' || type === 'update') return node['where'] === null || node['where'] === undefined ? 'destructive' : 'write';
  if (type === 'select') {
    const into = node['into'];
    return isRecord(into) && into['expr'] !== undefined && into['expr'] !== null ? 'write' : 'read';
  }
  return WRITES.has(type) ? 'write' : 'read';
}

function max(a: OperationClass, b: OperationClass): OperationClass {
  return SEVERITY_OF[b] > SEVERITY_OF[a] ? b : a;
}

const SEVERITY_OF: Readonly<Record<OperationClass, number>> = { read: 0, write: 1, destructive: 2 };
