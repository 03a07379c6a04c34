import { beforeAll, describe, expect, it } from 'vitest';
import { memoryMinPages as linkerMinPages } from '../../src/compile/link.js';
import { ActiveEngine, loadBundleEngine, memoryMinPages, type LoadedEngine } from '../../src/engine/index.js';
import { buildIr } from '../../src/ir/build.js';
import type { Ir } from '../../src/ir/types.js';
import { loadPolicySet } from '../../src/load/index.js';
import { loadTestBundle, type TestBundle } from '../../src/toolchain/index.js';

let ir: Ir;
let built: TestBundle;
beforeAll(async () => {
  const { set } = await loadPolicySet('policies', { cwd: process.cwd() });
  ir = buildIr(set);
  built = await loadTestBundle(ir);
});

describe('engine memory', () => {
  it('reads the memory minimum the linker wrote, without the linker', () => {
    const wasm = built.bundle.wasmModules.values().next().value as Uint8Array;
    expect(memoryMinPages(wasm)).toBe(linkerMinPages(wasm));
    expect(memoryMinPages(wasm)).toBeGreaterThan(0);
  });

  it('says 0 for bytes that are no module, so loading reports the real problem', () => {
    expect(memoryMinPages(new Uint8Array([1, 2, 3]))).toBe(0);
    expect(memoryMinPages(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x05]))).toBe(0);
  });
});

describe('loadBundleEngine', () => {
  it('decides with the bundle module and data', async () => {
    const engine = await loadBundleEngine(built.bundle);
    const decision = engine.decide({ api: 'nope', operation: { name: 'x' }, time: '2026-01-01T00:00:00Z' });
    expect(decision.allow).toBe(false);
    expect(decision.rule).toBe('api:unknown');
  });
});

describe('ActiveEngine', () => {
  const engineA: LoadedEngine = { revision: 'a', engine: { decide: () => { throw new Error('a'); }, allow: () => true } };
  const engineB: LoadedEngine = { revision: 'b', engine: { decide: () => { throw new Error('b'); }, allow: () => false } };

  it('holds nothing before the first activation, then swaps in one step', () => {
    const active = new ActiveEngine();
    expect(active.current()).toBeNull();
    expect(active.swap(engineA)).toBeNull();
    const held = active.current();
    expect(active.swap(engineB)).toBe(engineA);
    // A request that took the engine before the swap keeps deciding with it.
    expect(held?.revision).toBe('a');
    expect(active.current()?.revision).toBe('b');
  });

  it('compareAndSwap refuses to overwrite a newer activation', () => {
    const active = new ActiveEngine();
    active.swap(engineA);
    const seen = active.current();
    active.swap(engineB);
    expect(active.compareAndSwap(seen, { ...engineA, revision: 'stale' })).toBe(false);
    expect(active.current()?.revision).toBe('b');
    expect(active.compareAndSwap(engineB, engineA)).toBe(true);
    expect(active.current()).toBe(engineA);
  });
});
