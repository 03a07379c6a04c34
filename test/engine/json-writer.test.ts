// The decision path's input writer must produce exactly JSON.stringify's bytes (src/engine/
// json-writer.ts), for decision inputs and for anything hostile a caller might pass instead.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/index.js';
import { JsonWriter } from '../../src/engine/json-writer.js';
import { loadDirectEngine } from '../../src/engine/direct.js';
import { useBuiltRuntime } from '../compile/support.js';
import { dataFor, dataPlanArb, inputArb, irArb } from '../differential/arbitraries.js';

beforeAll(() => {
  useBuiltRuntime();
});

/** A target that starts tiny, so every write exercises growth. */
function target(): { buffer(): Uint8Array; grow(need: number): Uint8Array } {
  let buf = new Uint8Array(4);
  return {
    buffer: () => buf,
    grow: (need) => {
      const next = new Uint8Array(Math.max(need, buf.length * 2));
      next.set(buf);
      buf = next;
      return buf;
    },
  };
}

type Outcome = { bytes: string } | { undefined: true } | { error: string };

function viaWriter(value: unknown, start = 3): Outcome {
  const t = target();
  const w = new JsonWriter(t);
  try {
    const n = w.write(value, start);
    if (n < 0) return { undefined: true };
    return { bytes: Buffer.from(t.buffer().subarray(start, start + n)).toString('hex') };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

function viaStringify(value: unknown): Outcome {
  try {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) return { undefined: true };
    return { bytes: Buffer.from(new TextEncoder().encode(text)).toString('hex') };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

/** [1, <hole>, 3]. */
function holey(): unknown[] {
  const a: unknown[] = [1];
  a[2] = 3;
  return a;
}

// Odd things in the places a decision input has values.
class Point {
  constructor(
    readonly x = 1,
    readonly y = 2,
  ) {}
}
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    -0,
    Number.NaN,
    Infinity,
    -Infinity,
    1e21,
    1.5e-7,
    2 ** 31,
    -(2 ** 31),
    2 ** 31 - 1,
    -(2 ** 31) - 1,
    0.1,
    'a"b\\c',
    'tab\tnew\nline\u0000\u001f\u007f',
    'émoji😀',
    '\ud800 lone',
    'lone \udfff',
    '',
    new Date(0),
    new Number(3),
    new String('s'),
    new Boolean(false),
    new Point(),
    () => 1,
    Symbol('s'),
    new Map([[1, 2]]),
    new Uint8Array([1, 2]),
    holey(),
    [undefined, () => 1, Symbol('x')],
    Object.create(null) as object,
    { toJSON: () => 'from toJSON' },
    { toJSON: (key: string) => `key=${key}` },
    { toJSON: 5, other: 1 },
    { a: undefined, b: () => 1, c: Symbol('c'), d: 1 },
    { 2: 'two', 1: 'one', b: 'b', a: 'a' },
    Object.defineProperty({ plain: 1 }, 'hidden', { value: 2, enumerable: false }),
    Object.defineProperty({}, 'getter', { get: () => 'got', enumerable: true }),
    new Proxy({ a: 1 }, {}),
    new Proxy([1, 2], {}),
  ),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.integer(),
  fc.bigInt().map((b) => (b === 0n ? b : { big: b })),
);

const hostile: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, oddValue, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 })),
})).value;

describe('JsonWriter', () => {
  it('writes exactly the bytes of JSON.stringify (or throws / gives undefined where it does) for decision inputs', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(viaWriter(input)).toEqual(viaStringify(input));
      }),
      { numRuns: 3000 },
    );
  });

  it('… and for hostile values: wrappers, classes, proxies, getters, toJSON, holes, lone surrogates, BigInt', () => {
    fc.assert(
      fc.property(hostile, fc.nat(40), (value, start) => {
        expect(viaWriter(value, start)).toEqual(viaStringify(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('a cycle throws as in JSON.stringify; a repeated (acyclic) object does not', () => {
    const shared = { a: 1 };
    expect(viaWriter({ x: shared, y: [shared, shared] })).toEqual(viaStringify({ x: shared, y: [shared, shared] }));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = { back: cyclic };
    expect(viaWriter(cyclic)).toEqual({ error: 'TypeError' });
    expect(viaStringify(cyclic)).toEqual({ error: 'TypeError' });
  });

  it('calls each getter and toJSON once, with the key JSON.stringify passes', () => {
    const calls: string[] = [];
    const input = {
      get api(): string {
        calls.push('get api');
        return 'railway';
      },
      operation: { toJSON: (key: string) => (calls.push(`toJSON ${key}`), { name: 'x' }) },
      list: [{ toJSON: (key: string) => (calls.push(`toJSON ${key}`), 1) }],
    };
    viaWriter(input);
    const mine = calls.splice(0);
    viaStringify(input);
    expect(mine).toEqual(calls);
    expect(mine).toEqual(['get api', 'toJSON operation', 'toJSON 0']);
  });

  it('the direct engine decides a value exactly as it decides JSON.stringify of it', () => {
    fc.assert(
      fc.property(irArb, dataPlanArb, fc.array(fc.oneof({ weight: 5, arbitrary: inputArb }, { weight: 1, arbitrary: hostile }), { minLength: 40, maxLength: 40 }), (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const engine = loadDirectEngine(wasm, dataFor(ir, plan));
        for (const input of inputs) {
          let text: string | undefined;
          try {
            text = JSON.stringify(input);
          } catch {
            expect(() => engine.decide(input)).toThrow(TypeError);
            continue;
          }
          // Both decide, or both abort the same way (a lone surrogate's escape, say).
          const outcome = (f: () => unknown): unknown => {
            try {
              return f();
            } catch (e) {
              return { code: (e as { code?: string }).code, message: (e as Error).message };
            }
          };
          const expected = outcome(() => (text === undefined ? engine.decideBytes(new Uint8Array(0)) : engine.decideText(text)));
          expect(outcome(() => engine.decide(input))).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });
});
