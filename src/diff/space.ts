/**
 * The decision space of one API, partitioned so that every cell is decided the same way on each
 * side, and each reachable cell evaluated with the reference evaluator on both sides.
 *
 * Why the partition is exact: the evaluator reads an input only through equality with values the
 * IR names (operation names, environments, fingerprints, token names, identity values, resource
 * kinds, ids and projects), through the name classifier (operation name × type), and through
 * order comparisons against attempt bounds and expiry instants. Splitting each dimension at the
 * values and bounds either side names — plus one cell for "none of them" — therefore yields cells
 * on which every condition the evaluator tests is constant. The split is refined top-down
 * (operation → environment → token → time → the identity and resource fields): at each level the
 * rules and grants whose conditions already failed are dropped, so a deeper dimension is split
 * only by what the remaining rules of either side mention, and a subtree whose remaining inputs
 * to the evaluator are identical on both sides is skipped, because the evaluator is a function of
 * exactly those inputs. At every level each side first drops the rules and grants that can no
 * longer decide anything in the subtree (./settle.ts), which is what stops argument paths — many
 * per operation in real policies — from multiplying the cells. Leaves are decided by evaluating a
 * representative input of the cell.
 */
import { classifyOperationName } from '../core/classify.js';
import { compareInstants, formatInstant, parseRfc3339, type Instant } from '../core/time.js';
import { evaluate } from '../evaluate/index.js';
import { argumentHolds } from '../core/arguments.js';
import { defineOwn, hasOwn } from '../core/record.js';
import type { ArgumentCondition, IdentityCondition, Ir, IrApi, IrArguments, IrGrant, IrRule, IrToken, Mode, OperationClass } from '../ir/types.js';
import { ABSENT, OTHER, pathAtoms, realizeArguments, type PathAtom } from './arguments.js';
import { SEVERITY } from '../ir/types.js';
import { enforcementAt, panicFor, panicKey, type Panic } from './panic.js';
import { COVERED, firstOpen, settle, type Open } from './settle.js';
import { relevantGrants, TokenGroups } from './token-groups.js';
import type { ApiSpace, ArgumentAtom, ArgumentValues, Conditions, SideDecision, ValueCondition } from './types.js';

export interface Cell {
  api: string;
  conditions: Conditions;
  before: SideDecision;
  after: SideDecision;
  /** The head side's effective environment for the cell (null when the API is gone on the head). */
  headEnvironment: string | null;
  /** A concrete input inside the cell. */
  example: Record<string, unknown>;
}

const MAX_ATTEMPT = 1_000_000_000;
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(byString);

interface Side {
  ir: Ir;
  api: IrApi | undefined;
  /** The API's rules across its policies, in evaluation order. */
  rules: IrRule[];
  /** Tokens by fingerprint (any API: the evaluator checks the API itself). */
  tokens: Map<string, IrToken>;
}

function side(ir: Ir, apiName: string): Side {
  const api = ir.apis.find((a) => a.name === apiName);
  const rules = api ? ir.policies.filter((p) => p.api === apiName).flatMap((p) => p.rules) : [];
  return { ir, api, rules, tokens: new Map(ir.tokens.map((t) => [t.fingerprint, t])) };
}

const parsed = new Map<string, boolean>();
const parses = (text: string): boolean => {
  let ok = parsed.get(text);
  if (ok === undefined) {
    ok = parseRfc3339(text) !== null;
    parsed.set(text, ok);
  }
  return ok;
};

/** What the evaluator's token lookup finds for `fp` on a side: a usable record or nothing. */
function lookup(s: Side, fp: string): IrToken | null {
  const t = s.tokens.get(fp);
  if (!t || !s.api || t.api !== s.api.name) return null;
  if (t.expires === null) return s.api.tokens.requireExpiry ? null : t;
  return parses(t.expires) ? t : null;
}

const ruleKeys = new WeakMap<IrRule, string>();
function ruleKey(r: IrRule): string {
  let k = ruleKeys.get(r);
  if (k === undefined) {
    k = JSON.stringify([r.id, r.mode, r.match]);
    ruleKeys.set(r, k);
  }
  return k;
}
const listKey = (rules: readonly IrRule[], grants: readonly IrGrant[] | null): string =>
  rules.map(ruleKey).join('\n') + '\u0000' + JSON.stringify(grants);


/** A fresh value not in `taken`, built from `stem`. */
function fresh(stem: string, taken: ReadonlySet<string>, ok: (v: string) => boolean = () => true): string {
  for (let i = 0; ; i++) {
    const v = i === 0 ? stem : `${stem}${i}`;
    if (!taken.has(v) && ok(v)) return v;
  }
}

/** Everything a side names for one API: the vocabulary of the partition. */
export function apiSpace(base: Ir, head: Ir, apiName: string): ApiSpace {
  const ops = new Set<string>();
  const envs = new Set<string>();
  const tokens = new Map<string, { fingerprint: string; before: string | null; after: string | null }>();
  for (const [ir, which] of [[base, 'before'], [head, 'after']] as const) {
    const s = side(ir, apiName);
    if (s.api) {
      for (const o of s.api.operations) ops.add(o.name);
      for (const e of s.api.environments) envs.add(e);
      for (const e of s.api.protectedEnvironments) envs.add(e);
    }
    for (const r of s.rules) {
      for (const n of r.match.operations?.names ?? []) ops.add(n);
      for (const e of r.match.environments ?? []) envs.add(e);
    }
    for (const t of ir.tokens) {
      if (t.api !== apiName) continue;
      const entry = tokens.get(t.fingerprint) ?? { fingerprint: t.fingerprint, before: null, after: null };
      entry[which] = t.name;
      tokens.set(t.fingerprint, entry);
      for (const g of t.grants) {
        for (const sel of g.operations) if (sel !== '*' && !sel.startsWith('class:')) ops.add(sel);
        for (const e of g.environments) if (e !== '*') envs.add(e);
      }
    }
  }
  const protectedSide = head.apis.find((a) => a.name === apiName) ?? base.apis.find((a) => a.name === apiName);
  return {
    name: apiName,
    operations: sortedUnique(ops),
    protectedEnvironments: [...(protectedSide?.protectedEnvironments ?? [])],
    environments: sortedUnique(envs),
    tokens: [...tokens.values()].sort((a, b) => byString(a.fingerprint, b.fingerprint)),
  };
}

interface OpCell {
  name: string;
  type: string;
  condition: Conditions['operation'];
  typeCondition?: Conditions['operationType'];
}

/** Named operations (split by type where an uncatalogued name's class depends on it) and one per class for the rest. */
function operationCells(space: ApiSpace, sides: readonly Side[]): OpCell[] {
  const cells: OpCell[] = [];
  for (const name of space.operations) {
    const uncatalogued = sides.some((s) => s.api !== undefined && !s.api.operations.some((o) => o.name === name));
    if (uncatalogued && classifyOperationName(name, 'query') !== classifyOperationName(name, 'mutation')) {
      cells.push({ name, type: 'query', condition: { name }, typeCondition: { query: true } });
      cells.push({ name, type: 'mutation', condition: { name }, typeCondition: { query: false } });
    } else {
      cells.push({ name, type: 'mutation', condition: { name } });
    }
  }
  const taken = new Set(space.operations);
  const plain = fresh('unnamedOperation', taken, (v) => classifyOperationName(v, 'mutation') === 'write');
  const destructive = fresh('unnamedOperationDelete', taken, (v) => classifyOperationName(v, 'mutation') === 'destructive');
  cells.push({ name: plain, type: 'query', condition: { unnamed: 'read' } });
  cells.push({ name: plain, type: 'mutation', condition: { unnamed: 'write' } });
  cells.push({ name: destructive, type: 'mutation', condition: { unnamed: 'destructive' } });
  return cells;
}

/** A side's view of one operation, environment and token: what the evaluator will read. */
interface SideNode {
  s: Side;
  cls: OperationClass;
  env: string | null;
  rules: IrRule[];
  /** Grants of the cell's token that can cover the operation in the environment; null without a usable token. */
  grants: IrGrant[] | null;
  token: IrToken | null;
  /** The rest of what the evaluator reads, as a comparable string (but for the fields below). */
  fixed: string;
  /** The class default; null once some rule matches every input of the cell (the default then applies nowhere in it). */
  fallback: Mode | null;
  /** The mode of the missing- or unknown-token finding; null with a usable token. */
  tokenMode: Mode | null;
  /** The panic flag for the class (./panic.ts); once the time is split, the enforcement in force. */
  panic: Panic;
  enforcement: string;
  /** The token has expired (known once the time is split). */
  expired: boolean;
}

type Emit = (cell: Cell) => void;

interface Walk {
  apiName: string;
  emit: Emit;
  evaluated: number;
}

/** Enumerates every cell of `apiName` whose decision differs between `base` and `head`. */
export function changedCells(base: Ir, head: Ir, apiName: string, emit: Emit): { space: ApiSpace; evaluated: number } {
  const space = apiSpace(base, head, apiName);
  const sides = [side(base, apiName), side(head, apiName)] as const;
  const walk: Walk = { apiName, emit, evaluated: 0 };
  const takenFps = new Set([...base.tokens, ...head.tokens].map((t) => t.fingerprint));
  const unknownFp = fresh(`sha256:${'0'.repeat(64)}`, takenFps);
  const tokenKey = (s: Side, fp: string): string => JSON.stringify(s.tokens.get(fp) ?? null);
  const tokenGroups = new TokenGroups(
    space.tokens.map((t) => t.fingerprint),
    sides.map((s) => new Map(space.tokens.map((t) => [t.fingerprint, lookup(s, t.fingerprint)]))),
  );
  const changedTokens = new Set(space.tokens.filter((t) => tokenKey(sides[0], t.fingerprint) !== tokenKey(sides[1], t.fingerprint)).map((t) => t.fingerprint));

  for (const op of operationCells(space, sides)) {
    const opSides = sides.map((s) => {
      const catalogued = s.api?.operations.find((o) => o.name === op.name);
      const cls: OperationClass = catalogued ? catalogued.class : classifyOperationName(op.name, op.type);
      const rules = s.rules.filter((r) => {
        const m = r.match.operations;
        return !m || m.any || m.names.includes(op.name) || (!catalogued && m.classes.includes(cls));
      });
      return { s, cls, rules };
    });
    for (const envAtom of [...space.environments, null]) {
      const envSides = opSides.map(({ s, cls, rules }) => {
        const known = envAtom !== null && s.api !== undefined && s.api.environments.includes(envAtom);
        const env = s.api ? (known ? envAtom : (s.api.protectedEnvironments[0] ?? null)) : null;
        return { s, cls, env, known, rules: rules.filter((r) => !r.match.environments || (env !== null && r.match.environments.includes(env))) };
      });
      const envCondition: Conditions['environment'] = envAtom === null ? { in: [], unknown: true } : { in: [envAtom], unknown: false };

      // When everything but the tokens reads the same on both sides, only tokens whose own record
      // changed can decide differently: a missing, unknown or unchanged token sees identical sides.
      const envFixed = envSides.map(({ s, cls, env, known }) =>
        s.api
          ? JSON.stringify([cls, env, known, s.api.defaults[cls], s.api.tokens.missing, s.api.tokens.unknown, s.api.tokens.requireExpiry, s.api.tokens.checkScopesFor.includes(cls), panicKey(panicFor(s.ir, cls))])
          : 'no-api',
      );
      const untouched = envFixed[0] === envFixed[1] && listKey(envSides[0]!.rules, null) === listKey(envSides[1]!.rules, null);
      if (untouched && changedTokens.size === 0) continue;

      // Tokens that every rule and grant of this cell treats alike are one cell (./token-groups.ts).
      const groups = tokenGroups.groups(op.name, envSides, untouched ? changedTokens : undefined);
      const tokenCells: { fp: string | null; condition: Conditions['token'] }[] = [
        ...(untouched
          ? []
          : [
              { fp: null, condition: { fingerprints: [], missing: true, unknown: false } },
              { fp: unknownFp, condition: { fingerprints: [], missing: false, unknown: true } },
            ]),
        ...groups.map((fps) => ({ fp: fps[0]!, condition: { fingerprints: fps, missing: false, unknown: false } })),
      ];

      for (const tc of tokenCells) {
        const nodes = envSides.map(({ s, cls, env, known, rules }): SideNode => {
          const token = tc.fp === null ? null : lookup(s, tc.fp);
          const grants = token ? relevantGrants(token, op.name, cls, env) : null;
          const kept = rules.filter((r) => !r.match.tokens || (token !== null && r.match.tokens.includes(token.name)));
          const api = s.api;
          const expires = token?.expires ? parseRfc3339(token.expires) : null;
          const fixed = api ? JSON.stringify([cls, env, known, api.tokens.checkScopesFor.includes(cls), expires]) : 'no-api';
          const panic = api ? panicFor(s.ir, cls) : NO_PANIC;
          return {
            s,
            cls,
            env,
            rules: kept,
            grants,
            token,
            fixed,
            fallback: api ? api.defaults[cls] : null,
            tokenMode: !api ? null : tc.fp === null ? api.tokens.missing : token === null ? api.tokens.unknown : null,
            panic,
            enforcement: panicKey(panic),
            expired: false,
          };
        });
        const [b, h] = nodes as [SideNode, SideNode];
        if (sameNode(b, h)) continue;
        const conditions: Conditions = { operation: op.condition, environment: envCondition, token: tc.condition };
        if (op.typeCondition) conditions.operationType = op.typeCondition;
        const input: Input = {
          api: apiName,
          operation: { name: op.name, type: op.type },
          resource: envAtom === null ? {} : { environment: envAtom },
          ...(tc.fp === null ? {} : { token: { fingerprint: tc.fp } }),
          identity: {},
        };
        const prunedB = prune(b, tc.fp);
        const prunedH = prune(h, tc.fp);
        splitTime(walk, b, h, conditions, input, prunedB, prunedH);
      }
    }
  }
  return { space, evaluated: walk.evaluated };
}

const NO_PANIC: Panic = Object.freeze({ enforcement: 'normal', until: null }) as Panic;

const sameNode = (b: SideNode, h: SideNode): boolean =>
  b.fixed === h.fixed &&
  b.fallback === h.fallback &&
  b.tokenMode === h.tokenMode &&
  b.enforcement === h.enforcement &&
  listKey(b.rules, b.grants) === listKey(h.rules, h.grants);

interface Pruned {
  ir: Ir;
  data: unknown;
}

/** The side's IR cut down to the rules that can still match in this subtree: same decisions, far less work. */
function prune(n: SideNode, fp: string | null): Pruned {
  const api = n.s.api;
  const ir: Ir = {
    irVersion: n.s.ir.irVersion,
    apis: api ? [api] : [],
    policies: api ? [{ name: 'diff', api: api.name, owners: [], rules: n.rules }] : [],
    tokens: [],
    overrides: n.s.ir.overrides,
    inventories: [],
  };
  const raw = fp === null ? undefined : n.s.tokens.get(fp);
  const tokens = raw ? { [raw.fingerprint]: { name: raw.name, api: raw.api, expires: raw.expires, grants: raw.grants } } : {};
  return { ir, data: { blastguard: { tokens, overrides: { ...n.s.ir.overrides } } } };
}

interface Input {
  api: string;
  operation: { name: string; type: string };
  resource: { kind?: string; id?: string; environment?: string; project?: string };
  token?: { fingerprint: string };
  identity: { originator?: string; tenant?: string; verified?: boolean };
  attempt?: number;
  time?: string;
  /** The class chosen for each argument path so far; realized into `arguments` at the leaf. */
  argAtoms?: Chosen[];
}

function instants(texts: readonly (string | null | undefined)[]): Instant[] {
  const out: Instant[] = [];
  for (const t of texts) {
    const at = t ? parseRfc3339(t) : null;
    if (at && !out.some((o) => compareInstants(o, at) === 0)) out.push(at);
  }
  return out.sort(compareInstants);
}

/**
 * A timestamp the evaluator parses back to `t`. Instants just outside years 0000–9999 in UTC are
 * still reachable through an offset (`9999-12-31T23:59:59-23:59`), so those are written with one.
 */
export function writeInstant(t: Instant): string | null {
  for (const offset of [0, -(23 * 3600 + 59 * 60), 23 * 3600 + 59 * 60]) {
    const utc = formatInstant({ seconds: t.seconds + offset, nanos: t.nanos });
    const sign = offset < 0 ? '-' : '+';
    const text = offset === 0 ? utc : `${utc.slice(0, -1)}${sign}23:59`;
    const back = parseRfc3339(text);
    if (back && compareInstants(back, t) === 0) return text;
  }
  return null;
}

function splitTime(walk: Walk, b: SideNode, h: SideNode, conditions: Conditions, input: Input, pb: Pruned, ph: Pruned): void {
  const cuts = instants([b.token?.expires, h.token?.expires]);
  for (const n of [b, h]) if (n.panic.until !== null && !cuts.some((c) => compareInstants(c, n.panic.until!) === 0)) cuts.push(n.panic.until);
  cuts.sort(compareInstants);
  const reference = '2000-01-01T00:00:00Z';
  if (cuts.length === 0) {
    const at = parseRfc3339(reference)!;
    const [nb, nh] = [atTime(b, at), atTime(h, at)];
    if (!sameNode(nb, nh)) splitInner(walk, 0, nb, nh, conditions, { ...input, time: reference }, pb, ph);
    return;
  }
  for (let i = -1; i < cuts.length; i++) {
    const from = i >= 0 ? cuts[i]! : null;
    const until = i + 1 < cuts.length ? cuts[i + 1]! : null;
    const rep = from ?? { seconds: until!.nanos === 0 ? until!.seconds - 1 : until!.seconds, nanos: until!.nanos === 0 ? 999_999_999 : until!.nanos - 1 };
    const text = writeInstant(rep);
    // Outside every writable timestamp: no input reaches this interval.
    if (text === null) continue;
    const time = { from: from ? writeInstant(from) : null, until: until ? writeInstant(until) : null };
    const [nb, nh] = [atTime(b, rep), atTime(h, rep)];
    if (sameNode(nb, nh)) continue;
    splitInner(walk, 0, nb, nh, { ...conditions, time }, { ...input, time: text }, pb, ph);
  }
}

/**
 * A side within one interval of the time split: the panic flag's enforcement in force, and
 * whether the token has expired. Under a lockdown a destructive operation is denied by the
 * lockdown finding whatever else holds (it comes first and is a deny), so nothing else of the
 * side can change its decision there.
 */
function atTime(n: SideNode, at: Instant): SideNode {
  const enforcement = enforcementAt(n.panic, at);
  if (enforcement === 'lockdown') return { ...n, rules: [], grants: [], fixed: 'lockdown', fallback: null, tokenMode: null, enforcement, expired: false };
  const expires = n.token?.expires ? parseRfc3339(n.token.expires) : null;
  return { ...n, enforcement, expired: expires !== null && compareInstants(at, expires) >= 0 };
}

type Field = 'attempt' | 'verified' | 'originator' | 'tenant' | 'resourceKind' | 'resourceId' | 'project';

interface Part {
  /** Applies the part to the conditions and the representative input. */
  apply(c: Conditions, i: Input): [Conditions, Input];
  keepRule(r: IrRule): boolean;
  keepGrant(g: IrGrant): boolean;
}

const keepAll = (): boolean => true;

function identityHolds(cond: IdentityCondition | null, value: string | null): boolean {
  if (cond === null) return true;
  if ('present' in cond) return cond.present === (value !== null);
  return value !== null && cond.in.includes(value);
}

function identityParts(field: 'originator' | 'tenant', rules: readonly IrRule[]): Part[] | null {
  const conds = rules.map((r) => r.match.identity?.[field] ?? null).filter((c): c is IdentityCondition => c !== null);
  if (conds.length === 0) return null;
  // An empty value is read as absent, so it is never a value of its own.
  const values = sortedUnique(conds.flatMap((c) => ('in' in c ? c.in : [])).filter((v) => v !== ''));
  const other = fresh(`other-${field}`, new Set(values));
  const atoms: { value: string | null; condition: ValueCondition }[] = [
    { value: null, condition: { in: [null] } },
    ...values.map((v) => ({ value: v, condition: { in: [v] } })),
    { value: other, condition: { notIn: [null, ...values] } },
  ];
  return atoms.map(({ value, condition }) => ({
    apply: (c, i) => [
      { ...c, [field]: condition },
      value === null ? i : { ...i, identity: { ...i.identity, [field]: value } },
    ],
    keepRule: (r) => identityHolds(r.match.identity?.[field] ?? null, value),
    keepGrant: keepAll,
  }));
}

function resourceParts(
  field: 'resourceKind' | 'resourceId' | 'project',
  ruleList: (r: IrRule) => string[] | null,
  grantList: ((g: IrGrant) => string[] | null) | null,
  rules: readonly IrRule[],
  grants: readonly IrGrant[],
): Part[] | null {
  const lists = [...rules.map(ruleList), ...(grantList ? grants.map(grantList) : [])].filter((l): l is string[] => l !== null);
  if (lists.length === 0) return null;
  const values = sortedUnique(lists.flat());
  const key = field === 'resourceKind' ? 'kind' : field === 'resourceId' ? 'id' : 'project';
  const atoms: { value: string | null; condition: ValueCondition }[] = [
    ...values.map((v) => ({ value: v, condition: { in: [v] } })),
    // The absent field behaves like any value no list names.
    { value: null, condition: { notIn: values } },
  ];
  const holds = (list: string[] | null, value: string | null): boolean => list === null || (value !== null && list.includes(value));
  return atoms.map(({ value, condition }) => ({
    apply: (c, i) => [{ ...c, [field]: condition }, value === null ? i : { ...i, resource: { ...i.resource, [key]: value } }],
    keepRule: (r) => holds(ruleList(r), value),
    keepGrant: (g) => (grantList ? holds(grantList(g), value) : true),
  }));
}

function attemptParts(rules: readonly IrRule[]): Part[] | null {
  const bounds = rules.map((r) => r.match.attempt).filter((a) => a !== null);
  if (bounds.length === 0) return null;
  const cuts = new Set<number>([1]);
  for (const a of bounds) {
    if (a.min !== null && a.min > 1 && a.min <= MAX_ATTEMPT) cuts.add(a.min);
    if (a.max !== null && a.max + 1 > 1 && a.max + 1 <= MAX_ATTEMPT) cuts.add(a.max + 1);
  }
  const starts = [...cuts].sort((x, y) => x - y);
  return starts.map((min, k) => {
    const max = k + 1 < starts.length ? starts[k + 1]! - 1 : MAX_ATTEMPT;
    return {
      apply: (c, i) => [{ ...c, attempt: { min, max } }, { ...i, attempt: min }],
      keepRule: (r) => {
        const a = r.match.attempt;
        return !a || ((a.min === null || min >= a.min) && (a.max === null || min <= a.max));
      },
      keepGrant: keepAll,
    };
  });
}

function verifiedParts(rules: readonly IrRule[]): Part[] | null {
  if (!rules.some((r) => (r.match.identity?.verified ?? null) !== null)) return null;
  return [false, true].map((v) => ({
    apply: (c, i) => [{ ...c, verified: v }, { ...i, identity: { ...i.identity, verified: v } }],
    keepRule: (r) => {
      const want = r.match.identity?.verified ?? null;
      return want === null || want === v;
    },
    keepGrant: keepAll,
  }));
}

const FIELDS: readonly Field[] = ['attempt', 'verified', 'originator', 'tenant', 'resourceKind', 'resourceId', 'project'];

function partsFor(field: Field, rules: readonly IrRule[], grants: readonly IrGrant[]): Part[] | null {
  switch (field) {
    case 'attempt':
      return attemptParts(rules);
    case 'verified':
      return verifiedParts(rules);
    case 'originator':
    case 'tenant':
      return identityParts(field, rules);
    case 'resourceKind':
      return resourceParts(field, (r) => r.match.resources?.kinds ?? null, null, rules, grants);
    case 'resourceId':
      return resourceParts(field, (r) => r.match.resources?.ids ?? null, (g) => g.resources, rules, grants);
    case 'project':
      return resourceParts(field, (r) => r.match.resources?.projects ?? null, (g) => g.projects, rules, grants);
  }
}

const hasArguments = (args: IrArguments | undefined): boolean => args !== undefined && Object.keys(args).length > 0;

function conditionsOn(field: Field, r: IrRule): boolean {
  const m = r.match;
  switch (field) {
    case 'attempt':
      return m.attempt !== null;
    case 'verified':
      return (m.identity?.verified ?? null) !== null;
    case 'originator':
    case 'tenant':
      return (m.identity?.[field] ?? null) !== null;
    case 'resourceKind':
      return (m.resources?.kinds ?? null) !== null;
    case 'resourceId':
      return (m.resources?.ids ?? null) !== null;
    case 'project':
      return (m.resources?.projects ?? null) !== null;
  }
}

const bit = (field: Field): number => 1 << FIELDS.indexOf(field);

/** What is still open once the fields in `done` (a bit per FIELDS entry) are split: the other fields, and every argument path unless `fieldsOnly`. */
function openOf(done: number, fieldsOnly: boolean): Open {
  const rest = FIELDS.filter((f) => (done & bit(f)) === 0);
  const ids = rest.includes('resourceId');
  const projects = rest.includes('project');
  return {
    rule: (r) => (!fieldsOnly && hasArguments(r.match.arguments)) || rest.some((f) => conditionsOn(f, r)),
    grant: (g) => (!fieldsOnly && hasArguments(g.arguments)) || (ids && g.resources !== null) || (projects && g.projects !== null),
  };
}
const OPEN = Array.from({ length: 1 << FIELDS.length }, (_, done) => openOf(done, false));
const OPEN_FIELDS = Array.from({ length: 1 << FIELDS.length }, (_, done) => openOf(done, true));

/**
 * The field to split next: one the rule that would decide first still conditions on (./settle.ts
 * firstOpen), so that the branch where it holds settles it and drops every rule it outranks — a
 * fixed field order would first split every field of the rules it outranks, multiplying the cells
 * by their values. Null when only argument paths are left.
 */
function nextField(b: SideNode, h: SideNode, done: number): Field | null {
  const open = OPEN_FIELDS[done]!;
  const fb = firstOpen(b.rules, open);
  const fh = firstOpen(h.rules, open);
  const rule = fb && (!fh || SEVERITY[fb.mode] >= SEVERITY[fh.mode]) ? fb : fh;
  const unsplit = (f: Field): boolean => (done & bit(f)) === 0;
  if (rule) return FIELDS.find((f) => unsplit(f) && conditionsOn(f, rule))!;
  const grants = [...(b.grants ?? []), ...(h.grants ?? [])];
  if (unsplit('resourceId') && grants.some((g) => g.resources !== null)) return 'resourceId';
  if (unsplit('project') && grants.some((g) => g.projects !== null)) return 'project';
  return null;
}

function splitInner(walk: Walk, done: number, b0: SideNode, h0: SideNode, conditions: Conditions, input: Input, pb: Pruned, ph: Pruned): void {
  // Rules and grants that can no longer decide are dropped first (./settle.ts), so a subtree
  // where both sides agree whatever the remaining fields hold is not split at all.
  const b = settleNode(b0, OPEN[done]!);
  const h = settleNode(h0, OPEN[done]!);
  if (sameNode(b, h)) return;
  const field = nextField(b, h, done);
  if (field === null) {
    splitArguments(walk, b, h, conditions, input, pb, ph);
    return;
  }
  const parts = partsFor(field, [...b.rules, ...h.rules], [...(b.grants ?? []), ...(h.grants ?? [])]);
  if (parts === null) {
    splitInner(walk, done | bit(field), b, h, conditions, input, pb, ph);
    return;
  }
  for (const part of parts) {
    const nb = narrow(b, part);
    const nh = narrow(h, part);
    const [c, i] = part.apply(conditions, input);
    if (sameNode(nb, nh)) continue;
    splitInner(walk, done | bit(field), nb, nh, c, i, pb, ph);
  }
}

/** Argument conditions of the rules and grants still in play, by path. */
function argumentConditions(nodes: readonly SideNode[]): Map<string, ArgumentCondition[]> {
  const out = new Map<string, ArgumentCondition[]>();
  const add = (args: IrArguments | undefined): void => {
    for (const [path, c] of Object.entries(args ?? {})) {
      const list = out.get(path);
      if (list) list.push(c);
      else out.set(path, [c]);
    }
  };
  for (const n of nodes) {
    for (const r of n.rules) add(r.match.arguments);
    for (const g of n.grants ?? []) add(g.arguments);
  }
  return out;
}

type Chosen = { path: string; atom: PathAtom };

/** A changed cell below an argument split, relative to it: the classes it adds, by path. */
interface ArgumentCell {
  values: [path: string, values: ArgumentValues][];
  atoms: Chosen[];
  before: SideDecision;
  after: SideDecision;
}

/** One argument split's fixed context: everything but the arguments is the same in all its cells. */
interface ArgumentWalk {
  walk: Walk;
  input: Input;
  pb: Pruned;
  ph: Pruned;
  /** Changed cells below a state of the split (see argumentCells): the same state recurs under many classes of the paths already split. */
  memo: Map<string, ArgumentCell[]>;
}

/**
 * Splits the argument paths of one cell of the other dimensions; see ./arguments.ts for the
 * classes of a path and ./settle.ts for why the split stops where both sides settle alike.
 */
function splitArguments(walk: Walk, b: SideNode, h: SideNode, conditions: Conditions, input: Input, pb: Pruned, ph: Pruned): void {
  if (argumentConditions([b, h]).size === 0) {
    const d = decide(walk, b, h, input, pb, ph);
    if (d) emitCell(walk, h, conditions, input, d);
    return;
  }
  const aw: ArgumentWalk = { walk, input, pb, ph, memo: new Map() };
  for (const cell of argumentCells(aw, b, h, [])) {
    const values: Record<string, ArgumentValues> = {};
    for (const [path, v] of [...cell.values].sort((x, y) => byString(x[0], y[0]))) defineOwn(values, path, v);
    const c: Conditions = cell.values.length === 0 ? conditions : { ...conditions, arguments: values };
    emitCell(walk, h, c, { ...input, argAtoms: [...cell.atoms].sort((x, y) => byString(x.path, y.path)) }, cell);
  }
}

function settleNode(n: SideNode, open: Open): SideNode {
  const scopesChecked = n.s.api !== undefined && n.s.api.tokens.checkScopesFor.includes(n.cls);
  const { rules, grants, decided } = settle(n.rules, n.grants, open, scopesChecked);
  // The default decides nowhere once a rule matches everywhere, nor where a token finding more
  // severe than it is certain (that finding decides instead): a change of defaults then changes nothing.
  const token = certainTokenMode(n, grants, scopesChecked);
  const fallback = decided || n.fallback === null || (token !== null && SEVERITY[token] > SEVERITY[n.fallback]) ? null : n.fallback;
  const out: SideNode = { ...n, rules, grants, fallback };
  // shadow-all only turns a deny into a shadow: where nothing of the side can deny, it changes nothing.
  if (out.enforcement === 'shadow-all' && !canDeny(out, scopesChecked)) out.enforcement = 'normal';
  return out;
}

/** The mode of the token finding when every input of the cell has one; null when some may have none. */
function certainTokenMode(n: SideNode, grants: readonly IrGrant[] | null, scopesChecked: boolean): Mode | null {
  if (n.tokenMode !== null) return n.tokenMode;
  if (n.token === null) return null;
  if (n.expired) return 'deny';
  return scopesChecked && grants !== null && grants.length === 0 ? 'deny' : null;
}

/** Whether some finding of a settled side can still be a deny somewhere in the cell. */
function canDeny(n: SideNode, scopesChecked: boolean): boolean {
  if (n.rules.some((r) => r.mode === 'deny') || n.fallback === 'deny' || n.tokenMode === 'deny' || n.expired) return true;
  // A usable token's scope finding denies unless a grant covers every input of the cell.
  return scopesChecked && n.grants !== null && !n.grants.includes(COVERED);
}

/**
 * The changed cells below `done` (the classes chosen so far), relative to it. Paths are split one
 * at a time, the next one taken from the rule that would decide first (./settle.ts), a shorter
 * path before any path below it (see ./arguments.ts for why a path below an ancestor that is not
 * an object can only be absent). What is below depends only on the settled sides and on which of
 * the remaining paths are blocked that way, so it is computed once per such state.
 */
function argumentCells(aw: ArgumentWalk, b0: SideNode, h0: SideNode, done: readonly Chosen[]): ArgumentCell[] {
  const split = new Set(done.map((d) => d.path));
  const openArgs = (args: IrArguments | undefined): boolean => args !== undefined && Object.keys(args).some((p) => !split.has(p));
  const open: Open = { rule: (r) => openArgs(r.match.arguments), grant: (g) => openArgs(g.arguments) };
  const b = settleNode(b0, open);
  const h = settleNode(h0, open);
  if (sameNode(b, h)) return [];
  const byPath = argumentConditions([b, h]);
  for (const p of split) byPath.delete(p);
  if (byPath.size === 0) {
    const d = decide(aw.walk, b, h, { ...aw.input, argAtoms: [...done] }, aw.pb, aw.ph);
    return d ? [{ values: [], atoms: [], before: d.before, after: d.after }] : [];
  }
  const isBlocked = (path: string): boolean => done.some((d) => path.startsWith(d.path + '.') && d.atom.atom !== OTHER);
  const remaining = [...byPath.keys()].sort(byString);
  const key = `${listKey(b.rules, b.grants)}\u0001${listKey(h.rules, h.grants)}\u0001${JSON.stringify([b.fallback, h.fallback, b.enforcement, h.enforcement, remaining.map((p) => [p, isBlocked(p)])])}`;
  const known = aw.memo.get(key);
  if (known) return known;

  const path = nextPath(b, h, open, remaining);
  const conds = byPath.get(path)!;
  const blocked = isBlocked(path);
  const atoms = blocked ? [{ atom: ABSENT, value: undefined }] : pathAtoms(conds);
  const all = atoms.map((a) => a.atom);
  const holds = (args: IrArguments | undefined, atom: PathAtom): boolean => !args || !hasOwn(args, path) || argumentHolds(args[path]!, atom.value);
  // Classes every remaining rule and grant treats alike are one part; `other` stays apart when a
  // longer path is still to split, since only below it can that path hold a value.
  const nested = remaining.some((p) => p.startsWith(path + '.'));
  const groups = new Map<string, PathAtom[]>();
  for (const atom of atoms) {
    const groupKey = [b, h]
      .map((n) => [...n.rules.map((r) => holds(r.match.arguments, atom)), '|', ...(n.grants ?? []).map((g) => holds(g.arguments, atom))].map((x) => (x === true ? '1' : x === false ? '0' : x)).join(''))
      .join('/') + (nested && atom.atom === OTHER ? '/other' : '');
    const list = groups.get(groupKey);
    if (list) list.push(atom);
    else groups.set(groupKey, [atom]);
  }
  // Cells below different classes of this path that agree on everything else are one cell over
  // the union of those classes (exact: a union of whole cells); merging here, before a state's
  // cells are repeated under every context it recurs in, keeps their number down.
  const merged = new Map<string, { names: Set<ArgumentAtom>; cell: ArgumentCell }>();
  for (const group of groups.values()) {
    // The representative: `other` when the group has it, so longer paths may still hold values.
    const atom = group.find((a) => a.atom === OTHER) ?? group[0]!;
    const nb: SideNode = { ...b, rules: b.rules.filter((r) => holds(r.match.arguments, atom)), grants: b.grants === null ? null : b.grants.filter((g) => holds(g.arguments, atom)) };
    const nh: SideNode = { ...h, rules: h.rules.filter((r) => holds(r.match.arguments, atom)), grants: h.grants === null ? null : h.grants.filter((g) => holds(g.arguments, atom)) };
    if (sameNode(nb, nh)) continue;
    for (const cell of argumentCells(aw, nb, nh, [...done, { path, atom }])) {
      const cellKey = JSON.stringify([cell.before, cell.after, [...cell.values].sort((x, y) => byString(x[0], y[0]))]);
      const entry = merged.get(cellKey);
      if (entry) for (const a of group) entry.names.add(a.atom);
      else merged.set(cellKey, { names: new Set(group.map((a) => a.atom)), cell: { ...cell, atoms: [{ path, atom }, ...cell.atoms] } });
    }
  }
  const out: ArgumentCell[] = [];
  for (const { names, cell } of merged.values()) {
    if (blocked || names.size === atoms.length) {
      out.push(cell);
      continue;
    }
    const values: ArgumentValues = names.has(OTHER) ? { notIn: all.filter((a) => !names.has(a)) } : { in: all.filter((a) => names.has(a)) };
    out.push({ ...cell, values: [[path, values], ...cell.values] });
  }
  aw.memo.set(key, out);
  return out;
}

/** The path to split next: the first open path of the rule (or else grant) that would decide first, or a shorter path above it. */
function nextPath(b: SideNode, h: SideNode, open: Open, remaining: readonly string[]): string {
  const fb = firstOpen(b.rules, open);
  const fh = firstOpen(h.rules, open);
  const target =
    fb && (!fh || SEVERITY[fb.mode] >= SEVERITY[fh.mode])
      ? fb.match.arguments
      : fh
        ? fh.match.arguments
        : [...(b.grants ?? []), ...(h.grants ?? [])].find((g) => open.grant(g))?.arguments;
  const path = Object.keys(target ?? {}).filter((p) => remaining.includes(p)).sort(byString)[0] ?? remaining[0]!;
  // The shortest remaining path above it goes first.
  return remaining.filter((p) => path.startsWith(p + '.')).sort((x, y) => x.length - y.length)[0] ?? path;
}

function narrow(n: SideNode, part: Part): SideNode {
  return { ...n, rules: n.rules.filter((r) => part.keepRule(r)), grants: n.grants === null ? null : n.grants.filter((g) => part.keepGrant(g)) };
}

/** Both sides' decisions for a representative input, when they differ. */
function decide(walk: Walk, b: SideNode, h: SideNode, given: Input, pb: Pruned, ph: Pruned): { before: SideDecision; after: SideDecision } | null {
  walk.evaluated++;
  const input = realizeInput(given);
  const db = evaluate(pb.ir, input, pb.data);
  const dh = evaluate(ph.ir, input, ph.data);
  if (db.mode === dh.mode && db.rule === dh.rule) return null;
  return {
    before: { mode: db.mode, rule: db.rule, class: b.s.api ? b.cls : null },
    after: { mode: dh.mode, rule: dh.rule, class: h.s.api ? h.cls : null },
  };
}

/** The decision input of a representative: the chosen argument classes become an arguments object. */
function realizeInput(given: Input): Record<string, unknown> {
  const { argAtoms, ...input } = given;
  const args = argAtoms ? realizeArguments(argAtoms) : undefined;
  if (args) (input as Record<string, unknown>)['arguments'] = args;
  return input as unknown as Record<string, unknown>;
}

function emitCell(walk: Walk, h: SideNode, conditions: Conditions, input: Input, d: { before: SideDecision; after: SideDecision }): void {
  walk.emit({
    api: walk.apiName,
    conditions: ordered(conditions, CONDITION_ORDER),
    before: d.before,
    after: d.after,
    headEnvironment: h.s.api ? h.env : null,
    example: JSON.parse(JSON.stringify(ordered(realizeInput(input), INPUT_ORDER))) as Record<string, unknown>,
  });
}

// The fields are split in the order the rules call for (nextField), so reports list them in one
// fixed order instead: the same cells read the same whatever order found them.
const CONDITION_ORDER = ['operation', 'environment', 'token', 'operationType', 'time', ...FIELDS, 'arguments'];
const INPUT_ORDER = ['api', 'operation', 'resource', 'token', 'identity', 'time', 'attempt', 'arguments'];
const NESTED_ORDER: Record<string, string[]> = { resource: ['environment', 'kind', 'id', 'project'], identity: ['verified', 'originator', 'tenant'] };

function ordered<T extends object>(o: T, order: readonly string[]): T {
  const out: Record<string, unknown> = {};
  const rec = o as Record<string, unknown>;
  for (const k of [...order, ...Object.keys(o)]) {
    if (!hasOwn(rec, k) || hasOwn(out, k)) continue;
    const v = rec[k];
    const nested = order === INPUT_ORDER ? NESTED_ORDER[k] : undefined;
    defineOwn(out, k, nested && typeof v === 'object' && v !== null ? ordered(v, nested) : v);
  }
  return out as T;
}
