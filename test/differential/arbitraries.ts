// fast-check generators for the differential suite: random policy sets (as IR), random bundle
// data (well-formed or corrupted) and random inputs (well-formed and hostile). Small vocabularies
// make collisions — a rule naming the operation, a token of the right API — frequent.
import fc from 'fast-check';
import { resolveOperations } from '../../src/ir/build.js';
import { bundleDataFromIr } from '../../src/ir/data.js';
import type {
  ArgumentCondition,
  IdentityCondition,
  Ir,
  IrApi,
  IrArguments,
  IrGrant,
  IrMatch,
  IrOperation,
  IrPolicy,
  IrRule,
  IrToken,
  Mode,
  OperationClass,
} from '../../src/ir/types.js';

export const API_NAMES = ['railway', 'github', 'stripe-v2'];
const ENVS = ['production', 'staging', 'development', 'qa'];
const OPS = [
  'volumeDelete', 'customDomainCreate', 'projects', 'serviceInstanceRedeploy', 'DBDelete', 'purgeCache',
  'user_remove', 'listThings', 'getX', 'wipe', 'resetPassword', 'tokenRevoke', 'HTTPGet', 'a.b/c-delete',
];
const EXTRA_OPS = ['fooDelete', 'XMLHttpRequestDelete', 'deleteAll', 'Delete', 'ÄDelete', 'snake_case_remove', 'v2Drop', 'erase-it', 'undelete'];
const TOKEN_NAMES = ['ci-domains', 'deploy', 'old', 'other'];
export const FINGERPRINTS = ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => `sha256:${c.repeat(64)}`);
const VALUES = ['pocketos', 'acme', 'user:jer', 'vol_9x', 'volume', 'service', 'prödüction', 'emoji😀', 'quote"back\\slash', 'nul\u0000'];
export const TIMES = [
  '2026-04-25T21:14:03Z',
  '2026-04-25T21:14:03.5Z',
  '2026-04-25T21:14:03.500000001Z',
  '2026-04-25T23:14:03+02:00',
  '2026-04-25t21:14:02.999999999z',
  '2027-01-31T00:00:00Z',
  '2024-02-29T12:00:00-05:30',
  '1999-12-31T23:59:59Z',
];
const BAD_TIMES = [
  '2026-02-30T00:00:00Z', '2026-04-25 21:14:03Z', '2026-04-25T21:14:03', 'yesterday', '2026-04-25T24:00:00Z',
  '2026-04-25T21:14:60Z', '2026-04-25T21:14:03.1234567890Z', '2026-13-01T00:00:00Z', '2026-04-25T21:14:03+24:00',
  '2026-04-25T21:14:03.Z', '', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '+2026-04-25T21:14:03Z',
];
const EDGE_TIMES = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999-23:59', '2000-02-29T00:00:00+00:00'];

const MODES: Mode[] = ['allow', 'shadow', 'deny'];
const CLASSES: OperationClass[] = ['read', 'write', 'destructive'];
const mode = fc.constantFrom(...MODES);
const klass = fc.constantFrom(...CLASSES);
const selectors = [...OPS, ...EXTRA_OPS.slice(0, 3), 'class:read', 'class:write', 'class:destructive', '*'];

function sortedUnique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}

const apiArb = (name: string): fc.Arbitrary<IrApi> =>
  fc
    .record({
      environments: fc.subarray(ENVS, { minLength: 1 }),
      protectedEnvironments: fc.shuffledSubarray([...ENVS, 'vault'], { minLength: 1, maxLength: 3 }),
      defaults: fc.record({ read: mode, write: mode, destructive: mode }),
      missing: mode,
      unknown: mode,
      checkScopesFor: fc.subarray(CLASSES),
      requireExpiry: fc.boolean(),
      operations: fc.uniqueArray(
        fc.record({ name: fc.constantFrom(...OPS), class: klass, type: fc.constantFrom('mutation', 'query') }),
        { selector: (o) => o.name, maxLength: 9 },
      ),
    })
    .map((a): IrApi => ({
      name,
      protocol: 'graphql',
      hosts: [`${name}.example`],
      endpoint: null,
      environments: a.environments,
      protectedEnvironments: a.protectedEnvironments,
      defaults: a.defaults,
      tokens: { headers: [], missing: a.missing, unknown: a.unknown, requireExpiry: a.requireExpiry, checkScopesFor: a.checkScopesFor },
      identity: { attemptHeader: null, originatorBaggageKey: 'originator', tenantBaggageKey: 'tenant' },
      resourceIds: { caseInsensitive: false },
      operations: a.operations
        .map((o): IrOperation => ({ name: o.name, class: o.class, type: o.type, reversible: null, resource: null, http: null }))
        .sort((x, y) => (x.name < y.name ? -1 : 1)),
    }));

const identityCond: fc.Arbitrary<IdentityCondition | null> = fc.oneof(
  fc.constant(null),
  fc.constant({ present: true as const }),
  fc.constant({ present: false as const }),
  fc.subarray(['user:jer', 'acme', 'pocketos', 'emoji😀']).map((xs) => ({ in: sortedUnique(xs) })),
);

const listOf = (values: readonly string[]): fc.Arbitrary<string[] | null> =>
  fc.option(fc.subarray([...values]).map(sortedUnique), { freq: 2 });

// Argument conditions: nested paths, every form, and accepted values whose text collides with
// other types (`true` and `"true"`, `1` and `"1"`).
const ARG_PATHS = ['skip', 'filter', 'input', 'input.private', 'input.name', 'a.b.c', 'émoji', '__proto__'];
const ACCEPTED = [true, false, 'true', 'false', 1, 0, -3, '1', '-3', 'x', 'émoji😀', ''];
const argumentCondition: fc.Arbitrary<ArgumentCondition> = fc.oneof(
  fc.constantFrom<ArgumentCondition>('present', 'absent', 'empty'),
  fc.subarray(ACCEPTED, { minLength: 1, maxLength: 3 }),
);
export const argumentsArb: fc.Arbitrary<IrArguments> = fc.dictionary(fc.constantFrom(...ARG_PATHS), argumentCondition, { minKeys: 1, maxKeys: 2 }).map((d) => {
  const out: IrArguments = {};
  for (const k of Object.keys(d).sort()) Object.defineProperty(out, k, { value: d[k], enumerable: true, writable: true, configurable: true });
  return out;
});

const matchArb = (api: IrApi): fc.Arbitrary<IrMatch> =>
  fc.record({
    operations: fc.option(fc.array(fc.constantFrom(...selectors), { minLength: 1, maxLength: 3 }).map((s) => resolveOperations(s, api)), { freq: 4 }),
    environments: listOf([...ENVS, 'nowhere']),
    resources: fc.option(fc.record({ kinds: listOf(VALUES.slice(3, 7)), ids: listOf(VALUES.slice(2, 5)), projects: listOf(VALUES.slice(0, 3)) }), { freq: 2 }),
    tokens: listOf(TOKEN_NAMES),
    identity: fc.option(fc.record({ originator: identityCond, tenant: identityCond, verified: fc.option(fc.boolean()) }), { freq: 2 }),
    attempt: fc.option(fc.record({ min: fc.option(fc.integer({ min: 1, max: 4 })), max: fc.option(fc.integer({ min: 1, max: 4 })) }), { freq: 3 }),
    arguments: fc.option(argumentsArb, { freq: 8 }),
  }).map(({ arguments: args, ...m }): IrMatch => (args ? { ...m, arguments: args } : m));

const policiesArb = (api: IrApi): fc.Arbitrary<IrPolicy[]> =>
  fc.uniqueArray(fc.constantFrom('a-team', 'b-team', 'safety', 'z-last'), { maxLength: 3 }).chain((teams) =>
    fc.tuple(
      ...teams.map((team) =>
        fc.array(fc.record({ mode, reason: fc.option(fc.constantFrom('Because.', 'Irreversible; ask a human.', 'Ünïcode reason 😀')), match: matchArb(api) }), { maxLength: 6 }).map(
          (rules): IrPolicy => ({
            name: `${api.name}-${team}`,
            api: api.name,
            owners: [],
            rules: rules.map((r, i): IrRule => ({ id: `${api.name}-${team}/r${i}`, mode: r.mode, reason: r.reason, match: r.match })),
          }),
        ),
      ),
    ),
  );

const grantArb: fc.Arbitrary<IrGrant> = fc.record({
  operations: fc.subarray(selectors, { minLength: 1, maxLength: 4 }),
  environments: fc.subarray([...ENVS, '*'], { minLength: 1 }),
  projects: listOf(VALUES.slice(0, 3)),
  resources: listOf(VALUES.slice(2, 5)),
  arguments: fc.option(argumentsArb, { freq: 8 }),
}).map(({ arguments: args, ...g }): IrGrant => (args ? { ...g, arguments: args } : g));

const tokensArb: fc.Arbitrary<IrToken[]> = fc
  .uniqueArray(
    fc.record({
      fingerprint: fc.constantFrom(...FINGERPRINTS.slice(0, 5)),
      family: fc.constant(null),
      name: fc.constantFrom(...TOKEN_NAMES),
      api: fc.constantFrom(...API_NAMES, 'ghost'),
      expires: fc.option(fc.constantFrom(...TIMES)),
      grants: fc.array(grantArb, { maxLength: 3 }),
    }),
    { selector: (t) => t.fingerprint, maxLength: 5 },
  )
  .map((ts) => ts.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1)));

export const irArb: fc.Arbitrary<Ir> = fc
  .subarray(API_NAMES, { minLength: 1 })
  .chain((names) => fc.tuple(...names.sort().map(apiArb)))
  .chain((apis) =>
    fc.record({
      apis: fc.constant(apis),
      policies: fc.tuple(...apis.map(policiesArb)).map((ps) => ps.flat().sort((a, b) => (a.name < b.name ? -1 : 1))),
      tokens: tokensArb,
      overrides: fc.record({
        enforcement: fc.constantFrom('normal' as const, 'shadow-all' as const, 'lockdown' as const),
        reason: fc.option(fc.constantFrom('incident under way', '')),
        expires: fc.option(fc.constantFrom(...TIMES)),
      }),
    }),
  )
  .map((r): Ir => ({ irVersion: 1, ...r, inventories: [] }));

// ---- data ------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A corruption of the bundle data an operator (or an attacker with write access to data) might make. */
const corruptions: ((d: { [k: string]: Json }) => void)[] = [
  (d) => { d['blastguard'] = null; },
  (d) => { (d['blastguard'] as { [k: string]: Json })['tokens'] = [1, 2]; },
  (d) => { (d['blastguard'] as { [k: string]: Json })['overrides'] = { enforcement: 'panic' }; },
  (d) => { (d['blastguard'] as { [k: string]: Json })['overrides'] = { enforcement: 'lockdown', reason: 5 }; },
  (d) => { (d['blastguard'] as { [k: string]: Json })['overrides'] = { enforcement: 'shadow-all', expires: 'never' }; },
  (d) => { (d['blastguard'] as { [k: string]: Json })['overrides'] = { enforcement: 'lockdown', reason: null, expires: null }; },
  (d) => { delete (d['blastguard'] as { [k: string]: Json })['overrides']; },
];
const tokenCorruptions: ((t: { [k: string]: Json }) => void)[] = [
  (t) => { t['name'] = 5; },
  (t) => { t['grants'] = 'all'; },
  (t) => { t['expires'] = 'soon'; },
  (t) => { t['expires'] = 17; },
  (t) => { delete t['api']; },
  (t) => { t['grants'] = [3, { operations: 'x', environments: ['*'] }, { operations: ['*'], environments: 'production' }]; },
  (t) => { t['grants'] = [{ operations: ['*', 7], environments: ['*'], projects: null, resources: 'vol_9x' }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], projects: 'pocketos' }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'] }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], arguments: { skip: 'maybe' } }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], arguments: 5 }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], arguments: { skip: [1.5] } }, { operations: ['*'], environments: ['*'], arguments: { skip: [null, true] } }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], arguments: { skip: [2 ** 53 + 2, 'true'] } }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], arguments: null }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], arguments: { '': 'absent', 'a..b': 'absent', filter: [] } }]; },
  (t) => { t['grants'] = [{ operations: ['*'], environments: ['*'], arguments: { skip: [true, -3, ''], 'input.private': 'empty' } }]; },
];

export interface DataPlan {
  corrupt: number;
  tokenCorrupt: number;
  tokenIndex: number;
}

export const dataPlanArb: fc.Arbitrary<DataPlan> = fc.record({
  corrupt: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(corruptions.length - 1) }),
  tokenCorrupt: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(tokenCorruptions.length - 1) }),
  tokenIndex: fc.nat(4),
});

export function dataFor(ir: Ir, plan: DataPlan): unknown {
  const d = JSON.parse(JSON.stringify(bundleDataFromIr(ir))) as { [k: string]: Json };
  const tokens = (d['blastguard'] as { [k: string]: Json })['tokens'] as { [k: string]: { [k: string]: Json } };
  const keys = Object.keys(tokens);
  if (plan.tokenCorrupt >= 0 && keys.length > 0) tokenCorruptions[plan.tokenCorrupt]!(tokens[keys[plan.tokenIndex % keys.length]!]!);
  if (plan.corrupt >= 0) corruptions[plan.corrupt]!(d);
  return d;
}

// ---- inputs ----------------------------------------------------------------------------------

const WRONG = fc.constantFrom<Json>(1, true, [], {}, 0.5, ['x']);

/** A field value: usually well-formed, sometimes null, absent (undefined) or of the wrong type. */
function field<T>(arb: fc.Arbitrary<T>, wrong: fc.Arbitrary<Json> = WRONG): fc.Arbitrary<T | Json | undefined> {
  return fc.oneof(
    { weight: 12, arbitrary: arb },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: wrong },
  );
}

function object<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields).map((o) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
    return out;
  });
}

// Argument values: scalars whose text collides with accepted values, empty ones, nested objects.
const argScalar = fc.constantFrom<Json>(true, false, 'true', 'false', 'TRUE', 1, 0, -3, 1.0, 2.5, -0, 1e21, '1', '01', '-3', 'x', 'émoji😀', '', null);
const argValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: argScalar },
  { weight: 1, arbitrary: fc.constantFrom<Json>([], {}, ['x'], [true], { private: true }) },
);
const argumentsObject = fc.record(
  {
    skip: argValue,
    filter: argValue,
    input: fc.oneof(argValue, object({ private: field(argValue), name: field(argValue) }) as fc.Arbitrary<Json>),
    a: fc.oneof(argValue, fc.record({ b: fc.oneof(argValue, fc.record({ c: argValue })) }) as fc.Arbitrary<Json>),
    'émoji': argValue,
  },
  { requiredKeys: [] },
);

const inputObject = object({
  api: field(fc.constantFrom(...API_NAMES, 'unknown-api', ''), fc.constantFrom<Json>(7, ['railway'])),
  operation: field(
    object({
      name: field(fc.constantFrom(...OPS, ...EXTRA_OPS, ''), fc.constantFrom<Json>(3, false)),
      type: field(fc.constantFrom('query', 'mutation', 'subscription')),
      extra: fc.constantFrom(undefined, 'ignored'),
    }),
  ),
  resource: field(
    object({
      kind: field(fc.constantFrom(...VALUES.slice(3, 7), '')),
      id: field(fc.constantFrom(...VALUES.slice(2, 5))),
      environment: field(fc.constantFrom(...ENVS, 'vault', 'Production', '')),
      project: field(fc.constantFrom(...VALUES.slice(0, 3))),
    }),
  ),
  token: field(object({ fingerprint: field(fc.constantFrom(...FINGERPRINTS, '', 'sha256:nope')) })),
  identity: field(
    object({
      originator: field(fc.constantFrom('user:jer', 'acme', '', 'emoji😀')),
      tenant: field(fc.constantFrom('pocketos', 'acme', '')),
      causation: field(fc.constantFrom('00-abc-01')),
      verified: field(fc.boolean(), fc.constantFrom<Json>('true', 1)),
    }),
  ),
  arguments: field(argumentsObject, fc.constantFrom<Json>('skip=true', [{ skip: true }], 3)),
  attempt: field(fc.constantFrom<Json>(1, 2, 3, 4, 1_000_000_000), fc.constantFrom<Json>(0, -1, 1_000_000_001, 2.5, '2', 1e21)),
  time: field(
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TIMES) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_TIMES, ...EDGE_TIMES) }),
    fc.constantFrom<Json>(1745615643, ['2026-04-25T21:14:03Z']),
  ),
  unknownField: fc.constantFrom(undefined, { deep: [1, 2, 3] }),
});

export const inputArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 30, arbitrary: inputObject },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 0, false, '', 'text', 42, [], [{ api: 'railway' }], true) },
);
