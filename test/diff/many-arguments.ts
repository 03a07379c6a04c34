// Policy-set pairs whose rules for one operation condition on many argument paths (up to 16 in
// 12 rules, some nested, one or two per rule, several values each) and whose grants do too: the
// shape that made a cross product of path classes take minutes. Head = base with some of those rules' modes,
// values and order changed, plus the generic mutations of ./mutations.ts.
import fc from 'fast-check';
import type { ArgumentCondition, IrArguments, IrGrant, IrRule, Mode } from '../../src/ir/types.js';
import { irArb } from '../differential/arbitraries.js';
import { applyPlans, planArb } from './mutations.js';

const PATHS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'n', 'n.a', 'n.b', 'n.a.x', 'deep.x.y', 'deep.z'];
const ACCEPTED = [true, false, 'true', 1, 0, '1', 'x', 'y', 'z', ''];
const MODES: Mode[] = ['allow', 'shadow', 'deny'];

const conditionArb: fc.Arbitrary<ArgumentCondition> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<ArgumentCondition>('present', 'absent', 'empty') },
  { weight: 3, arbitrary: fc.subarray(ACCEPTED, { minLength: 1, maxLength: 4 }) },
);

const argumentsArb: fc.Arbitrary<IrArguments> = fc.dictionary(fc.constantFrom(...PATHS), conditionArb, { minKeys: 1, maxKeys: 2 }).map((d) => {
  const out: IrArguments = {};
  for (const k of Object.keys(d).sort()) Object.defineProperty(out, k, { value: d[k], enumerable: true, writable: true, configurable: true });
  return out;
});

const ruleArb = fc.record({ mode: fc.constantFrom(...MODES), arguments: argumentsArb, environment: fc.option(fc.constantFrom('production', 'staging'), { freq: 3 }) });

/** An edit of the argument rules: a mode, a condition, a removal or a move. */
const editArb = fc.tuple(fc.nat(3), fc.nat(40), fc.nat(40), conditionArb);

export const manyArgumentsPairArb = fc
  .record({
    base: irArb,
    donor: irArb,
    rules: fc.array(ruleArb, { minLength: 5, maxLength: 12 }),
    grants: fc.array(argumentsArb, { maxLength: 3 }),
    edits: fc.array(editArb, { minLength: 1, maxLength: 3 }),
    plans: fc.option(planArb, { freq: 3 }),
  })
  .map(({ base, donor, rules, grants, edits, plans }) => {
    const api = base.apis[0]!;
    const op = api.operations[0]?.name ?? 'volumeDelete';
    const policy = `${api.name}-arguments`;
    base.policies.push({
      name: policy,
      api: api.name,
      owners: [],
      rules: rules.map(
        (r, i): IrRule => ({
          id: `${policy}/r${i}`,
          mode: r.mode,
          reason: null,
          match: { operations: { any: false, names: [op], classes: [] }, environments: r.environment ? [r.environment] : null, resources: null, tokens: null, identity: null, attempt: null, arguments: r.arguments },
        }),
      ),
    });
    const token = base.tokens.find((t) => t.api === api.name);
    for (const args of grants) token?.grants.push({ operations: [op], environments: ['*'], projects: null, resources: null, arguments: args } satisfies IrGrant);
    const head = structuredClone(base);
    const edited = head.policies.find((p) => p.name === policy)!.rules;
    for (const [kind, a, b, cond] of edits) {
      const rule = edited[a % edited.length];
      if (!rule) continue;
      if (kind === 0) rule.mode = MODES[b % 3]!;
      else if (kind === 1) {
        const paths = Object.keys(rule.match.arguments!);
        Object.defineProperty(rule.match.arguments!, paths[b % paths.length]!, { value: cond, enumerable: true, writable: true, configurable: true });
      } else if (kind === 2) edited.splice(a % edited.length, 1);
      else edited.splice(b % (edited.length + 1), 0, ...edited.splice(a % edited.length, 1));
    }
    if (plans) applyPlans(head, donor, plans);
    return { base, head };
  });
