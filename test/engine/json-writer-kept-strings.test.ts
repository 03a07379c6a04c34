// The input writer keeps the quoted bytes of longer plain strings it wrote (json-writer.ts,
// QUOTED_MIN, 8 characters): one writer, used again and again as the decision path uses it, must still write
// exactly JSON.stringify's bytes, whatever it kept before and however close a new string is to a
// kept one.
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { JsonWriter } from '../../src/engine/json-writer.js';

const encoder = new TextEncoder();

/** One writer over a buffer that starts small and grows (as the module's memory does). */
function reusedWriter(): (value: unknown) => string {
  let buf = new Uint8Array(8);
  const writer = new JsonWriter({
    buffer: () => buf,
    grow: (need) => {
      const next = new Uint8Array(Math.max(need, buf.length * 2));
      next.set(buf);
      buf = next;
      return buf;
    },
  });
  return (value) => {
    // A varying start, as the heap pointer of another module would give.
    const start = 1 + (buf.length % 7);
    const n = writer.write(value, start);
    return Buffer.from(buf.subarray(start, start + n)).toString('hex');
  };
}

const stringify = (value: unknown): string => Buffer.from(encoder.encode(JSON.stringify(value))).toString('hex');

/** Strings around the kept lengths, plain and not, and near-copies of each other. */
const base = fc.oneof(
  fc.string({ minLength: 6, maxLength: 14 }),
  fc.string({ minLength: 120, maxLength: 140 }),
  fc.constantFrom('sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e', '5e7a9e00-0000-4000-8000-0000000000a1', 'customDomainCreate', '2026-12-01T05:48:23.844Z'),
);
const variant = fc.tuple(base, fc.nat(), fc.constantFrom('', 'x', '"', '\\', '\n', 'é', '\u2028', '\ud800', '😀')).map(([s, at, c]) => {
  const i = s.length === 0 ? 0 : at % s.length;
  return c === '' ? s : s.slice(0, i) + c + s.slice(i + 1);
});
const value = fc.oneof(variant, fc.record({ a: variant, b: fc.array(variant, { maxLength: 3 }) }));

describe('kept quoted strings', () => {
  test('a reused writer writes JSON.stringify bytes for any sequence of values sharing strings', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), (values) => {
        const write = reusedWriter();
        // Twice over: the second pass finds what the first one kept.
        for (const v of [...values, ...values]) expect(write(v)).toBe(stringify(v));
      }),
      { numRuns: 300 },
    );
  });

  test('a string one character away from a kept one is written as itself', () => {
    const write = reusedWriter();
    const kept = 'sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e';
    expect(write(kept)).toBe(stringify(kept));
    for (let i = 0; i < kept.length; i++) {
      for (const c of ['0', '"', '\u00e9']) {
        const near = kept.slice(0, i) + c + kept.slice(i + 1);
        expect(write(near)).toBe(stringify(near));
      }
    }
    expect(write(kept)).toBe(stringify(kept));
  });

  test('past the number of kept strings it starts over and stays exact', () => {
    const write = reusedWriter();
    const strings = Array.from({ length: 3000 }, (_, i) => `resource-${String(i).padStart(8, '0')}`);
    for (const s of strings) expect(write({ id: s })).toBe(stringify({ id: s }));
    for (const s of strings.slice(0, 50)) expect(write([s, s])).toBe(stringify([s, s]));
  });
});

describe('kept quoted strings hold no caller text', () => {
  test('a kept substring does not keep the large text it was cut from alive', () => {
    // A decision input's strings may be cut from a request body; the writer keys its kept bytes
    // by its own copy, so a body is collectable once its request is decided.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const write = reusedWriter();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 40; i++) {
      const body = JSON.parse(JSON.stringify(`${String(i).padStart(8, '0')}${'x'.repeat(1 << 20)}`)) as string;
      const id = body.slice(0, 40);
      expect(write({ id })).toBe(stringify({ id }));
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    // Forty 1 MiB bodies would be 40 MiB; the kept copies are a few KiB.
    expect(retained).toBeLessThan(16 * 1024 * 1024);
  });
});
