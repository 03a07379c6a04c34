// `npm run bench`, decision diff section: time to diff the example repository against a one-rule
// change, a 1,000-rule + 1,000-token policy set against a copy with 10 changes and against one
// whose panic flag and defaults alone change (no cell is untouched then), and rules of one
// operation conditioning on many argument paths (each path multiplies the cells a cross product
// would visit). Goals (issue 9): ≤ 2 s and ≤ 30 s on 2 cores; many argument paths in seconds.
// `npm run bench -- diff` prints this section only.
import path from 'node:path';
import { diffDecisions, type DiffReport } from '../../src/diff/index.js';
import { buildIr } from '../../src/ir/build.js';
import type { Ir, IrRule } from '../../src/ir/types.js';
import { checkPolicyDir } from '../../src/validate/index.js';

/** Ten edits of the kinds pull requests make: modes, environments, grants, an expiry, a class, a removal. */
export function tenChanges(ir: Ir): Ir {
  const head = structuredClone(ir);
  const rules = head.policies[0]!.rules;
  rules[10]!.mode = rules[10]!.mode === 'deny' ? 'allow' : 'deny';
  rules[250]!.mode = 'allow';
  rules[2]!.mode = 'shadow';
  rules[40]!.match = { ...rules[40]!.match, environments: ['staging', 'development'] };
  rules[41]!.match = { ...rules[41]!.match, environments: null };
  head.tokens[3]!.grants.push({ operations: ['class:destructive'], environments: ['staging'], projects: null, resources: null });
  head.tokens[500]!.grants[0]!.environments.push('production');
  head.tokens[7]!.expires = '2031-01-01T00:00:00Z';
  head.apis[0]!.operations[5]!.class = head.apis[0]!.operations[5]!.class === 'destructive' ? 'write' : 'destructive';
  rules.splice(600, 1);
  return head;
}

/**
 * What an incident pull request changes: the panic flag (a lockdown with a reason and an end) and
 * the API's defaults, no rule or token. Every cell of the policy set may now decide differently,
 * so nothing is skipped as untouched.
 */
export function panicAndDefaults(ir: Ir): Ir {
  const head = structuredClone(ir);
  head.overrides = { enforcement: 'lockdown', reason: 'incident INC-7 under way', expires: '2031-01-01T00:00:00Z' };
  for (const api of head.apis) api.defaults = { read: 'shadow', write: 'deny', destructive: 'deny' };
  return head;
}

const ARGUMENT_VALUES = [['a', 'b', 'c'], [true], ['x', 1, 'y'], 'present', 'empty', ['prod', 'stage']] as const;

/**
 * `n` rules on one operation, each conditioning on its own argument path (every third on a second
 * one), with several values each, and grants conditioning on two more; the head flips two rules'
 * modes and changes one rule's values: what a policy guarding a rich mutation's inputs looks like.
 */
export function argumentPathsPair(benchIr: (n: number) => Ir, n: number): { base: Ir; head: Ir } {
  const base = benchIr(10);
  const op = base.apis[0]!.operations.find((o) => o.class === 'write')!.name;
  const modes = ['deny', 'shadow', 'allow'] as const;
  const rules = base.policies[0]!.rules;
  for (let i = 0; i < n; i++) {
    const args: Record<string, unknown> = { [`input.p${i}`]: structuredClone(ARGUMENT_VALUES[i % ARGUMENT_VALUES.length]) };
    if (i % 3 === 2) args[`options.o${i}`] = i % 2 === 0 ? 'absent' : ['on'];
    rules.push({
      id: `bench-policy/argument-${i}`,
      mode: modes[i % 3]!,
      reason: null,
      match: { operations: { any: false, names: [op], classes: [] }, environments: null, resources: null, tokens: null, identity: null, attempt: null, arguments: args as NonNullable<IrRule['match']['arguments']> },
    });
  }
  const grant = base.tokens[0]!.grants[0]!;
  base.tokens[0]!.grants.push({ ...structuredClone(grant), operations: [op], arguments: { 'input.p0': ['a'], dryRun: [true] } });
  const head = structuredClone(base);
  const changed = head.policies[0]!.rules.filter((r) => r.id.startsWith('bench-policy/argument-'));
  changed[Math.floor(n / 2)]!.mode = 'allow';
  changed[n - 1]!.mode = 'deny';
  changed[1]!.match = { ...changed[1]!.match, arguments: { 'input.p1': ['a', 'z'] } };
  return { base, head };
}

function timed(base: Ir, head: Ir, runs: number): { ms: number; report: DiffReport } {
  const times: number[] = [];
  let report = diffDecisions(base, head);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    report = diffDecisions(base, head);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, report };
}

/** Prints the diff section's table; `benchIr(n)` is the bench's policy set of n rules and n tokens. */
export async function diffBench(root: string, benchIr: (n: number) => Ir): Promise<void> {
  const checked = await checkPolicyDir(path.join(root, 'policies'), { cwd: root, now: new Date('2026-06-01T00:00:00Z') });
  const example = buildIr(checked.set);
  const loosened = structuredClone(example);
  const rule = loosened.policies.flatMap((p) => p.rules).find((r) => r.mode === 'deny')!;
  rule.mode = 'allow';
  const small = timed(example, loosened, 3);
  process.stderr.write('measured the example diff\n');
  const big = benchIr(1_000);
  const large = timed(big, tenChanges(big), 1);
  process.stderr.write('measured the 1,000-rule diff\n');
  const panic = timed(big, panicAndDefaults(big), 1);
  process.stderr.write('measured the 1,000-rule panic-flag and defaults diff\n');
  const argumentRows = [6, 12, 20].map((n) => {
    const { base, head } = argumentPathsPair(benchIr, n);
    const paths = new Set(base.policies.flatMap((p) => p.rules).flatMap((r) => Object.keys(r.match.arguments ?? {})));
    const t = timed(base, head, 3);
    process.stderr.write(`measured the ${n}-argument-rule diff\n`);
    return { name: `${paths.size} argument paths in ${n} rules of one operation, 3 changes`, t };
  });
  const row = (name: string, goal: string, t: { ms: number; report: DiffReport }): string =>
    `| ${name} | ${(t.ms / 1000).toFixed(2)} s | ${goal} | ${t.report.summary.cellsEvaluated.toLocaleString('en-US')} | ${t.report.rows.length.toLocaleString('en-US')} | ${t.report.summary.loosened} / ${t.report.summary.tightened} |`;
  console.log('');
  console.log('Decision diff (`blastguard diff`), median wall time on one core, exact (every changed cell):');
  console.log('');
  console.log('| policy sets | time | goal | cells evaluated | rows | loosened / tightened |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(row('example repository, one rule deny → allow', '≤ 2 s', small));
  console.log(row('1,000 rules + 1,000 tokens, 10 changes', '≤ 30 s', large));
  console.log(row('1,000 rules + 1,000 tokens, only the panic flag (lockdown) and the defaults change', '≤ 30 s', panic));
  for (const { name, t } of argumentRows) console.log(row(name, '≤ 5 s', t));
}
