import parser from 'node-sql-parser/build/postgresql.js';
import type { OperationClass } from '../../core/modes.js';
import { isRecord } from '../../core/record.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { UNREADABLE_IDENTIFIER, splitSql } from './lex.js';

/*
 * SQL as PostgreSQL reads it (https://www.postgresql.org/docs/current/sql-commands.html): split
 * into statements by PostgreSQL's lexical rules (lex.ts), then each statement parsed on its own by
 * node-sql-parser's PostgreSQL grammar:
 *
 *   DROP TABLE t; TRUNCATE t; DELETE FROM t; UPDATE t SET a = 1        → destructive
 *   DELETE FROM t WHERE true (a WHERE naming no column)                → destructive
 *   ALTER TABLE t DROP …; ALTER TABLE t ALTER COLUMN a TYPE …          → destructive
 *   SELECT dblink_exec(…), lo_unlink(…), x."LO_UNLINK"(…)             → destructive
 *   SELECT U&"…"(…), "a b"(…) (a function name not read one way)       → destructive
 *   DELETE FROM t WHERE id = 1; INSERT …; CREATE …; ALTER …; GRANT …   → write
 *   SELECT purge() (a function not known to be free of side effects)   → write
 *   SELECT …                                                          → read
 *
 * A tautology that names a column (`WHERE a = a`, `WHERE a IS NULL OR a IS NOT NULL`) is not
 * detected: it reads as a write.
 */

/** Statements that only read. A `SELECT … INTO` creates a table and is a write. */
const READS = new Set(['select', 'show', 'desc']);
/** Statements that change data or schema but keep what exists (unless they say otherwise below). */
const WRITES = new Set(['insert', 'replace', 'update', 'delete', 'create', 'alter', 'grant', 'revoke', 'transaction', 'set', 'lock', 'unlock', 'use', 'rename', 'comment', 'call', 'exec', 'declare']);
/** Statements that destroy whatever they name. */
const DESTROYS = new Set(['drop', 'truncate']);

/**
 * Built-in functions without side effects. Any other function (a user function, `set_config`,
 * `pg_cancel_backend`, `nextval`) may change something, so a statement calling it is a write.
 * A name qualified by a schema other than `pg_catalog` is never one of these.
 */
const PURE_FUNCTIONS = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'every', 'bool_and', 'bool_or', 'string_agg', 'array_agg', 'json_agg', 'jsonb_agg',
  'json_object_agg', 'jsonb_object_agg', 'stddev', 'variance', 'lower', 'upper', 'initcap', 'length', 'char_length',
  'octet_length', 'substr', 'substring', 'trim', 'btrim', 'ltrim', 'rtrim', 'replace', 'concat', 'concat_ws', 'left', 'right',
  'lpad', 'rpad', 'position', 'strpos', 'split_part', 'format', 'md5', 'coalesce', 'nullif', 'greatest', 'least', 'abs',
  'ceil', 'ceiling', 'floor', 'round', 'trunc', 'mod', 'power', 'sqrt', 'now', 'current_date', 'current_time',
  'current_timestamp', 'localtime', 'localtimestamp', 'date_trunc', 'date_part', 'extract', 'age', 'to_char', 'to_date',
  'to_timestamp', 'to_number', 'to_json', 'to_jsonb', 'json_build_object', 'jsonb_build_object', 'json_build_array',
  'jsonb_build_array', 'array_length', 'cardinality', 'unnest', 'generate_series', 'row_number', 'rank', 'dense_rank',
  'lag', 'lead', 'first_value', 'last_value', 'version', 'current_user', 'session_user', 'current_database', 'current_schema',
]);

/**
 * Functions that run SQL given as text in another session (where it may do anything), or destroy
 * stored data, files or server state that cannot be recovered. Matched on the name alone, whatever
 * the schema (`public.dblink_exec`: extensions install into any schema, and `search_path` decides
 * what an unqualified name means) and whatever the case (a quoted `"DBLINK_EXEC"` may be a wrapper):
 *
 * - dblink: `dblink`, `dblink_exec`, `dblink_send_query` and `dblink_open` run their SQL text on a
 *   connection (possibly this database) outside this statement's reading;
 * - large objects: `lo_unlink` deletes, `lo_truncate(64)`, `lo_put` and `lowrite` overwrite,
 *   `lo_export` writes (overwrites) a file on the server;
 * - adminpack: `pg_file_unlink`, `pg_file_write`, `pg_file_rename` change server files;
 * - replication: `pg_drop_replication_slot` and `pg_replication_origin_drop` drop state a replica
 *   needs; `pg_logical_slot_get_changes` (and its binary form) and `pg_replication_slot_advance`
 *   consume changes other consumers then never see; `pg_promote` cannot be undone;
 * - `pg_terminate_backend` ends other sessions, rolling back their transactions' work.
 *
 * Not here, so a write: `pg_cancel_backend` (cancels one query, which its client may retry),
 * `set_config`, `pg_reload_conf`, `lo_import`/`lo_create`, `query_to_xml` (runs its text in a
 * read-only context: DDL and DML there fail).
 */
const DESTRUCTIVE_FUNCTIONS = new Set([
  'dblink', 'dblink_exec', 'dblink_send_query', 'dblink_open',
  'lo_unlink', 'lo_truncate', 'lo_truncate64', 'lo_put', 'lowrite', 'lo_export',
  'pg_file_unlink', 'pg_file_write', 'pg_file_rename',
  'pg_drop_replication_slot', 'pg_replication_origin_drop', 'pg_logical_slot_get_changes', 'pg_logical_slot_get_binary_changes',
  'pg_replication_slot_advance', 'pg_promote',
  'pg_terminate_backend',
]);

const { Parser } = parser;
const sqlParser = new Parser();

/**
 * The class of the most severe statement in `text` (rules above). Statements are found anywhere in
 * the tree (an `INSERT … SELECT`, a subquery, a `WITH`), and a statement the grammar parses but
 * this list does not know is destructive. Text PostgreSQL may read in more than one way, that the
 * grammar cannot parse, or that holds no statement, fails (BG419): the call is denied.
 */
export function classifySql(text: string): OperationClass {
  const statements = splitSql(text);
  if (statements.length === 0) fail(EXTRACT_CODES.sqlUnreadable, 'the sql holds no statement');
  let worst: OperationClass = 'read';
  for (const statement of statements) worst = max(worst, classifyStatement(statement));
  return worst;
}

/** One statement the lexer delimited; the grammar must read it as exactly one statement too. */
function classifyStatement(text: string): OperationClass {
  let ast: unknown;
  try {
    ast = sqlParser.astify(text, { database: 'PostgresQL' });
  } catch {
    return fail(EXTRACT_CODES.sqlUnreadable, 'the sql cannot be parsed as postgresql');
  }
  const statements = Array.isArray(ast) ? (ast as unknown[]) : [ast];
  if (statements.length !== 1) fail(EXTRACT_CODES.sqlUnreadable, 'the sql parser and the postgresql lexer disagree on where its statements end');
  const statement = statements[0];
  const type = isRecord(statement) ? statement['type'] : undefined;
  // A top-level statement of a kind not listed here may do anything (`VACUUM FULL`, `COPY`).
  if (typeof type !== 'string' || !(READS.has(type) || WRITES.has(type) || DESTROYS.has(type))) return 'destructive';
  return classifyNode(statement);
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

/** The class of one node, when it is a statement, an `ALTER` action or a function call, else read. */
function own(node: Readonly<Record<string, unknown>>): OperationClass {
  const type = node['type'];
  if (node['action'] === 'drop' && typeof node['resource'] === 'string') return 'destructive';
  if (rewritesColumn(node)) return 'destructive';
  if (typeof type !== 'string') return 'read';
  if (DESTROYS.has(type)) return 'destructive';
  if (type === 'function' || type === 'aggr_func') return functionClass(node);
  // A WHERE naming no column (`WHERE true`, `WHERE 1 = 1`) keeps every row.
  if (type === 'delete' || type === 'update') return namesColumn(node['where']) ? 'write' : 'destructive';
  if (type === 'select') {
    const into = node['into'];
    return isRecord(into) && into['expr'] !== undefined && into['expr'] !== null ? 'write' : 'read';
  }
  return WRITES.has(type) ? 'write' : 'read';
}

/** `ALTER COLUMN … TYPE` (or `SET DATA TYPE`, with or without `USING`): every value is rewritten, possibly lost. */
function rewritesColumn(node: Readonly<Record<string, unknown>>): boolean {
  if (node['action'] !== 'alter' || node['resource'] !== 'column') return false;
  const column = node['column'];
  const suffix = isRecord(column) ? column['suffix'] : undefined;
  const using = node['using'];
  return (typeof suffix === 'string' && /type/i.test(suffix)) || (using !== null && using !== undefined);
}

/** Whether an expression refers to a column anywhere (a subquery's columns included). */
function namesColumn(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(namesColumn);
  if (!isRecord(node)) return false;
  if (node['type'] === 'column_ref') return true;
  return Object.values(node).some((v) => typeof v === 'object' && v !== null && namesColumn(v));
}

/**
 * A call of a destructive function (by name, any schema, any case) is destructive; a call whose
 * name is not read one way is too; a known side-effect-free built-in (unqualified or in
 * `pg_catalog`) reads; any other call writes.
 */
function functionClass(node: Readonly<Record<string, unknown>>): OperationClass {
  const called = functionName(node);
  if (called === null) return 'destructive';
  if (DESTRUCTIVE_FUNCTIONS.has(called.name.toLowerCase())) return 'destructive';
  // A quoted name is case-sensitive: `"COUNT"` is not `count`, and may be any user function.
  const name = called.quoted ? called.name : called.name.toLowerCase();
  const builtin = called.schema === null || called.schema === 'pg_catalog';
  return builtin && PURE_FUNCTIONS.has(name) ? 'read' : 'write';
}

interface CalledName {
  /** The last part of the name, as written (a quoted part keeps its case). */
  name: string;
  quoted: boolean;
  /** The schema qualifying it, lower-cased unless quoted; null when unqualified. */
  schema: string | null;
}

/** The called function's name, or null when it cannot be read one way (an unreadable quoted name, an unknown shape). */
function functionName(node: Readonly<Record<string, unknown>>): CalledName | null {
  const name = node['name'];
  if (typeof name === 'string') return { name, quoted: false, schema: null };
  if (!isRecord(name)) return null;
  const parts = name['name'];
  const part: unknown = Array.isArray(parts) ? parts[parts.length - 1] : undefined;
  const last = identifier(part);
  if (last === null) return null;
  const schemaNode = name['schema'];
  let schema: string | null = null;
  if (schemaNode !== undefined && schemaNode !== null) {
    const read = identifier(schemaNode);
    if (read === null) return null;
    schema = read.quoted ? read.value : read.value.toLowerCase();
  }
  return { name: last.value, quoted: last.quoted, schema };
}

/** One identifier of the AST: plain or quoted (the lexer kept a quoted one's text only when it reads one way). */
function identifier(node: unknown): { value: string; quoted: boolean } | null {
  if (!isRecord(node) || typeof node['value'] !== 'string') return null;
  if (node['type'] === 'default') return { value: node['value'], quoted: false };
  if (node['type'] === 'double_quote_string' && node['value'] !== UNREADABLE_IDENTIFIER) return { value: node['value'], quoted: true };
  return null;
}

function max(a: OperationClass, b: OperationClass): OperationClass {
  return SEVERITY_OF[b] > SEVERITY_OF[a] ? b : a;
}

const SEVERITY_OF: Readonly<Record<OperationClass, number>> = { read: 0, write: 1, destructive: 2 };
