import type { OperationClass } from '../core/modes.js';
import { parseRfc3339 } from '../core/time.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { JsonPath, LoadedDocument, PolicySet } from '../load/types.js';
import type { ApiDocument, PolicyDocument, TokenDocument } from '../schemas/types.generated.js';

export type Rule = PolicyDocument['spec']['rules'][number];
export type Match = NonNullable<Rule['match']>;
export type Grant = TokenDocument['spec']['grants'][number];
export type { OperationClass };

/** What every cross-document rule sees: the loaded set, the clock, and indexes over it. */
export interface RuleContext {
  set: PolicySet;
  now: Date;
  /** The first `Api` of each name (duplicates are reported by their own rule). */
  apis: ReadonlyMap<string, LoadedDocument<'Api'>>;
  /** The first `Token` of each name. */
  tokens: ReadonlyMap<string, LoadedDocument<'Token'>>;
}

/** One cross-document check. `name` is also its file name under src/validate/rules/. */
export interface ValidationRule {
  name: string;
  /** Every code it can report. */
  codes: readonly string[];
  check(ctx: RuleContext): Diagnostic[];
}

export function createContext(set: PolicySet, now: Date): RuleContext {
  const apis = new Map<string, LoadedDocument<'Api'>>();
  for (const api of set.apis) if (!apis.has(api.name)) apis.set(api.name, api);
  const tokens = new Map<string, LoadedDocument<'Token'>>();
  for (const t of set.tokens) if (!tokens.has(t.name)) tokens.set(t.name, t);
  return { set, now, apis, tokens };
}

/**
 * Whether a document of this kind and name exists but was rejected (and already reported); one
 * whose name could not be read may be the one, so it counts for every name of its kind.
 */
export function isRejected(set: PolicySet, kind: string, name: string): boolean {
  return (set.rejected ?? []).some((r) => (r.kind === undefined || r.kind === kind) && (r.name === undefined || r.name === name));
}

/** Every document of the set, in kind then file order. */
export function allDocuments(set: PolicySet): LoadedDocument[] {
  return [...set.apis, ...set.policies, ...set.tokens, ...set.overrides, ...(set.inventories ?? []), ...(set.identityIssuers ?? []), ...set.replays, ...set.testSuites];
}

/** An operation selector as written, where it was written, and the API it selects from. */
export interface SelectorSite {
  doc: LoadedDocument<'Policy'> | LoadedDocument<'Token'>;
  api: string;
  selector: string;
  path: JsonPath;
}

/** Every operation selector of every policy rule and token grant. */
export function operationSelectors(set: PolicySet): SelectorSite[] {
  const out: SelectorSite[] = [];
  for (const doc of set.policies) {
    doc.value.spec.rules.forEach((rule, r) => {
      rule.match?.operations?.forEach((selector, i) => {
        out.push({ doc, api: doc.value.spec.api, selector, path: ['spec', 'rules', r, 'match', 'operations', i] });
      });
    });
  }
  for (const doc of set.tokens) {
    doc.value.spec.grants.forEach((grant, g) => {
      grant.operations.forEach((selector, i) => {
        out.push({ doc, api: doc.value.spec.api, selector, path: ['spec', 'grants', g, 'operations', i] });
      });
    });
  }
  return out;
}

/** The catalog of an API: operation name → class. */
export function catalog(api: ApiDocument): Map<string, OperationClass> {
  const out = new Map<string, OperationClass>();
  for (const [name, op] of Object.entries(api.spec.operations)) if (op) out.set(name, op.class);
  return out;
}

/**
 * Whether every call to the API is one of its catalog operations: an `http` API's calls are its
 * routes, so an operation its catalog lacks can never be called, unlike a GraphQL field or MCP
 * tool missing from the catalog, which is classified by name.
 */
export function isClosedCatalog(api: ApiDocument): boolean {
  return api.spec.protocol === 'http';
}

/** `file:line` of a place, for "first declared at" messages. */
export function placeOf(doc: LoadedDocument, path: JsonPath): string {
  const span = doc.locate(path);
  return `${span.file}:${span.line}`;
}

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp, or undefined when it is not a real date.
 * The same parser as the evaluator's, so "expired" means the same thing in validation and decisions.
 */
export function parseTimestamp(value: string): number | undefined {
  const t = parseRfc3339(value);
  return t === null ? undefined : t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}
