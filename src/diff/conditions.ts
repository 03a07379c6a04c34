/**
 * Set algebra over row conditions: union (to merge cells into rows) and membership of a concrete
 * input (what "this input falls inside that row" means, for the exactness tests and for users).
 */
import { argumentAt } from '../core/arguments.js';
import { classifyOperationName } from '../core/classify.js';
import { compareInstants, parseRfc3339, type Instant } from '../core/time.js';
import { evaluate } from '../evaluate/index.js';
import { atomOf } from './arguments.js';
import type { ApiSpace, Conditions, ValueCondition } from './types.js';

type Atom = string | null;
const atomOrder = (a: Atom, b: Atom): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
const norm = (xs: Iterable<Atom>): Atom[] => [...new Set(xs)].sort(atomOrder);

/** The union of two value sets; undefined means every value. */
export function unionValues(a: ValueCondition | undefined, b: ValueCondition | undefined): ValueCondition | undefined {
  if (a === undefined || b === undefined) return undefined;
  if ('in' in a && 'in' in b) return { in: norm([...a.in, ...b.in]) };
  if ('notIn' in a && 'notIn' in b) {
    const keep = a.notIn.filter((x) => b.notIn.includes(x));
    return keep.length === 0 ? undefined : { notIn: norm(keep) };
  }
  const inc = 'in' in a ? a : (b as { in: Atom[] });
  const exc = 'notIn' in a ? a : (b as { notIn: Atom[] });
  const keep = exc.notIn.filter((x) => !inc.in.includes(x));
  return keep.length === 0 ? undefined : { notIn: norm(keep) };
}

export function valueHolds(c: ValueCondition | undefined, value: Atom): boolean {
  if (c === undefined) return true;
  return 'in' in c ? c.in.includes(value) : !c.notIn.includes(value);
}

/** The fields of a valid decision input, as the evaluator reads them. */
export interface ReadInput {
  api: string;
  operation: string;
  type: string | null;
  environment: string | null;
  fingerprint: string | null;
  time: string;
  attempt: number;
  verified: boolean;
  originator: string | null;
  tenant: string | null;
  kind: string | null;
  id: string | null;
  project: string | null;
  /** The input's `arguments` object, or undefined. */
  arguments: unknown;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (o: unknown, key: string): string | null => (isObject(o) && typeof o[key] === 'string' ? (o[key] as string) : null);
const nonEmpty = (v: string | null): string | null => (v === '' ? null : v);

const NO_POLICY = { irVersion: 1 as const, apis: [], policies: [], tokens: [], overrides: { enforcement: 'normal' as const, reason: null, expires: null }, inventories: [] };

/**
 * Reads an input the way the evaluator does; null for an input it rejects as invalid (an invalid
 * input is denied alike on every side, so it is in no row).
 */
export function readInput(input: unknown): ReadInput | null {
  if (evaluate(NO_POLICY, input).rule === 'input:invalid') return null;
  const i = input as Json;
  const resource = i['resource'];
  const identity = i['identity'];
  return {
    api: i['api'] as string,
    operation: text(i['operation'], 'name')!,
    type: text(i['operation'], 'type'),
    environment: text(resource, 'environment'),
    fingerprint: nonEmpty(text(i['token'], 'fingerprint')),
    time: i['time'] as string,
    attempt: typeof i['attempt'] === 'number' ? i['attempt'] : 1,
    verified: isObject(identity) && identity['verified'] === true,
    originator: nonEmpty(text(identity, 'originator')),
    tenant: nonEmpty(text(identity, 'tenant')),
    kind: text(resource, 'kind'),
    id: text(resource, 'id'),
    project: text(resource, 'project'),
    arguments: isObject(i['arguments']) ? i['arguments'] : undefined,
  };
}

// Row bounds and input times recur across every row an input is tested against.
const instants = new Map<string, Instant>();
function instant(text: string): Instant {
  let at = instants.get(text);
  if (at === undefined) {
    at = parseRfc3339(text)!;
    if (instants.size > 10_000) instants.clear();
    instants.set(text, at);
  }
  return at;
}

/** Whether an input (read with readInput) lies in the region `c` of API `space`. */
export function conditionsHold(space: ApiSpace, c: Conditions, i: ReadInput): boolean {
  if (i.api !== space.name) return false;
  const named = space.operations.includes(i.operation);
  if ('name' in c.operation) {
    if (i.operation !== c.operation.name) return false;
  } else if (named || classifyOperationName(i.operation, i.type) !== c.operation.unnamed) return false;
  if (c.operationType && (i.type === 'query') !== c.operationType.query) return false;
  const envNamed = i.environment !== null && space.environments.includes(i.environment);
  if (!(envNamed ? c.environment.in.includes(i.environment!) : c.environment.unknown)) return false;
  const declared = i.fingerprint !== null && space.tokens.some((t) => t.fingerprint === i.fingerprint);
  if (i.fingerprint === null ? !c.token.missing : declared ? !c.token.fingerprints.includes(i.fingerprint) : !c.token.unknown) return false;
  if (c.time) {
    const at = instant(i.time);
    if (c.time.from !== null && compareInstants(at, instant(c.time.from)) < 0) return false;
    if (c.time.until !== null && compareInstants(at, instant(c.time.until)) >= 0) return false;
  }
  if (c.attempt && (i.attempt < c.attempt.min || i.attempt > c.attempt.max)) return false;
  if (c.verified !== undefined && c.verified !== i.verified) return false;
  for (const [path, values] of Object.entries(c.arguments ?? {})) {
    const atom = atomOf(argumentAt(i.arguments, path));
    if ('in' in values ? !values.in.includes(atom) : values.notIn.includes(atom)) return false;
  }
  return (
    valueHolds(c.originator, i.originator) &&
    valueHolds(c.tenant, i.tenant) &&
    valueHolds(c.resourceKind, i.kind) &&
    valueHolds(c.resourceId, i.id) &&
    valueHolds(c.project, i.project)
  );
}
