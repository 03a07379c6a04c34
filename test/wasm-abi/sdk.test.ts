import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { describe, expect, it } from 'vitest';
import { runtimeWasm } from './fixtures.js';

describe('official npm SDK (@open-policy-agent/opa-wasm) with the echo module', () => {
  it('loads, lists entrypoints and evaluates through the opa_eval fast path', async () => {
    const policy = await loadPolicy(runtimeWasm('echo'));
    expect(policy.entrypoints).toEqual({ 'echo/input': 0, 'echo/data': 1 });
    expect(policy.evaluate({ a: [1, 'x'] }, 'echo/input')).toEqual([{ result: { a: [1, 'x'] } }]);
    expect(policy.evaluate({ a: 1 }, 'echo/data')).toEqual([{ result: {} }]);
    policy.setData({ tokens: { 'sha256:ab': { grants: ['x'] } } });
    expect(policy.evaluate(undefined, 1)).toEqual([{ result: { tokens: { 'sha256:ab': { grants: ['x'] } } } }]);
    expect(policy.evaluate(undefined, 0)).toEqual([]);
  });
});
