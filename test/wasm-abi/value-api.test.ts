// The internal value API the decision engine uses (value.ts), through the echo root's test_ exports.
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { runtimeWasm } from './fixtures.js';
import { TestHost, compile } from './host.js';

interface ValueApi {
  test_alloc(size: number): number;
  test_number_i32(n: number): number;
  test_number_f64(x: number): number;
  test_number_to_f64(v: number): number;
  test_number_plain_int(v: number): bigint;
  test_make_string(ptr: number, len: number): number;
  test_string_equals(v: number, ptr: number, len: number): number;
  test_make_array(capacity: number): number;
  test_array_push(a: number, v: number): void;
  test_array_len(a: number): number;
  test_array_get(a: number, i: number): number;
  test_make_object(capacity: number): number;
  test_object_insert(o: number, keyPtr: number, keyLen: number, v: number): void;
  test_object_get(o: number, keyPtr: number, keyLen: number): number;
  test_object_len(o: number): number;
  test_make_set(capacity: number): number;
  test_set_add(s: number, v: number): void;
  test_set_contains(s: number, v: number): number;
  test_value_compare(a: number, b: number): number;
}

const I64_MIN = -(2n ** 63n);
let host: TestHost;
let api: ValueApi;

beforeEach(() => {
  host = new TestHost(compile(runtimeWasm('echo')));
  api = host.exports as unknown as ValueApi;
});

function bytes(text: string): [number, number] {
  return host.writeHeap(text);
}

function str(text: string): number {
  const [p, n] = bytes(text);
  return api.test_make_string(p, n);
}

describe('numbers', () => {
  it('number_plain_int: plain JSON integers fitting i64, else i64.MIN_VALUE', () => {
    const cases: [string, bigint][] = [
      ['0', 0n], ['-0', 0n], ['12', 12n], ['-7', -7n], ['9223372036854775807', 2n ** 63n - 1n],
      ['-9223372036854775808', I64_MIN], ['9223372036854775808', I64_MIN], ['1.0', I64_MIN], ['1e2', I64_MIN],
      ['-1.5', I64_MIN], ['123456789012345678901234', I64_MIN],
    ];
    for (const [text, want] of cases) expect(api.test_number_plain_int(host.jsonParse(text)), text).toBe(want);
    expect(api.test_number_plain_int(api.test_number_i32(-42))).toBe(-42n);
    expect(api.test_number_plain_int(api.test_number_i32(2147483647))).toBe(2147483647n);
  });

  it('number_to_f64 is the nearest double to the literal (as JavaScript reads it)', () => {
    for (const [text, want] of [['1.5', 1.5], ['0.1', 0.1], ['-0', -0], ['1E5', 1e5], ['1e400', Infinity], ['1e-400', 0], ['123456789012345678901234567890', 1.2345678901234568e29]] as const) {
      expect(api.test_number_to_f64(host.jsonParse(text)), text).toBe(want);
    }
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(api.test_number_to_f64(host.jsonParse(JSON.stringify(x)))).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 22 }), (m, e) => {
        const text = `${m}e-${e}`;
        expect(api.test_number_to_f64(host.jsonParse(text))).toBe(Number(text));
      }),
      { numRuns: 1000 },
    );
    // Long and boundary literals: more digits than any double needs, halfway cases, extremes.
    const literal = fc.tuple(
      fc.boolean(),
      fc.stringMatching(/^[1-9]\d{0,40}$/),
      fc.stringMatching(/^\d{0,40}$/),
      fc.integer({ min: -360, max: 330 }),
    ).map(([neg, int, frac, e]) => `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}e${e}`);
    fc.assert(
      fc.property(literal, (text) => {
        expect(api.test_number_to_f64(host.jsonParse(text))).toBe(Number(text));
      }),
      { numRuns: 3000 },
    );
    for (const text of [
      '9007199254740993', '2.2250738585072011e-308', '2.2250738585072014e-308', '4.9406564584124654e-324',
      '2.4703282292062327e-324', '2.4703282292062328e-324', '1.7976931348623157e308', '1.7976931348623158e308',
      '1.7976931348623159e308', '179769313486231580793728971405301e276', `1${'0'.repeat(400)}e-400`,
      `0.${'0'.repeat(300)}1e300`, '7.038531e-26', '1448997445238699', '0.1e-999999', '1e999999',
    ]) {
      expect(api.test_number_to_f64(host.jsonParse(text)), text).toBe(Number(text));
    }
    expect(api.test_number_to_f64(api.test_number_i32(-5))).toBe(-5);
  });

  it('numbers built from i32 / f64 dump as valid JSON numbers', () => {
    expect(host.jsonDump(api.test_number_i32(-2147483648))).toBe('-2147483648');
    expect(host.jsonDump(api.test_number_f64(3))).toBe('3');
    expect(host.jsonDump(api.test_number_f64(-1e17))).toBe('-100000000000000000');
    expect(host.jsonDump(api.test_number_f64(NaN))).toBe('null');
    expect(host.jsonDump(api.test_number_f64(Infinity))).toBe('null');
    // Shortest round-trip digits in JavaScript's layout: the same text as String(x).
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(host.jsonDump(api.test_number_f64(x))).toBe(x === 0 ? '0' : String(x));
      }),
      { numRuns: 10_000 },
    );
    for (const x of [Number('-598169594294589.2'), 0.1, 1.5, 1e21, 1e-7, 123e-20, 5e-324, 1.7976931348623157e308, 0.000001, 2 ** 60]) {
      expect(host.jsonDump(api.test_number_f64(x))).toBe(String(x));
      expect(host.valueDump(api.test_number_f64(-x))).toBe(String(-x));
    }
  });
});

describe('strings, arrays, objects, sets', () => {
  it('string_equals compares bytes', () => {
    const s = str('volumeDelete');
    const [p, n] = bytes('volumeDelete');
    expect(api.test_string_equals(s, p, n)).toBe(1);
    expect(api.test_string_equals(s, p, n - 1)).toBe(0);
  });

  it('arrays grow on push and report 0 out of range', () => {
    const a = api.test_make_array(0);
    for (let i = 0; i < 1000; i++) api.test_array_push(a, api.test_number_i32(i));
    expect(api.test_array_len(a)).toBe(1000);
    expect(api.test_number_plain_int(api.test_array_get(a, 999))).toBe(999n);
    expect(api.test_array_get(a, 1000)).toBe(0);
    expect(api.test_array_get(a, -1)).toBe(0);
  });

  it('objects: insert replaces, lookups by string key, keys dump in byte order', () => {
    const o = api.test_make_object(2);
    const keys = Array.from({ length: 10_000 }, (_, i) => `sha256:${((i * 7919) % 10_000).toString(16).padStart(8, '0')}`);
    const keyAddrs = keys.map((k) => bytes(k));
    keyAddrs.forEach(([p, n], i) => api.test_object_insert(o, p, n, api.test_number_i32(i)));
    const [p0, n0] = keyAddrs[0] ?? [0, 0];
    api.test_object_insert(o, p0, n0, str('replaced'));
    expect(api.test_object_len(o)).toBe(10_000);
    keyAddrs.forEach(([p, n], i) => {
      const v = api.test_object_get(o, p, n);
      if (i === 0) expect(host.jsonDump(v)).toBe('"replaced"');
      else expect(api.test_number_plain_int(v)).toBe(BigInt(i));
    });
    const [mp, mn] = bytes('sha256:missing');
    expect(api.test_object_get(o, mp, mn)).toBe(0);
    expect(api.test_object_get(str('not an object'), mp, mn)).toBe(0);
    const dumped = Object.keys(JSON.parse(host.jsonDump(o)) as object);
    expect(dumped).toEqual([...keys].sort());
    // Lookups also work on parsed objects, including ones with non-string keys.
    const parsed = host.valueParse('{1: "one", "a": "A", [1]: "arr", "b": {"c": true}}');
    const [ap, an] = bytes('a');
    expect(host.jsonDump(api.test_object_get(parsed, ap, an))).toBe('"A"');
  });

  it('sets keep one copy of equal values, in Rego order', () => {
    const s = api.test_make_set(0);
    for (const v of ['"b"', '1', '"a"', '1.0', '[1]', 'null', '{"x": 1}', '"a"', 'true']) api.test_set_add(s, host.valueParse(v));
    expect(host.valueDump(s)).toBe('{null,true,1,"a","b",[1],{"x":1}}');
    expect(api.test_set_contains(s, host.valueParse('[1]'))).toBe(1);
    expect(api.test_set_contains(s, host.valueParse('[2]'))).toBe(0);
  });

  it('value_compare orders by type, then content', () => {
    const order = ['null', 'false', 'true', '-1', '0', '1.5', '2', '""', '"a"', '"b"', '[]', '[1]', '[1,0]', '{}', '{"a":1}', 'set()', '{1}'];
    const values = order.map((t) => host.valueParse(t));
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) {
        expect(Math.sign(api.test_value_compare(values[i] ?? 0, values[j] ?? 0)), `${order[i]} vs ${order[j]}`).toBe(Math.sign(i - j));
      }
    }
    expect(api.test_value_compare(host.valueParse('1'), host.valueParse('1.0'))).toBe(0);
  });
});
