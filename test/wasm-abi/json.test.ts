// Parser / writer properties of the generic layer (opa-compat.md §1.6) on the echo module.
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runtimeWasm } from './fixtures.js';
import { OpaAbort, TestHost, compile } from './host.js';
import type { WasmModule } from './wasm-api.js';
import { parseRegoTerm } from './rego-term.js';
import type { Term } from './rego-term.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const wellFormed = (s: string): boolean => decoder.decode(encoder.encode(s)) === s;

/** OPA's JSON string writer: short escapes for \\ " \n \r \t, \u00xx for other controls, the rest raw. */
function opaString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20) out += `\\u00${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** What opa_json_dump must print for the JSON text JSON.stringify(v): keys in byte order, numbers as written. */
function expectedDump(v: unknown): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
  if (typeof v === 'string') return opaString(v);
  if (Array.isArray(v)) return `[${v.map(expectedDump).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort(byteOrder);
  return `{${keys.map((k) => `${opaString(k)}:${expectedDump(obj[k])}`).join(',')}}`;
}

let module: WasmModule;
let host: TestHost;
let base = 0;

beforeAll(() => {
  module = compile(runtimeWasm('echo'));
});

beforeEach(() => {
  host = new TestHost(module);
  base = host.exports.opa_heap_ptr_get();
});

/** Parses and dumps, then resets the heap (keeps long property runs in constant memory). */
function roundTrip(text: string | Uint8Array, values: boolean): { json: string; value: string } | undefined {
  try {
    const v = values ? host.valueParse(text) : host.jsonParse(text);
    if (v === 0) return undefined;
    return { json: host.jsonDump(v), value: host.valueDump(v) };
  } finally {
    host.exports.opa_heap_ptr_set(base);
  }
}

describe('JSON round trip', () => {
  it('arbitrary JSON → opa_json_parse → opa_json_dump is the canonical text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v);
        fc.pre(wellFormed(text));
        const out = roundTrip(text, false);
        expect(out?.json).toBe(expectedDump(v));
        expect(JSON.parse(out?.json ?? 'null')).toEqual(JSON.parse(text));
        // The value dump of plain JSON is the same text (no sets, only string keys).
        expect(out?.value).toBe(out?.json);
      }),
      { numRuns: 600 },
    );
  });

  it('keeps numbers exactly as written and escapes strings the way OPA does', () => {
    const cases: [string, string][] = [
      ['[1.50, -0, 1E5, 1e-7, 0.1e+2, 123456789012345678901234567890]', '[1.50,-0,1E5,1e-7,0.1e+2,123456789012345678901234567890]'],
      ['"\\b\\f\\/\u007f\u2028\\u2029/<>&"', '"\\u0008\\u000c/\u007f\u2028\u2029/<>&"'],
      ['"\\ud83d\\ude00\\u00e9\\u0000"', '"\u{1F600}\u00e9\\u0000"'],
      ['{"b": 1, "a": 2, "\u00e9": 3, "\u{1F600}": 4, "\uffff": 5}', '{"a":2,"b":1,"\u00e9":3,"\uffff":5,"\u{1F600}":4}'],
      ['{"a": 1, "a": 2}', '{"a":2}'],
      ['  {"x" : [ true , false , null ] }  trailing garbage', '{"x":[true,false,null]}'],
      ['[1 2,]', '[1,2]'],
      ['{1: "a", [1]: "b", {"k": 1}: "c", null: "d"}', '{"null":"d","1":"a","[1]":"b","{\\"k\\":1}":"c"}'],
    ];
    for (const [input, json] of cases) expect(roundTrip(input, false)?.json, input).toBe(json);
  });

  it('rejects malformed JSON with 0', () => {
    const bad = [
      '', ' ', '{', '[', '[1', '{"a"', '{"a":', '{"a":1', '{"a":1,}', '{"a" 1}', '{,}', '[,1]', ':', ']', '}', ',',
      'nul', 'tru', 'fals', 'undefined', '-', '-a', '1.', '1.e5', '1e', '1e+', '.5', '+1', '"abc', '"\\x"', '"\\u12"',
      '"\\u12g4"', '"a\u0001b"', '"tab\there"', '{1}', '{1, 2}', 'set()', '{"a": set()}', '\u00ff', '\'a\'',
    ];
    for (const text of bad) expect(roundTrip(text, false), JSON.stringify(text)).toBeUndefined();
  });

  it('aborts like OPA on invalid UTF-8 and unpaired surrogate escapes', () => {
    const abort = (text: string | Uint8Array, message: string): void => {
      expect(() => roundTrip(text, false)).toThrow(new OpaAbort(message));
    };
    abort(new Uint8Array([0x22, 0xff, 0x22]), 'illegal utf-8');
    abort(new Uint8Array([0x22, 0xc0, 0x80, 0x22]), 'illegal utf-8'); // overlong NUL
    abort(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), 'illegal utf-8'); // encoded surrogate
    abort(new Uint8Array([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]), 'illegal utf-8'); // > U+10FFFF
    abort(new Uint8Array([0x22, 0xe2, 0x82, 0x22]), 'illegal utf-8'); // truncated sequence
    abort('"\\ud800"', 'illegal string escape character');
    abort('"\\udc00\\ud800"', 'illegal string escape character');
    abort('"\\ud800\\u0041"', 'illegal string escape character');
    // The module stays usable after an abort.
    expect(roundTrip('{"ok": true}', false)?.json).toBe('{"ok":true}');
  });
});

// ---------------------------------------------------------------------------------------------
// value syntax: a model of Rego values with OPA's ordering

type Model =
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'arr'; items: Model[] }
  | { k: 'obj'; entries: [Model, Model][] }
  | { k: 'set'; items: Model[] };

const RANK = { null: 1, bool: 2, num: 3, str: 4, arr: 5, obj: 6, set: 7 } as const;

function compare(a: Model, b: Model): number {
  if (a.k !== b.k) return RANK[a.k] - RANK[b.k];
  switch (a.k) {
    case 'null':
      return 0;
    case 'bool':
      return Number(a.v) - Number((b as typeof a).v);
    case 'num':
      return a.v - (b as typeof a).v;
    case 'str':
      return byteOrder(a.v, (b as typeof a).v);
    case 'arr':
    case 'set': {
      const bi = (b as typeof a).items;
      const ai = a.k === 'set' ? canonItems(a.items) : a.items;
      const bj = a.k === 'set' ? canonItems(bi) : bi;
      for (let i = 0; i < Math.min(ai.length, bj.length); i++) {
        const c = compare(ai[i] as Model, bj[i] as Model);
        if (c !== 0) return c;
      }
      return ai.length - bj.length;
    }
    case 'obj': {
      const ae = canonEntries(a.entries);
      const be = canonEntries((b as typeof a).entries);
      for (let i = 0; i < Math.min(ae.length, be.length); i++) {
        const [ak, av] = ae[i] as [Model, Model];
        const [bk, bv] = be[i] as [Model, Model];
        const c = compare(ak, bk) || compare(av, bv);
        if (c !== 0) return c;
      }
      return ae.length - be.length;
    }
  }
}

function canonItems(items: Model[]): Model[] {
  const sorted = [...items].sort(compare);
  return sorted.filter((x, i) => i === 0 || compare(sorted[i - 1] as Model, x) !== 0);
}

function canonEntries(entries: [Model, Model][]): [Model, Model][] {
  // Last duplicate wins, as when parsing.
  const kept = entries.filter(([k], i) => !entries.slice(i + 1).some(([k2]) => compare(k, k2) === 0));
  return kept.sort((x, y) => compare(x[0], y[0]));
}

function toText(m: Model, ws: string): string {
  switch (m.k) {
    case 'null':
      return 'null';
    case 'bool':
      return String(m.v);
    case 'num':
      return String(m.v);
    case 'str':
      return JSON.stringify(m.v);
    case 'arr':
      return `[${ws}${m.items.map((x) => toText(x, ws)).join(`,${ws}`)}]`;
    case 'obj':
      return `{${ws}${m.entries.map(([k, v]) => `${toText(k, ws)}${ws}:${ws}${toText(v, ws)}`).join(`,${ws}`)}}`;
    case 'set':
      return m.items.length === 0 ? `set(${ws})` : `{${ws}${m.items.map((x) => toText(x, ws)).join(`,${ws}`)}${ws}}`;
  }
}

function toTerm(m: Model): Term {
  switch (m.k) {
    case 'null':
      return { t: 'null' };
    case 'bool':
      return { t: 'bool', v: m.v };
    case 'num':
      return { t: 'num', text: String(m.v) };
    case 'str':
      return { t: 'str', v: m.v };
    case 'arr':
      return { t: 'arr', items: m.items.map(toTerm) };
    case 'set':
      return { t: 'set', items: canonItems(m.items).map(toTerm) };
    case 'obj':
      return { t: 'obj', entries: canonEntries(m.entries).map(([k, v]) => [toTerm(k), toTerm(v)] as const) };
  }
}

const model: fc.Arbitrary<Model> = fc.letrec<{ m: Model }>((tie) => ({
  m: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Model>({ k: 'null' }),
    fc.boolean().map((v): Model => ({ k: 'bool', v })),
    fc.integer({ min: -50, max: 50 }).map((v): Model => ({ k: 'num', v })),
    fc.string({ unit: 'binary', maxLength: 6 }).filter(wellFormed).map((v): Model => ({ k: 'str', v })),
    fc.array(tie('m'), { maxLength: 4 }).map((items): Model => ({ k: 'arr', items })),
    fc.array(tie('m'), { maxLength: 5 }).map((items): Model => ({ k: 'set', items })),
    fc.array(fc.tuple(tie('m'), tie('m')), { maxLength: 4 }).map((entries): Model => ({ k: 'obj', entries })),
  ),
})).m;

describe('Rego value syntax', () => {
  it('opa_value_parse → opa_value_dump is valid Rego with sets and keys in OPA order', () => {
    fc.assert(
      fc.property(model, fc.constantFrom('', ' ', '\n\t '), (m, ws) => {
        const text = toText(m, ws);
        // `{}` is the empty object in Rego text; an empty object model prints that way.
        const out = roundTrip(text, true);
        expect(out, text).toBeDefined();
        expect(parseRegoTerm(out?.value ?? '')).toEqual(toTerm(m));
        // The JSON dump of the same value is JSON (sets as arrays, non-string keys stringified).
        expect(() => JSON.parse(out?.json ?? '') as unknown).not.toThrow();
      }),
      { numRuns: 600 },
    );
  });

  it('parses set literals and dumps them as OPA does', () => {
    expect(roundTrip('{3, 1, 2, 1}', true)).toEqual({ value: '{1,2,3}', json: '[1,2,3]' });
    expect(roundTrip('set(  )', true)).toEqual({ value: 'set()', json: '[]' });
    expect(roundTrip('{set(): 1, {1}: 2}', true)).toEqual({ value: '{set():1,{1}:2}', json: '{"[]":1,"[1]":2}' });
    expect(roundTrip('[set(), {}]', true)).toEqual({ value: '[set(),{}]', json: '[[],{}]' });
    for (const bad of ['{1,}', '{1 2}', 'set(1)', 'set(', 'set', '{1, "a": 2}', '{"a": 1, 2}']) {
      expect(roundTrip(bad, true), bad).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// hostile input

function mutate(bytes: Uint8Array, ops: [number, number, number][]): Uint8Array {
  let out = Array.from(bytes);
  for (const [kind, at, b] of ops) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === 0) out[i] = b;
    else if (kind === 1) out.splice(i, 0, b);
    else if (kind === 2) out.splice(i, 1);
    else out = out.slice(0, i);
  }
  return new Uint8Array(out);
}

function survives(bytes: Uint8Array, values: boolean): void {
  try {
    const out = roundTrip(bytes, values);
    if (out !== undefined) {
      JSON.parse(out.json);
      parseRegoTerm(out.value);
    }
  } catch (err: unknown) {
    if (!(err instanceof OpaAbort)) throw err;
  }
}

describe('hostile input', () => {
  it('random bytes never trap outside opa_abort', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, values) => survives(bytes, values)),
      { numRuns: 2000 },
    );
  });

  it('mutated JSON and value text never trap outside opa_abort', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }).map((v) => JSON.stringify(v)),
          model.map((m) => toText(m, ' ')),
        ),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(), fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x75, 0x00, 0x80, 0xff, 0xc3, 0x31, 0x2d, 0x65, 0x2e)), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (text, ops, values) => survives(mutate(encoder.encode(text), ops), values),
      ),
      { numRuns: 2000 },
    );
  });

  it('nesting depth 10,000 yields undefined (0), not a stack overflow; depth 1,024 still parses', () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(roundTrip(deep(10_000), false)).toBeUndefined();
    expect(roundTrip(deep(10_000), true)).toBeUndefined();
    expect(roundTrip(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, false)).toBeUndefined();
    expect(roundTrip(`${'{'.repeat(10_000)}1${'}'.repeat(10_000)}`, true)).toBeUndefined();
    expect(roundTrip('['.repeat(100_000), false)).toBeUndefined();
    expect(roundTrip(deep(1024), false)?.json).toBe(deep(1024));
    expect(roundTrip(deep(1025), false)).toBeUndefined();
    // Through opa_eval the deep input is undefined input: an empty result set.
    const input = encoder.encode(deep(10_000));
    const at = host.exports.opa_heap_ptr_get();
    host.writeAt(at, input);
    expect(host.readCString(host.exports.opa_eval(0, 0, 0, at, input.length, at + input.length, 0))).toBe('[]');
  });

  it('handles 1 MB inputs: long strings, long arrays, 20,000-key objects, truncations', () => {
    const longString = JSON.stringify('x\u00e9\\"'.repeat(260_000));
    expect(longString.length).toBeGreaterThan(1_000_000);
    expect(roundTrip(longString, false)?.json).toBe(expectedDump(JSON.parse(longString)));
    const numbers = JSON.stringify(Array.from({ length: 150_000 }, (_, i) => i * 7 - 3));
    expect(roundTrip(numbers, false)?.json).toBe(numbers);
    const keys = Array.from({ length: 20_000 }, (_, i) => `sha256:${((i * 7919) % 20_000).toString(16).padStart(64, '0')}`);
    const obj = Object.fromEntries(keys.map((k, i) => [k, { i }]));
    const objText = JSON.stringify(obj);
    expect(objText.length).toBeGreaterThan(1_000_000);
    expect(roundTrip(objText, false)?.json).toBe(expectedDump(obj));
    for (const cut of [1, 17, objText.length >> 1, objText.length - 1]) {
      expect(roundTrip(objText.slice(0, cut), false)).toBeUndefined();
    }
  });
});
