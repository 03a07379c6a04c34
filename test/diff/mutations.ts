// Random edits of a policy set for the diff's exactness tests: head = base with a few mutations,
// some of them borrowing pieces (a rule's match, a grant, an API's settings) from a second random
// policy set, so that heads differ from bases the ways real pull requests do.
import fc from 'fast-check';
import type { Ir, Mode, OperationClass } from '../../src/ir/types.js';
import { TIMES, irArb } from '../differential/arbitraries.js';
import { ARGUMENT_POOL, nestArguments } from './instantiate.js';

const MODES: Mode[] = ['allow', 'shadow', 'deny'];
const CLASSES: OperationClass[] = ['read', 'write', 'destructive'];

export type Plan = [kind: number, a: number, b: number, c: number];

const pick = <T>(xs: readonly T[], n: number): T | undefined => (xs.length === 0 ? undefined : xs[n % xs.length]);

/** Applies one mutation to `ir` in place; `donor` supplies borrowed pieces. */
function apply(ir: Ir, donor: Ir, [kind, a, b, c]: Plan): void {
  const rules = ir.policies.flatMap((p) => p.rules);
  const donorRules = donor.policies.flatMap((p) => p.rules);
  const policy = pick(ir.policies, a);
  const rule = pick(rules, a);
  const token = pick(ir.tokens, a);
  const api = pick(ir.apis, a);
  switch (kind % 19) {
    case 0:
      if (rule) rule.mode = MODES[b % 3]!;
      break;
    case 1:
      if (policy && policy.rules.length > 0) policy.rules.splice(b % policy.rules.length, 1);
      break;
    case 2: {
      const from = pick(donorRules, b);
      if (policy && from) policy.rules.splice(c % (policy.rules.length + 1), 0, { ...structuredClone(from), id: `${policy.name}/added${c}` });
      break;
    }
    case 3:
      if (policy && policy.rules.length > 1) {
        const i = b % policy.rules.length;
        const j = c % policy.rules.length;
        [policy.rules[i], policy.rules[j]] = [policy.rules[j]!, policy.rules[i]!];
      }
      break;
    case 4: {
      const from = pick(donorRules, b);
      if (rule && from) rule.match = { ...rule.match, environments: from.match.environments, attempt: from.match.attempt };
      break;
    }
    case 5: {
      const from = pick(donorRules, b);
      if (rule && from) rule.match = { ...rule.match, identity: from.match.identity, tokens: from.match.tokens, resources: from.match.resources };
      break;
    }
    case 6: {
      const from = pick(donor.tokens.flatMap((t) => t.grants), b);
      if (token && from) token.grants.push(structuredClone(from));
      break;
    }
    case 7:
      if (token && token.grants.length > 0) token.grants.splice(b % token.grants.length, 1);
      break;
    case 8:
      if (token) token.expires = b % 4 === 0 ? null : TIMES[b % TIMES.length]!;
      break;
    case 9:
      if (token) ir.tokens.splice(ir.tokens.indexOf(token), 1);
      break;
    case 10: {
      const from = pick(donor.tokens, b);
      if (from && !ir.tokens.some((t) => t.fingerprint === from.fingerprint)) {
        ir.tokens.push(structuredClone(from));
        ir.tokens.sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1));
      }
      break;
    }
    case 11: {
      const op = api && pick(api.operations, b);
      if (op) op.class = CLASSES[c % 3]!;
      break;
    }
    case 12:
      if (api && api.operations.length > 0) api.operations.splice(b % api.operations.length, 1);
      break;
    case 13: {
      const from = pick(donor.apis, b);
      if (api && from) {
        api.defaults = { ...from.defaults };
        if (c % 2 === 0) api.tokens = { ...from.tokens };
      }
      break;
    }
    case 14: {
      const from = pick(donor.apis, b);
      if (api && from) {
        if (c % 2 === 0) api.environments = [...from.environments];
        else api.protectedEnvironments = [...from.protectedEnvironments];
      }
      break;
    }
    case 15:
      ir.overrides = structuredClone(donor.overrides);
      break;
    case 16:
      if (token) token.name = pick(donor.tokens, b)?.name ?? token.name;
      break;
    case 17: {
      const from = pick(donorRules, b);
      if (rule) {
        const { arguments: _, ...rest } = rule.match;
        rule.match = from?.match.arguments && c % 3 !== 0 ? { ...rest, arguments: structuredClone(from.match.arguments) } : rest;
      }
      break;
    }
    case 18: {
      const grant = token && pick(token.grants, b);
      const from = pick(donor.tokens.flatMap((t) => t.grants), c);
      if (grant) {
        if (from?.arguments && c % 3 !== 0) grant.arguments = structuredClone(from.arguments);
        else delete grant.arguments;
      }
      break;
    }
  }
}

/** Applies mutations to `ir` in place, in order. */
export function applyPlans(ir: Ir, donor: Ir, plans: readonly Plan[]): void {
  for (const p of plans) apply(ir, donor, p);
}

export const planArb: fc.Arbitrary<Plan[]> = fc.array(fc.tuple(fc.nat(18), fc.nat(50), fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 4 });

/** A (base, head) pair: head is base after a few random mutations. */
export const pairArb: fc.Arbitrary<{ base: Ir; head: Ir; plans: Plan[] }> = fc.tuple(irArb, irArb, planArb).map(([base, donor, plans]) => {
  const head = structuredClone(base);
  applyPlans(head, donor, plans);
  return { base, head, plans };
});

const OPERATION_NAMES = ['volumeDelete', 'customDomainCreate', 'projects', 'purgeCache', 'fooDelete', 'undelete', 'listThings', 'zzUnseen'];
const VALUES = ['pocketos', 'acme', 'user:jer', 'vol_9x', 'volume', 'service', 'emoji😀', ''];

/**
 * Well-formed inputs drawn from what either side of a pair names (plus a few names neither does),
 * so that random inputs land on the pair's differences often; built from the IRs, not from the
 * diff's own vocabulary, so the completeness check stays independent of the code under test.
 */
export function inputsFor(base: Ir, head: Ir): fc.Arbitrary<Record<string, unknown>> {
  const both = [base, head];
  const rules = both.flatMap((ir) => ir.policies.flatMap((p) => p.rules));
  const grants = both.flatMap((ir) => ir.tokens.flatMap((t) => t.grants));
  const apis = [...new Set(both.flatMap((ir) => ir.apis.map((a) => a.name)))];
  const ops = [
    ...new Set([
      ...OPERATION_NAMES,
      ...both.flatMap((ir) => ir.apis.flatMap((a) => a.operations.map((o) => o.name))),
      ...rules.flatMap((r) => r.match.operations?.names ?? []),
      ...grants.flatMap((g) => g.operations.filter((s) => s !== '*' && !s.startsWith('class:'))),
    ]),
  ];
  const envs = [...new Set(['vault', 'nowhere', ...both.flatMap((ir) => ir.apis.flatMap((a) => [...a.environments, ...a.protectedEnvironments])), ...rules.flatMap((r) => r.match.environments ?? [])])];
  const fps = [...new Set(['', 'sha256:unseen', ...both.flatMap((ir) => ir.tokens.map((t) => t.fingerprint))])];
  const identity = [...new Set([...VALUES, ...rules.flatMap((r) => [r.match.identity?.originator, r.match.identity?.tenant].flatMap((c) => (c && 'in' in c ? c.in : [])))])];
  const resources = [...new Set([...VALUES, ...rules.flatMap((r) => [...(r.match.resources?.kinds ?? []), ...(r.match.resources?.ids ?? []), ...(r.match.resources?.projects ?? [])]), ...grants.flatMap((g) => [...(g.projects ?? []), ...(g.resources ?? [])])])];
  const times = [...new Set([...TIMES, ...both.flatMap((ir) => [...ir.tokens.map((t) => t.expires), ir.overrides.expires]).filter((t): t is string => t !== null)])];
  const attempts = [1, 2, 3, 4, 5, 1_000_000_000, ...rules.flatMap((r) => (r.match.attempt ? [r.match.attempt.min, r.match.attempt.max] : [])).filter((n): n is number => n !== null && n >= 1 && n <= 1_000_000_000)];
  const conditions = [...rules.map((r) => r.match.arguments), ...grants.map((g) => g.arguments)].flatMap((a) => Object.entries(a ?? {}));
  const argPaths = [...new Set(['zz', ...conditions.map(([p]) => p)])];
  const argValues = [...ARGUMENT_POOL, ...conditions.flatMap(([, c]) => (typeof c === 'string' ? [] : c.flatMap((v) => [v, JSON.stringify(v)])))];
  const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 4 });
  return fc
    .record({
      api: fc.constantFrom(...apis, 'unknown-api'),
      name: fc.constantFrom(...ops),
      type: opt(fc.constantFrom('query', 'mutation', 'subscription')),
      environment: opt(fc.constantFrom(...envs)),
      fingerprint: opt(fc.constantFrom(...fps)),
      originator: opt(fc.constantFrom(...identity)),
      tenant: opt(fc.constantFrom(...identity)),
      verified: opt(fc.boolean()),
      attempt: opt(fc.constantFrom(...attempts)),
      kind: opt(fc.constantFrom(...resources)),
      id: opt(fc.constantFrom(...resources)),
      project: opt(fc.constantFrom(...resources)),
      time: fc.constantFrom(...times),
      args: fc.array(fc.tuple(fc.constantFrom(...argPaths), fc.constantFrom(...argValues)), { maxLength: 4 }),
    })
    .map((r) => {
      const drop = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
      return drop({
        api: r.api,
        operation: drop({ name: r.name, type: r.type }),
        resource: drop({ kind: r.kind, id: r.id, environment: r.environment, project: r.project }),
        token: r.fingerprint === undefined ? undefined : { fingerprint: r.fingerprint },
        identity: drop({ originator: r.originator, tenant: r.tenant, verified: r.verified }),
        arguments: nestArguments(r.args),
        attempt: r.attempt,
        time: r.time,
      });
    });
}
