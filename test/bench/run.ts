// `npm run bench`: decision latency and throughput of the compiled policy through the official
// OPA npm SDK, next to the reference evaluator and Cedar (@cedar-policy/cedar-wasm, stateful
// API) on equivalent policy sets of 10 … 10,000 rules, plus compile time and module size.
// Not a test: it prints a markdown table. `npm run bench -- diff` prints the decision diff section alone.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { compileIr } from '../../src/compile/index.js';
import { RUNTIME_WASM, memoryMinPages, runtimePath } from '../../src/compile/link.js';
import { loadDecisionEngine } from '../../src/engine/sdk.js';
import { evaluate } from '../../src/evaluate/index.js';
import { bundleDataFromIr } from '../../src/ir/data.js';
import { GoStyleHost } from '../differential/go-host.js';
import { benchCatalog } from './catalog.js';
import { benchDistribute } from './distribute.js';
import { diffBench } from './diff.js';
import { benchEnvelope } from './envelope.js';
import { EnforceBench } from './enforce.js';
import { benchProxy } from './proxy.js';
import { benchInsight } from './insight.js';
import type { Ir, IrOperation, IrRule, IrToken, Mode, OperationClass } from '../../src/ir/types.js';

const SIZES = [10, 100, 1_000, 10_000];
const ENVS = ['production', 'staging', 'development'];
const CLASSES: OperationClass[] = ['read', 'write', 'destructive'];

// dist/bench/run.mjs sits two levels below the package root.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function ensureRuntime(): void {
  if (existsSync(runtimePath())) return;
  // `npm run build` compiles TypeScript only; the runtime comes from the AssemblyScript build.
  execFileSync(process.execPath, [path.join(ROOT, 'dist', 'compile', 'runtime', 'build.js'), path.dirname(RUNTIME_WASM)], { stdio: 'inherit' });
}

/** A policy set of `n` rules: mostly per-operation rules with conditions, a few class rules. */
function benchIr(n: number): Ir {
  const opCount = Math.max(3, Math.floor(n / 2));
  const operations: IrOperation[] = [];
  for (let i = 0; i < opCount; i++) {
    operations.push({ name: `op${String(i).padStart(5, '0')}`, class: CLASSES[i % 3]!, type: 'mutation', reversible: null, resource: null, http: null });
  }
  const byClass = (c: OperationClass): string[] => operations.filter((o) => o.class === c).map((o) => o.name);
  const rules: IrRule[] = [];
  const modes: Mode[] = ['allow', 'shadow', 'deny'];
  for (let i = 0; i < n; i++) {
    const id = `bench-policy/rule-${i}`;
    if (i < 3) {
      const cls = CLASSES[i]!;
      rules.push({ id, mode: cls === 'destructive' ? 'deny' : 'shadow', reason: `class ${cls} in production`, match: { operations: { any: false, names: byClass(cls), classes: [cls] }, environments: ['production'], resources: null, tokens: null, identity: null, attempt: null } });
      continue;
    }
    const op = operations[i % opCount]!;
    rules.push({
      id,
      mode: modes[i % 3]!,
      reason: `rule ${i} reason`,
      match: {
        operations: { any: false, names: [op.name], classes: [] },
        environments: i % 2 === 0 ? [ENVS[i % 3]!] : null,
        resources: i % 5 === 0 ? { kinds: null, ids: null, projects: ['pocketos'] } : null,
        tokens: null,
        identity: i % 7 === 0 ? { originator: { present: true }, tenant: null, verified: null } : null,
        attempt: i % 11 === 0 ? { min: 2, max: null } : null,
      },
    });
  }
  const tokens: IrToken[] = [];
  // As many tokens as rules: the compile budget is 1,000 rules + 1,000 tokens in under 1 s.
  for (let i = 0; i < Math.max(10, n); i++) {
    tokens.push({
      name: `token-${i}`,
      api: 'bench',
      family: null,
      fingerprint: `sha256:${i.toString(16).padStart(64, '0')}`,
      expires: '2030-01-01T00:00:00Z',
      grants: [{ operations: [operations[i % opCount]!.name, 'class:read'], environments: ['staging', 'development'], projects: ['pocketos'], resources: null }],
    });
  }
  return {
    irVersion: 1,
    apis: [
      {
        name: 'bench',
        protocol: 'graphql',
        hosts: ['bench.example'],
        endpoint: null,
        environments: ENVS,
        protectedEnvironments: ['production'],
        defaults: { read: 'allow', write: 'shadow', destructive: 'deny' },
        tokens: { headers: [], missing: 'deny', unknown: 'deny', requireExpiry: true, checkScopesFor: ['write', 'destructive'] },
        identity: { attemptHeader: null, originatorBaggageKey: 'originator', tenantBaggageKey: 'tenant' },
        resourceIds: { caseInsensitive: false },
        operations,
      },
    ],
    policies: [{ name: 'bench-policy', api: 'bench', owners: [], rules }],
    tokens,
    overrides: { enforcement: 'normal', reason: null, expires: null },
    inventories: [],
  };
}

interface BenchInput {
  api: string;
  operation: { name: string; type: string };
  resource: { kind: string; id: string; environment: string; project: string };
  token: { fingerprint: string };
  identity: { originator?: string; tenant: string };
  attempt: number;
  time: string;
}

function benchInputs(ir: Ir, count: number): BenchInput[] {
  const ops = ir.apis[0]!.operations;
  const out: BenchInput[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      api: 'bench',
      operation: { name: i % 10 === 9 ? `uncataloguedDelete${i}` : ops[(i * 7919) % ops.length]!.name, type: 'mutation' },
      resource: { kind: 'service', id: `svc_${i}`, environment: ENVS[i % 3]!, project: i % 4 === 0 ? 'other' : 'pocketos' },
      token: { fingerprint: ir.tokens[i % ir.tokens.length]!.fingerprint },
      identity: i % 2 === 0 ? { originator: 'user:jer', tenant: 'pocketos' } : { tenant: 'pocketos' },
      attempt: 1 + (i % 3),
      time: '2026-04-25T21:14:03Z',
    });
  }
  return out;
}

/** The same policy set in Cedar: one permit/forbid per rule, conditions on the request context. */
function cedarPolicies(ir: Ir): string {
  const out: string[] = ['permit (principal, action, resource) when { context.cls == "read" };'];
  for (const rule of ir.policies[0]!.rules) {
    const effect = rule.mode === 'deny' ? 'forbid' : 'permit';
    const ops = rule.match.operations!.names.map((n) => `Action::"${n}"`).join(', ');
    const conds: string[] = [];
    if (rule.match.environments) conds.push(`[${rule.match.environments.map((e) => `"${e}"`).join(', ')}].contains(context.environment)`);
    if (rule.match.resources?.projects) conds.push(`["pocketos"].contains(context.project)`);
    if (rule.match.identity) conds.push('context has originator');
    if (rule.match.attempt) conds.push('context.attempt >= 2');
    const when = conds.length > 0 ? ` when { ${conds.join(' && ')} }` : '';
    out.push(`${effect} (principal, action in [${ops}], resource)${when};`);
  }
  return out.join('\n');
}

interface Stats {
  perSecond: number;
  p50: number;
  p99: number;
}

// Latency per call (µs) over a rotating input pool after a warm-up, then throughput from a tight
// loop; each phase is bounded by both a count and a time budget so slow engines finish.
function measure<T>(inputs: readonly T[], fn: (input: T) => unknown, samples = 20_000): Stats {
  const deadline = (ms: number): bigint => process.hrtime.bigint() + BigInt(ms * 1e6);
  let until = deadline(300);
  for (let i = 0; i < 5_000 && process.hrtime.bigint() < until; i++) fn(inputs[i % inputs.length]!);
  const lat: number[] = [];
  until = deadline(1_500);
  for (let i = 0; i < samples && (i < 200 || process.hrtime.bigint() < until); i++) {
    const input = inputs[i % inputs.length]!;
    const t0 = process.hrtime.bigint();
    fn(input);
    lat.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  lat.sort((x, y) => x - y);
  let loops = 0;
  const t0 = process.hrtime.bigint();
  until = deadline(700);
  while (loops < samples && (loops < 200 || process.hrtime.bigint() < until)) {
    // Batches of 16 keep the clock out of the loop's cost.
    for (let k = 0; k < 16; k++) fn(inputs[(loops + k) % inputs.length]!);
    loops += 16;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perSecond: loops / seconds, p50: lat[Math.floor(lat.length * 0.5)]!, p99: lat[Math.floor(lat.length * 0.99)]! };
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const rate = (n: number): string => (n >= 1e6 ? `${fmt(n / 1e6, 2)} M/s` : `${fmt(n / 1e3, 0)} k/s`);

async function main(): Promise<void> {
  // One section alone (BENCH_ONLY=decide|diff|proxy|report, or `npm run bench -- diff`): a quick
  // run while working on one part.
  const only = process.env['BENCH_ONLY'] ?? (process.argv.includes('diff') ? 'diff' : undefined);
  if (only === 'diff') {
    await diffBench(ROOT, benchIr);
    return;
  }
  ensureRuntime();
  if (only === 'proxy') {
    for (const line of await benchProxy(ROOT)) console.log(line);
    return;
  }
  if (only === 'report') {
    for (const line of await benchInsight(ROOT)) console.log(line);
    return;
  }
  const rows: string[] = [];
  const enforce = new EnforceBench();
  for (const n of SIZES) {
    const ir = benchIr(n);
    const data = bundleDataFromIr(ir);
    const compileTimes: number[] = [];
    let compiled = compileIr(ir);
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      compiled = compileIr(ir);
      compileTimes.push(performance.now() - t0);
    }
    compileTimes.sort((a, b) => a - b);
    const engine = await loadDecisionEngine(compiled.wasm, compiled.data);
    const inputs = benchInputs(ir, 1_000);
    for (const input of inputs.slice(0, 200)) {
      if (JSON.stringify(engine.decide(input)) === undefined) throw new Error('no decision');
    }
    const wasm = measure(inputs, (input) => engine.decide(input));
    // The module alone: input already encoded, output located but not decoded (what a host that
    // forwards bytes pays), through the same opa_eval entry point.
    const host = new GoStyleHost(compiled.wasm, compiled.data, memoryMinPages(compiled.wasm));
    const encoded = inputs.map((i) => new TextEncoder().encode(JSON.stringify(i)));
    const core = measure(encoded, (bytes) => host.evalBytes(bytes, 0, 0));
    const allow = measure(inputs, (input) => engine.allow(input));
    const reference = measure(inputs, (input) => evaluate(ir, input, data));

    const pset = `bench-${n}`;
    const parsed = preparsePolicySet(pset, { staticPolicies: cedarPolicies(ir) });
    if (parsed.type !== 'success') throw new Error(`cedar: ${JSON.stringify(parsed.errors).slice(0, 500)}`);
    const cedar = measure(inputs, (input) =>
      statefulIsAuthorized({
        principal: { type: 'Token', id: input.token.fingerprint },
        action: { type: 'Action', id: input.operation.name },
        resource: { type: 'Resource', id: input.resource.id },
        context: {
          environment: input.resource.environment,
          project: input.resource.project,
          attempt: input.attempt,
          cls: 'write',
          ...(input.identity.originator !== undefined ? { originator: input.identity.originator } : {}),
        },
        entities: [],
        preparsedPolicySetId: pset,
      }),
    );
    rows.push(
      `| ${n.toLocaleString('en-US')} | ${rate(wasm.perSecond)} | ${fmt(wasm.p50)} | ${fmt(wasm.p99)} | ${fmt(allow.p50)} | ${fmt(core.p50)} | ${fmt(core.p99)} | ${rate(reference.perSecond)} | ${fmt(reference.p50)} | ${fmt(reference.p99)} | ${rate(cedar.perSecond)} | ${fmt(cedar.p50)} | ${fmt(cedar.p99)} | ${fmt(compileTimes[2]!)} | ${fmt(compiled.wasm.length / 1024)} |`,
    );
    await enforce.size(n, compiled, ir, inputs, measure, wasm, cedar);
    process.stderr.write(`measured ${n} rules\n`);
  }
  console.log('Latency in µs per decision (p50 / p99), one core, Node ' + process.versions.node + '.');
  console.log('');
  console.log('| rules | Wasm via SDK | p50 | p99 | allow p50 | module only p50 | p99 | reference evaluator | p50 | p99 | Cedar (stateful) | p50 | p99 | compile ms | module KiB |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  console.log('');
  for (const line of await enforce.lines()) console.log(line);
  // BENCH_ONLY=decide: the two decision tables alone (a quick run while working on the decision path).
  if (only === 'decide') return;
  for (const line of await benchDistribute(ROOT)) console.log(line);
  await diffBench(ROOT, benchIr);
  for (const line of benchCatalog()) console.log(line);
  for (const line of await benchProxy(ROOT)) console.log(line);
  for (const line of await benchInsight(ROOT)) console.log(line);
  for (const line of await benchEnvelope(ROOT)) console.log(line);
}

await main();
