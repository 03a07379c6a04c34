// The enforcer section of `npm run bench`: `decide()` through a running enforcer (direct engine,
// metrics on) beside the official-SDK path and Cedar's stateful API measured in the same run on
// the same inputs; memory over 1,000,000 decisions; activation of a bundle (read, verify, load,
// probe); the decision-log overhead per decision.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleFiles, packBundle } from '../../src/bundle/index.js';
import type { compileIr } from '../../src/compile/index.js';
import { FileSource } from '../../src/distribute/index.js';
import { createEnforcer, type Enforcer } from '../../src/enforce/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import type { Ir } from '../../src/ir/types.js';
import { loadSigningKey, signBundleFiles } from '../../src/sign/index.js';
import { loadVerificationKey, singleKeyConfig, type VerificationConfig } from '../../src/verify/index.js';

export interface Stats {
  perSecond: number;
  p50: number;
  p99: number;
}
type Measure = <T>(inputs: readonly T[], fn: (input: T) => unknown, samples?: number) => Stats;
type Compiled = ReturnType<typeof compileIr>;

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

export class EnforceBench {
  private readonly dir: Promise<string> = mkdtemp(path.join(tmpdir(), 'blastguard-bench-enforce-'));
  private readonly pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private readonly verification: VerificationConfig = singleKeyConfig(loadVerificationKey(this.pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'ES256'));
  readonly rows: string[] = [];
  readonly notes: string[] = [];

  /** An enforcer serving `compiled` from a signed bundle file carrying `ir`'s catalog (as `blastguard build` writes it); returns it and its activation time (ms). */
  async enforcerFor(n: number, compiled: Compiled, ir: Ir, extra: { decisionLogs?: boolean } = {}): Promise<{ enforcer: Enforcer; activationMs: number }> {
    const files = bundleFiles({ wasm: compiled.wasm, data: compiled.data, revision: `bench-${n}`, entrypoints: compiled.entrypoints, metadata: { sequence: n }, catalog: catalogOfIr(ir) });
    const raw = packBundle(files, await signBundleFiles(files, { key: loadSigningKey(this.pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'ES256') }));
    const file = path.join(await this.dir, `bench-${n}-${extra.decisionLogs === true ? 'logs' : 'plain'}.tar.gz`);
    await writeFile(file, raw);
    const enforcer = createEnforcer({
      source: new FileSource({ path: file }),
      verification: this.verification,
      poll: false,
      ...(extra.decisionLogs === true ? { decisionLogs: { console: () => undefined, bufferSizeLimitEvents: 10_000, flushIntervalMs: 1_000 } } : {}),
    });
    const t0 = performance.now();
    if ((await enforcer.refresh()) !== 'activated') throw new Error(`bench bundle ${n} did not activate: ${JSON.stringify(enforcer.status().last_error)}`);
    return { enforcer, activationMs: performance.now() - t0 };
  }

  async size<T>(n: number, compiled: Compiled, ir: Ir, inputs: readonly T[], measure: Measure, sdk: Stats, cedar: Stats): Promise<void> {
    const activations: number[] = [];
    let enforcer: Enforcer | undefined;
    for (let i = 0; i < 5; i++) {
      const made = await this.enforcerFor(n, compiled, ir);
      activations.push(made.activationMs);
      if (enforcer === undefined) enforcer = made.enforcer;
      else await made.enforcer.close();
    }
    activations.sort((a, b) => a - b);
    const plain = measure(inputs, (input) => enforcer!.decide(input));
    const logged = await this.enforcerFor(n, compiled, ir, { decisionLogs: true });
    const withLogs = measure(inputs, (input) => logged.enforcer.decide(input));
    const bytes = inputs.map((i) => new TextEncoder().encode(JSON.stringify(i)));
    const textPath = measure(bytes, (b) => enforcer!.decideJson(b));
    this.rows.push(
      `| ${n.toLocaleString('en-US')} | ${fmt(plain.p50)} | ${fmt(plain.p99)} | ${fmt(textPath.p50)} | ${fmt(withLogs.p50)} | ${fmt(withLogs.p50 - plain.p50)} | ${fmt(sdk.p50)} | ${fmt(sdk.p99)} | ${fmt(cedar.p50)} | ${fmt(cedar.p99)} | ${fmt(cedar.p50 / plain.p50, 1)}× | ${fmt(activations[2]!, 1)} |`,
    );
    if (n === 10) await this.memory(enforcer!, inputs);
    await enforcer!.close();
    await logged.enforcer.close();
  }

  /** Heap, external and Wasm memory before and after 1,000,000 decisions (after a GC each time). */
  private async memory<T>(enforcer: Enforcer, inputs: readonly T[]): Promise<void> {
    const gc = (globalThis as { gc?: () => void }).gc;
    const engine = (enforcer as unknown as { holder: { active: { engine: { memoryBytes(): number } } } }).holder.active.engine;
    for (let i = 0; i < 10_000; i++) enforcer.decide(inputs[i % inputs.length]);
    gc?.();
    const before = process.memoryUsage();
    const wasmBefore = engine.memoryBytes();
    const t0 = performance.now();
    for (let i = 0; i < 1_000_000; i++) enforcer.decide(inputs[i % inputs.length]);
    const seconds = (performance.now() - t0) / 1000;
    gc?.();
    const after = process.memoryUsage();
    const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
    this.notes.push(
      `Memory over 1,000,000 decisions (10 rules, ${(1_000_000 / seconds / 1e6).toFixed(2)} M decisions/s${gc === undefined ? ', no --expose-gc: figures include garbage' : ''}): ` +
        `heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MiB, external ${mb(before.external)} → ${mb(after.external)} MiB, Wasm memory ${mb(wasmBefore)} → ${mb(engine.memoryBytes())} MiB.`,
    );
  }

  async lines(): Promise<string[]> {
    await rm(await this.dir, { recursive: true, force: true });
    return [
      '### Enforcer `decide()` (direct engine) beside the SDK path and Cedar, same run, same inputs',
      '',
      'µs per decision. `decide()` is a running enforcer (verified bundle, metrics on, no decision log) given an input object; `decideJson` is the same enforcer given the input as UTF-8 JSON bytes a proxy already holds (no `JSON.stringify`); `+logs` is `decide()` with a decision log (event built, masked and buffered; written by the background drain); the module\'s own time is the first table\'s "module only" column; activation is read + verify (ES256) + catalog + instantiate + probe of the signed bundle file (with its `catalog.json`, as `blastguard build` writes it), median of 5.',
      '',
      '| rules | decide() p50 | p99 | decideJson p50 | +logs p50 | log overhead | SDK p50 | SDK p99 | Cedar p50 | Cedar p99 | Cedar ÷ decide() | activation ms |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...this.rows,
      '',
      ...this.notes,
      '',
    ];
  }
}
