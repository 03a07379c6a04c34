import type { IrApi } from '../../ir/types.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { operationsOf } from '../operation-index.js';
import { checkMemberCase } from '../params.js';
import type { FoundOperation } from '../protocols/types.js';
import { classifySql } from './classify.js';

/**
 * An operation (an MCP tool, an HTTP route) whose catalog entry declares an SQL argument, renamed
 * for what its statements do:
 * `execute_sql` running a `DROP` is the operation `execute_sql.destructive`. Each such operation is
 * a catalog operation of its own (the IR adds the ones a catalog leaves out), so rules, grants and
 * the default for its class apply unchanged. An SQL argument that is missing, not a string or not
 * parseable fails, and so does one spelled in another case or given twice in cases Go folds alike:
 * an enforcer that cannot tell what the statement does must not let it through.
 */
export function withSqlClass(found: FoundOperation, api: IrApi): FoundOperation {
  const argument = operationsOf(api).get(found.name)?.sql?.argument;
  if (argument === undefined) return found;
  // `QUERY` next to (or instead of) `query`: a server matching names without case may run the other copy.
  checkMemberCase(found.args, [argument], 'arguments.');
  const text = Object.hasOwn(found.args, argument) ? found.args[argument] : undefined;
  if (typeof text !== 'string' || text.trim() === '') {
    fail(EXTRACT_CODES.sqlUnreadable, `operation \`${found.name}\` needs its sql in string argument \`${argument}\``);
  }
  return { ...found, name: `${found.name}.${classifySql(text)}` };
}
