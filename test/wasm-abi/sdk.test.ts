import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { describe, expect, it } from 'vitest';
import { runtimeWasm } from './fixtures.js';
import { patchExportedI32Global } from './wasm-binary.js';

describe('official npm SDK (@open-policy-agent/opa-wasm) with the echo module', () => {
  it('loads, lists entrypoints and evaluates through the opa_eval fast path', async () => {
    const policy = await loadPolicy(runtimeWasm('echo'));
    expect(policy.entrypoints).toEqual({ 'echo/input': 0, 'echo/data': 1 });
    expect(policy.evaluate({ a: [1, 'x'] }, 'echo/input')).toEqual([{ result: { a: [1, 'x'] } }]);
    expect(policy.evaluate({ a: 1 }, 'echo/data')).toEqual([{ result: {} }]);
    policy.setData({ tokens: { 'sha256:ab': { grants: ['x'] } } });
    expect(policy.evaluate(undefined, 1)).toEqual([{ result: { tokens: { 'sha256:ab': { grants: ['x'] } } } }]);
    // The SDK sends falsy inputs as "no input": undefined, i.e. an empty result set.
    expect(policy.evaluate(undefined, 0)).toEqual([]);
    expect(policy.evaluate(0, 0)).toEqual([]);
    expect(policy.evaluate(true, 0)).toEqual([{ result: true }]);
    expect(policy.evaluate('caf\u00e9 \u{1F600} "q" \\ \n\u0001', 0)).toEqual([{ result: 'caf\u00e9 \u{1F600} "q" \\ \n\u0001' }]);
    expect(policy.evaluate([1.5, -0.25, 1e21, 12345678901234567000], 0)).toEqual([{ result: [1.5, -0.25, 1e21, 12345678901234567000] }]);
  });

  it('takes the ctx path (opa_eval_ctx_* + eval) when the module reports ABI minor 1', async () => {
    const patched = patchExportedI32Global(runtimeWasm('echo'), 'opa_wasm_abi_minor_version', 1);
    const policy = await loadPolicy(patched);
    expect(policy.minorVersion).toBe(1);
    expect(policy.evaluate({ op: 'volumeDelete' }, 'echo/input')).toEqual([{ result: { op: 'volumeDelete' } }]);
    policy.setData({ panic: false });
    expect(policy.evaluate({ x: 1 }, 'echo/data')).toEqual([{ result: { panic: false } }]);
    expect(policy.evaluate(undefined, 'echo/input')).toEqual([]);
  });

  it('runs 100,000 fast-path evaluations without growing memory', async () => {
    const policy = await loadPolicy(runtimeWasm('echo'));
    policy.setData({ tokens: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`sha256:${i}`, { grants: ['read'] }])) });
    const input = { operation: 'volumeDelete', variables: { volumeId: 'v-1' }, headers: { authorization: 'Bearer x' }, attempt: 2 };
    for (let i = 0; i < 1000; i++) policy.evaluate(input, i % 2);
    const memory = (policy as unknown as { mem: { buffer: ArrayBuffer } }).mem;
    const warmed = memory.buffer.byteLength;
    for (let i = 0; i < 100_000; i++) {
      const rs = policy.evaluate(input, 0) as { result: typeof input }[];
      if (rs[0]?.result.attempt !== 2) throw new Error(`bad result at ${i}`);
    }
    expect(memory.buffer.byteLength).toBe(warmed);
  });
});
