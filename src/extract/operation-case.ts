import type { IrApi } from '../ir/types.js';
import { labelled } from '../core/untrusted.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';
import { goFold } from './params.js';

/*
 * An operation name a client sends (AWS `Action`, the operation of `X-Amz-Target`, an MCP tool
 * name) is looked up in the catalog as sent. A name that is not catalogued but equals a catalogued
 * one without case (`DELETEDBINSTANCE`, `deletecluster`) would be decided as a fresh uncatalogued
 * call, often a plain `write` (one word, no verb to read), while an upstream that dispatches names
 * without case (emulators, Go's encoding/json for tool names) runs the catalogued operation. Such a
 * name is refused: it is either that operation or none, and only the catalogued spelling says so.
 */

// An api's operation names by their folded spelling, built once per operation list.
const byFold = new WeakMap<IrApi['operations'], ReadonlyMap<string, string>>();

function foldedOperations(api: IrApi): ReadonlyMap<string, string> {
  let index = byFold.get(api.operations);
  if (index === undefined) {
    const built = new Map<string, string>();
    // The exact spellings map to themselves, so a catalog with both `Foo` and `foo` keeps each.
    for (const o of api.operations) if (!built.has(goFold(o.name))) built.set(goFold(o.name), o.name);
    for (const o of api.operations) built.set(o.name, o.name);
    byFold.set(api.operations, (index = built));
  }
  return index;
}

/**
 * `name` when the api catalogues it as sent, or catalogues nothing that folds like it; fails when it
 * differs from a catalogued name only in case (`what` names where the name came from).
 */
export function catalogedSpelling(api: IrApi, name: string, what: string): string {
  const index = foldedOperations(api);
  if (index.get(name) === name) return name;
  const catalogued = index.get(goFold(name));
  if (catalogued === undefined) return name;
  return fail(
    EXTRACT_CODES.operationCase,
    `${labelled(what, name, 'key', `the ${what}`)} is the catalogued \`${catalogued}\` in another case: servers that match names without case would run it; send the catalogued spelling \`${catalogued}\``,
  );
}
