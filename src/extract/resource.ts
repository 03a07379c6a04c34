import { hasOwn, isRecord } from '../core/record.js';
import { composeId, templateArguments } from '../core/id-template.js';
import { quote } from '../core/untrusted.js';
import type { IrApi, IrOperation } from '../ir/types.js';
import type { DecisionInput } from '../schemas/types.generated.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';
import type { Inventory, InventoryEntry } from './types.js';

type Resource = NonNullable<DecisionInput['resource']>;

/** A read-only map, or a plain record read by its own keys only. */
interface Lookup<V> {
  get(key: string): V | undefined;
}

/** The inventory as lookups, whether the caller gave Maps or records (a record's inherited keys are no ids). */
export interface InventoryLookups {
  resources: Lookup<InventoryEntry>;
  environments: Lookup<string>;
  projects: Lookup<string>;
}

const caselessCache = new WeakMap<Inventory, InventoryLookups>();
const exactCache = new WeakMap<Inventory, { resources: Inventory['resources']; environments: Inventory['environments']; projects: Inventory['projects']; lookups: InventoryLookups }>();
const NO_LOOKUPS: InventoryLookups = { resources: lookupOf(undefined), environments: lookupOf(undefined), projects: lookupOf(undefined) };

/**
 * Lookups over an inventory. For an API whose ids compare without case, keys are folded to lower
 * case, and a resource entry carries its id as the inventory spells it, which the input then uses.
 */
export function inventoryLookups(inventory: Inventory | undefined, caseInsensitive = false): InventoryLookups {
  if (inventory === undefined) return NO_LOOKUPS;
  if (!caseInsensitive) {
    // The lookups read the inventory's maps and records as they are: built once per inventory,
    // and again when one of its three members is another object.
    const known = exactCache.get(inventory);
    if (known !== undefined && known.resources === inventory.resources && known.environments === inventory.environments && known.projects === inventory.projects) return known.lookups;
    const lookups = { resources: lookupOf(inventory.resources), environments: lookupOf(inventory.environments), projects: lookupOf(inventory.projects) };
    exactCache.set(inventory, { resources: inventory.resources, environments: inventory.environments, projects: inventory.projects, lookups });
    return lookups;
  }
  let lookups = caselessCache.get(inventory);
  if (!lookups) {
    const resources = new Map<string, InventoryEntry>();
    for (const [id, entry] of entriesOf(inventory.resources)) if (!resources.has(id.toLowerCase())) resources.set(id.toLowerCase(), { ...entry, id: entry.id ?? id });
    lookups = { resources: caseless(resources), environments: caseless(foldKeys(inventory.environments)), projects: caseless(foldKeys(inventory.projects)) };
    caselessCache.set(inventory, lookups);
  }
  return lookups;
}

function lookupOf<V>(source: ReadonlyMap<string, V> | Readonly<Record<string, V>> | undefined): Lookup<V> {
  if (source === undefined) return { get: () => undefined };
  if (source instanceof Map) return source as ReadonlyMap<string, V>;
  const record = source as Readonly<Record<string, V>>;
  return { get: (key) => (hasOwn(record, key) ? record[key] : undefined) };
}

function entriesOf<V>(source: ReadonlyMap<string, V> | Readonly<Record<string, V>> | undefined): [string, V][] {
  if (source === undefined) return [];
  if (source instanceof Map) return [...(source as ReadonlyMap<string, V>)];
  return Object.entries(source as Readonly<Record<string, V>>);
}

function foldKeys<V>(source: ReadonlyMap<string, V> | Readonly<Record<string, V>> | undefined): Map<string, V> {
  const out = new Map<string, V>();
  for (const [key, value] of entriesOf(source)) if (!out.has(key.toLowerCase())) out.set(key.toLowerCase(), value);
  return out;
}

function caseless<V>(folded: ReadonlyMap<string, V>): Lookup<V> {
  return { get: (key) => folded.get(key.toLowerCase()) };
}

/** Every argument path an operation's resource reads: `idArg` or the arguments of its id template, then environment and project. */
export function resourcePaths(op: IrOperation): string[] {
  const spec = op.resource;
  if (!spec) return [];
  const id = spec.idTemplate !== null ? templateArguments(spec.idTemplate) : spec.idArg !== null ? [spec.idArg] : [];
  return [...id, ...(spec.environmentArg !== null ? [spec.environmentArg] : []), ...(spec.projectArg !== null ? [spec.projectArg] : [])];
}

/** The value at a dotted argument path (`input.serviceId`), or undefined when the path is absent. */
export function argumentAt(args: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = args;
  const segments = segmentsOf(path);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (!isRecord(current) || !hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

// The segments of the catalog's argument paths, split once: a segment looked up as the same string
// every time is hashed once, where one sliced out per request is hashed again with every lookup.
// Bounded, since any path may be passed: past the bound the cache starts again.
const segmentCache = new Map<string, readonly string[]>();
const MAX_SEGMENT_PATHS = 1024;

function segmentsOf(path: string): readonly string[] {
  let segments = segmentCache.get(path);
  if (segments === undefined) {
    if (segmentCache.size >= MAX_SEGMENT_PATHS) segmentCache.clear();
    segmentCache.set(path, (segments = Object.freeze(path.split('.'))));
  }
  return segments;
}

/** Ids are strings; an integer literal or number is accepted as its digits, anything else is no id. */
function asId(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

/**
 * The resource an operation acts on. Arguments are claims of the caller; the inventory is what the
 * enforcer knows. When an argument names another environment or project than the inventory
 * records for the resource, the server acts on one of them and the enforcer cannot tell which: the
 * request is unparseable (deny), never decided in the argument's favour. An argument the inventory
 * cannot resolve leaves the field to the inventory, or out (the most protected environment is
 * then assumed), never to a guess.
 */
export function resourceOf(api: IrApi, op: IrOperation | undefined, args: Readonly<Record<string, unknown>>, inventory: InventoryLookups): Resource | undefined {
  // An operation missing from the catalog has no known resource argument: its environment stays
  // unknown, which the policy reads as the most protected one.
  if (!op?.resource) return undefined;
  const spec = op.resource;
  const resource: Resource = { kind: spec.kind };
  const written = spec.idTemplate !== null ? composedId(spec.idTemplate, args) : spec.idArg ? asId(argumentAt(args, spec.idArg)) : null;
  const entry = written === null ? undefined : inventory.resources.get(written);
  // An API whose ids ignore case names the resource as its inventory spells it.
  const id = entry?.id ?? written;
  if (id !== null) resource.id = id;

  const fromId = entry?.environment ?? (spec.kind === 'environment' && id !== null ? environmentName(api, id, inventory) : undefined);
  const envArg = spec.environmentArg ? asId(argumentAt(args, spec.environmentArg)) : null;
  if (envArg !== null) {
    const fromArg = environmentName(api, envArg, inventory);
    if (fromArg === undefined) {
      // The call acts in an environment the enforcer does not know: it may be the protected one,
      // whatever the inventory says of the resource, so the environment is left out (assumed).
    } else if (fromId !== undefined && fromId !== fromArg) {
      conflict(`argument \`${spec.environmentArg ?? ''}\` names environment ${showId(fromArg)}, but the inventory records ${showId(id, 'the resource')} in ${showId(fromId)}`);
    } else {
      resource.environment = fromArg;
    }
  } else if (fromId !== undefined) {
    resource.environment = fromId;
  }

  const fromInventory = entry?.project ?? (spec.kind === 'project' && id !== null ? projectName(id, inventory) : undefined);
  const projectArg = spec.projectArg ? asId(argumentAt(args, spec.projectArg)) : null;
  // An id the inventory does not map is compared as written, so naming the project directly agrees.
  const fromArg = projectArg === null ? undefined : (projectName(projectArg, inventory) ?? projectArg);
  if (fromArg !== undefined && fromInventory !== undefined && fromInventory !== fromArg) {
    conflict(`argument \`${spec.projectArg ?? ''}\` names project ${showId(fromArg)}, but the inventory records ${showId(id, 'the resource')} in ${showId(fromInventory)}`);
  }
  // A project is what the inventory knows. An argument stands in only when the operation names no
  // resource id and the inventory knows the project it names: otherwise it is the caller's own
  // claim, and a project-scoped grant must not be satisfied by a claim.
  const claimed = id === null && projectArg !== null ? projectName(projectArg, inventory) : undefined;
  const project = fromInventory ?? claimed;
  if (project !== undefined) resource.project = project;
  return resource;
}

/**
 * A template's id, every part present and free of its separator characters. A call that names its
 * resource by a template names it fully: a missing part is refused, not read as an unknown id,
 * since the parts it has (`victim-corp` of `victim-corp/…`) would otherwise go unread.
 */
function composedId(template: string, args: Readonly<Record<string, unknown>>): string {
  const composed = composeId(template, (path) => asId(argumentAt(args, path)));
  if ('id' in composed) return composed.id;
  if ('missing' in composed) return fail(EXTRACT_CODES.incompleteResourceId, `argument \`${composed.missing}\` of resource id \`${template}\` is missing, empty, or not a string or integer`);
  return fail(EXTRACT_CODES.ambiguousResourceId, `argument \`${composed.ambiguous}\` of resource id \`${template}\` contains \`${composed.separator}\`, which separates its parts`);
}

function conflict(message: string): never {
  return fail(EXTRACT_CODES.conflictingResource, message);
}

// Ids and names can be the caller's own text: shown only when they look like ids.
function showId(id: string | null, otherwise = 'a value not shown'): string {
  return quote(id, 'id', otherwise);
}

function environmentName(api: IrApi, id: string, inventory: InventoryLookups): string | undefined {
  const named = inventory.environments.get(id);
  if (named !== undefined) return named;
  const entry = inventory.resources.get(id);
  if (entry?.kind === 'environment' && entry.environment !== undefined) return entry.environment;
  // Some callers pass the environment's name where an id is expected; accept only declared names.
  return api.environments.includes(id) ? id : undefined;
}

/** The project an id names, when the inventory knows it; an unknown id names nothing the policy can trust. */
function projectName(id: string, inventory: InventoryLookups): string | undefined {
  const named = inventory.projects.get(id);
  if (named !== undefined) return named;
  const entry = inventory.resources.get(id);
  return entry?.kind === 'project' ? entry.project : undefined;
}
