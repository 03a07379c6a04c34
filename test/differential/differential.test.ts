// The Wasm engine against the reference evaluator (src/evaluate): random policy sets × random
// inputs × possibly corrupted data, through the official npm SDK (format 0), the enforcer's
// direct engine and, for a sample, a Go-host-style harness (format 1). Any difference fails with
// fast-check's seed and a shrunk counterexample.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/index.js';
import { memoryMinPages } from '../../src/compile/link.js';
import { loadDirectEngine } from '../../src/engine/direct.js';
import { loadDecisionEngine } from '../../src/engine/sdk.js';
import { evaluate } from '../../src/evaluate/index.js';
import { useBuiltRuntime } from '../compile/support.js';
import { GoStyleHost } from './go-host.js';
import { dataFor, dataPlanArb, inputArb, irArb } from './arbitraries.js';

beforeAll(() => {
  useBuiltRuntime();
});

const POLICY_SETS = 300;
const INPUTS_PER_SET = 350;

let pairs = 0;

// On a difference the error names the input and both decisions (fast-check adds seed and path).
function mismatch(input: unknown, actual: unknown, expected: unknown): never {
  throw new Error(`DIFFERENCE\ninput:     ${JSON.stringify(input)}\nwasm:      ${JSON.stringify(actual)}\nreference: ${JSON.stringify(expected)}`);
}

describe('Wasm decisions equal the reference evaluator', () => {
  it(`through the official SDK: ${POLICY_SETS} policy sets × ${INPUTS_PER_SET} inputs`, async () => {
    await fc.assert(
      fc.asyncProperty(irArb, dataPlanArb, fc.array(inputArb, { minLength: INPUTS_PER_SET, maxLength: INPUTS_PER_SET }), async (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const data = dataFor(ir, plan);
        const engine = await loadDecisionEngine(wasm, data);
        // The enforcer's engine: input written by its JSON writer, read by opa_eval's input
        // scanner, the decision found by its output number (blastguard_output_id).
        const direct = loadDirectEngine(wasm, data);
        for (let i = 0; i < inputs.length; i++) {
          const input = inputs[i];
          const expected = evaluate(ir, input, data);
          const actual = engine.decide(input);
          if (!isDeepStrictEqual(actual, expected)) mismatch(input, actual, expected);
          const viaDirect = direct.decide(input);
          if (!isDeepStrictEqual(viaDirect, expected)) mismatch(input, viaDirect, expected);
          if (i % 8 === 0) expect(engine.allow(input)).toBe(expected.allow);
          pairs++;
        }
      }),
      { numRuns: POLICY_SETS },
    );
    expect(pairs).toBeGreaterThanOrEqual(100_000);
  });

  it('through a Go-host-style harness (opa_eval format 1), without memory growth across calls', () => {
    fc.assert(
      fc.property(irArb, dataPlanArb, fc.array(inputArb, { minLength: 100, maxLength: 100 }), (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const data = dataFor(ir, plan);
        const host = new GoStyleHost(wasm, data, memoryMinPages(wasm));
        for (const input of inputs) {
          const expected = evaluate(ir, input, data);
          const actual = host.eval(input, 0);
          if (!isDeepStrictEqual(actual, expected)) mismatch(input, actual, expected);
        }
        const before = host.memoryBytes();
        for (let round = 0; round < 3; round++) {
          for (const input of inputs) expect(host.eval(input, 1)).toBe(evaluate(ir, input, data).allow);
        }
        expect(host.memoryBytes()).toBe(before);
      }),
      { numRuns: 30 },
    );
  });

  it('the opa_eval fast path writes exactly the bytes the context path (values + opa_json_dump) gives', () => {
    fc.assert(
      fc.property(irArb, dataPlanArb, fc.array(inputArb, { minLength: 60, maxLength: 60 }), (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const host = new GoStyleHost(wasm, dataFor(ir, plan), memoryMinPages(wasm));
        for (const input of inputs) {
          for (const entrypoint of [0, 1]) {
            const context = host.evalContext(input, entrypoint);
            expect(host.evalRaw(input, entrypoint, 0)).toBe(context);
            expect(host.evalRaw(input, entrypoint, 1)).toBe(`{${context.slice(1, -1)}}`);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
