// The direct engine (src/engine/direct.ts) against the official SDK engine on random policy sets
// and random inputs (test/differential arbitraries): same decision, same allow flag, same error
// code, and memory that stays flat across decisions.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/index.js';
import { isBlastguardError } from '../../src/core/errors.js';
import { loadDirectEngine } from '../../src/engine/direct.js';
import { loadDecisionEngine } from '../../src/engine/index.js';
import { withLockdown } from '../../src/enforce/index.js';
import { useBuiltRuntime } from '../compile/support.js';
import { dataFor, dataPlanArb, inputArb, irArb } from '../differential/arbitraries.js';

beforeAll(() => {
  useBuiltRuntime();
});

function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (e) {
    if (isBlastguardError(e)) return `error ${e.code}`;
    throw e;
  }
}

describe('direct engine equals the SDK engine', () => {
  it('on random policy sets × random inputs (objects and their JSON text)', async () => {
    let pairs = 0;
    await fc.assert(
      fc.asyncProperty(irArb, dataPlanArb, fc.array(inputArb, { minLength: 80, maxLength: 80 }), async (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const data = dataFor(ir, plan);
        const sdk = await loadDecisionEngine(wasm, data);
        const direct = loadDirectEngine(wasm, data);
        for (const input of inputs) {
          const expected = outcome(() => sdk.decide(input));
          const actual = outcome(() => direct.decide(input));
          if (!isDeepStrictEqual(actual, expected)) throw new Error(`DIFFERENCE\ninput:  ${JSON.stringify(input)}\ndirect: ${JSON.stringify(actual)}\nsdk:    ${JSON.stringify(expected)}`);
          expect(outcome(() => direct.allow(input))).toEqual(outcome(() => sdk.allow(input)));
          if (input !== undefined) {
            expect(outcome(() => direct.decideText(JSON.stringify(input)))).toEqual(expected);
            expect(outcome(() => direct.decideBytes(new TextEncoder().encode(JSON.stringify(input))))).toEqual(expected);
          }
          pairs++;
        }
        const before = direct.memoryBytes();
        for (let round = 0; round < 3; round++) for (const input of inputs) outcome(() => direct.decide(input));
        expect(direct.memoryBytes()).toBe(before);
      }),
      { numRuns: 60 },
    );
    expect(pairs).toBe(60 * 80);
  });

  it('decodes each distinct output once: the same frozen decision for the same output, and right after the cache starts over', async () => {
    const ir = fc.sample(irArb, { numRuns: 1, seed: 11 })[0]!;
    const { wasm, data } = compileIr(ir);
    const direct = loadDirectEngine(wasm, data);
    const sdk = await loadDecisionEngine(wasm, data);
    const input = (i: number): unknown => ({ api: ir.apis[0]?.name ?? 'x', operation: { name: `op${i}` }, resource: { id: `r${i}`, environment: 'production' }, time: '2026-01-01T00:00:00Z' });
    const first = direct.decide(input(1));
    expect(direct.decide(input(1))).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.reasons) && Object.isFrozen(first.violations)).toBe(true);
    expect(() => {
      (first as { allow: boolean }).allow = !first.allow;
    }).toThrow(TypeError);
    // More distinct inputs than the cache holds: every decision still equals the SDK's.
    for (let i = 0; i < 5_000; i += 7) expect(direct.decide(input(i))).toEqual(sdk.decide(input(i)));
    expect(direct.decide(input(1))).toEqual(sdk.decide(input(1)));
  });

  it('numbers distinct outputs in the module (blastguard_output_id): repeats are the same object, and past the table every decision is still right', async () => {
    const ir = fc.sample(irArb, { numRuns: 1, seed: 11 })[0]!;
    const { wasm, data } = compileIr(ir);
    const direct = loadDirectEngine(wasm, data);
    const sdk = await loadDecisionEngine(wasm, data);
    // An unknown api's reason names it: one distinct output per name.
    const input = (i: number): unknown => ({ api: `unknown-${i}`, operation: { name: 'x' }, time: '2026-01-01T00:00:00Z' });
    const seen = new Map<number, unknown>();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 6_000; i++) {
        const d = direct.decide(input(i));
        expect(d.reasons).toEqual([`api \`unknown-${i}\` is not declared`]);
        if (i % 97 === 0) expect(d).toEqual(sdk.decide(input(i)));
        // The first ones were numbered: the same frozen object on the second round.
        if (round === 0 && i < 500) seen.set(i, d);
        if (round === 1 && i < 500) expect(d).toBe(seen.get(i));
      }
    }
    const before = direct.memoryBytes();
    for (let i = 0; i < 7_000; i++) direct.decide(input(i));
    expect(direct.memoryBytes()).toBe(before);
  });

  it('grows memory for an input larger than the heap, and keeps deciding after', async () => {
    const ir = fc.sample(irArb, { numRuns: 1, seed: 7 })[0]!;
    const { wasm, data } = compileIr(ir);
    const direct = loadDirectEngine(wasm, data);
    const sdk = await loadDecisionEngine(wasm, data);
    const big = { api: 'railway', operation: { name: 'x'.repeat(3_000_000) }, time: '2026-01-01T00:00:00Z' };
    expect(direct.decide(big)).toEqual(sdk.decide(big));
    const small = { api: 'railway', operation: { name: 'deploy' }, time: '2026-01-01T00:00:00Z' };
    expect(direct.decide(small)).toEqual(sdk.decide(small));
  });

  it('decides text that is not exactly one JSON text (bytes after the value, two documents) as no input', async () => {
    await fc.assert(
      fc.asyncProperty(irArb, dataPlanArb, fc.array(inputArb, { minLength: 20, maxLength: 20 }), fc.constantFrom(' ;', 'x', ',{}', '}', '\u000b'), async (ir, plan, inputs, tail) => {
        const { wasm } = compileIr(ir);
        const data = dataFor(ir, plan);
        const direct = loadDirectEngine(wasm, data);
        const none = direct.decideText('');
        expect(none.rule).toBe('input:invalid');
        for (const input of inputs) {
          const text = input === undefined ? '{}' : JSON.stringify(input);
          expect(direct.decideText(`${text}${tail}`).rule).toBe('input:invalid');
          // Text that is not an object is invalid input on its own, with its own reason.
          if (typeof input === 'object' && input !== null && !Array.isArray(input)) expect(direct.decideText(`${text}${text}`)).toEqual(none);
          expect(direct.decideBytes(new TextEncoder().encode(`${text}${tail}`)).rule).toBe('input:invalid');
          // Whitespace around one JSON text is still that text.
          expect(direct.decideText(` \n${text}\r\n\t`)).toEqual(direct.decideText(text));
        }
      }),
      { numRuns: 20 },
    );
  });

  it('refuses bytes that are not a module with BG120', () => {
    expect(outcome(() => loadDirectEngine(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 9]), {}))).toBe('error BG120');
  });
});

describe('a local lockdown never loosens a decision', () => {
  const SEVERITY = { allow: 0, shadow: 1, deny: 2 } as const;
  it('on random policy sets, data and inputs, the lockdown decision is at least as strict', async () => {
    await fc.assert(
      fc.asyncProperty(irArb, dataPlanArb, fc.array(inputArb, { minLength: 40, maxLength: 40 }), async (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const data = dataFor(ir, plan);
        const normal = loadDirectEngine(wasm, data);
        const locked = loadDirectEngine(wasm, withLockdown(data, { mode: 'lockdown', reason: 'property' }));
        for (const input of inputs) {
          const before = outcome(() => normal.decide(input));
          const after = outcome(() => locked.decide(input));
          if (typeof before === 'string' || typeof after === 'string') continue; // an abort denies either way
          const b = (before as { mode: keyof typeof SEVERITY }).mode;
          const a = (after as { mode: keyof typeof SEVERITY }).mode;
          if (SEVERITY[a] < SEVERITY[b]) throw new Error(`LOOSENED ${b} → ${a}\ninput: ${JSON.stringify(input)}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
