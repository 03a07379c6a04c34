import { hasOwn, isRecord } from '../../../core/record.js';
import { labelled } from '../../../core/untrusted.js';
import type { IrOperation } from '../../../ir/types.js';
import { EXTRACT_CODES } from '../../codes.js';
import { fail } from '../../failure.js';
import { foldConflict, goFold } from '../../params.js';
import { resourcePaths } from '../../resource.js';

/*
 * Where REST frameworks read an operation's arguments: path template variables (RFC 6570 level 1,
 * `/services/{serviceId}`), the query string and the body, merged in an order of their own; and
 * how they bind names: `id[]`, `id[0]`, `id[x]`, `id.x` address `id` to qs, Rack, PHP and Spring,
 * and `ID` is `id` to ASP.NET and Spring binders.
 */

/** One named value as a request gives it. */
export interface Parameter {
  name: string;
  value: unknown;
}

/** The parameters one place of a request (path, query string, body) gives. */
export interface Place {
  where: string;
  pairs: readonly Parameter[];
}

/** The arguments an operation names its resource by, at the top level (`input.id` → `input`). */
export function resourceArguments(op: IrOperation): string[] {
  return resourcePaths(op).map((p) => p.split('.')[0] ?? p);
}

/**
 * An operation's arguments from the places a request gives them, in order (path, query string,
 * body). Frameworks merge them in different orders (and some read only one of them), so a name
 * given in two places with different values is ambiguous, as is a guarded (path or resource)
 * argument repeated differently in one place or spelled in a form some binders read as it.
 */
export function mergeParameters(places: readonly Place[], guarded: ReadonlySet<string>, op: IrOperation, readPaths: readonly string[] = []): Record<string, unknown> {
  const ambiguous = (message: string): never => fail(EXTRACT_CODES.ambiguousParameters, message);
  // Names are compared without case (ASP.NET and Spring bind `ID` to `id`), and bracket or dotted
  // forms by the name they address.
  const guardedBy = new Map([...guarded].map((g) => [goFold(g), g]));
  // Below the top level, every member on the path to a resource argument, or to an argument a
  // rule reads, must read one way too.
  const nested = [...resourcePaths(op), ...readPaths].flatMap((p) => (p.includes('.') ? [p.split('.')] : []));
  const seen = new Map<string, { where: string; value: string }>();
  const args: Record<string, unknown> = {};
  for (const { where, pairs } of places) {
    const own = new Map<string, { name: string; values: unknown[] }>();
    for (const { name, value } of pairs) {
      const base = parameterBase(name);
      const key = goFold(base);
      // `id[]`, `id[0]`, `id[x]`, `id.x` are `id` to qs, Rack, PHP and Spring, and another name to
      // Go, Python or Node's URLSearchParams; `ID` is `id` to some binders only: for a resource
      // argument the enforcer cannot know which reading the server has.
      const guard = guardedBy.get(key);
      if (guard !== undefined && name !== guard) {
        ambiguous(`${labelled('argument', guard, 'key', 'an argument')} is given in another spelling (case, brackets or dots), which servers read differently`);
      }
      for (const path of nested) {
        if (path[0] !== name) continue;
        const spelled = nestedFoldConflict(value, path.slice(1));
        if (spelled !== null) {
          ambiguous(`${labelled('member', spelled, 'key', 'a member')} on the path to argument ${'`'}${path.join('.')}${'`'} is spelled in another case, or twice in different cases: servers that match names without case read it differently`);
        }
      }
      const entry = own.get(key) ?? { name: base, values: [] };
      entry.values.push(base === name ? value : { [name]: value });
      own.set(key, entry);
    }
    for (const [key, { name, values }] of own) {
      const distinct = new Set(values.map(canonical));
      if (distinct.size > 1 && guardedBy.has(key)) {
        ambiguous(`${labelled('argument', name, 'key', 'an argument')} is given several times with different values`);
      }
      const [only] = distinct;
      const value = distinct.size === 1 && only !== undefined ? only : canonical(values.map(canonical));
      const earlier = seen.get(key);
      if (earlier && earlier.value !== value) {
        ambiguous(`${labelled('argument', name, 'key', 'an argument')} is given in the ${earlier.where} and the ${where} with different values: servers differ on which wins`);
      }
      if (!earlier) seen.set(key, { where, value });
      if (!hasOwn(args, name) && values.length > 0) args[name] = values[0];
    }
  }
  return args;
}

/** A member on `path` inside `value` spelled so a case-insensitive server may read another one. */
function nestedFoldConflict(value: unknown, path: readonly string[]): string | null {
  let current = value;
  for (const segment of path) {
    if (!isRecord(current)) return null;
    const conflict = foldConflict(current, [segment]);
    if (conflict !== null) return conflict;
    current = current[segment];
  }
  return null;
}

/** The parameter a (qs, Rack, PHP or Spring style) bracket or dotted name addresses: `id[x]`, `id.x` → `id`. */
function parameterBase(name: string): string {
  const cut = name.search(/[[.]/);
  return cut > 0 ? name.slice(0, cut) : name;
}

/** A value as servers compare it: scalars by their text (`5` and `"5"` are one value), the rest as json. */
function canonical(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'undefined';
}
