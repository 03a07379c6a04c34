// The order-keeping writer against a model that knows what was written: random JSON trees, with
// integer-like member names in any order, escapes, other spellings of numbers and whitespace, are
// written out; the writer must give the compact text of the same tree, members in written order,
// which parses to the value `JSON.parse` reads from the original (what is decided on). A compact
// text in that form is written back unchanged. Without integer-like names it is `JSON.stringify`'s.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { compactInWrittenOrder, stringifyInWrittenOrder } from '../../src/core/json-ordered.js';

/** A JSON tree as the model writes it: each token in its canonical and its sent spelling. */
type Tree = { leaf: [string, string] } | { items: Tree[] } | { members: [[string, string], Tree][] };

// [canonical, as a client may write it]
const leaf = fc.oneof(
  fc.constantFrom<[string, string]>(['1', '1.0'], ['1', '1e0'], ['100', '1E2'], ['0', '-0'], ['-1.5', '-1.50'], ['"é"', '"\\u00e9"'], ['"a/b"', '"a\\/b"'], ['"\\ud800"', '"\\ud800"'], ['"😀"', '"\\ud83d\\ude00"'], ['true', 'true'], ['null', 'null']),
  fc.string({ maxLength: 6, unit: 'binary' }).map((s): [string, string] => [JSON.stringify(s), JSON.stringify(s)]),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n): [string, string] => [JSON.stringify(n), JSON.stringify(n)]),
);
// Integer-like names (array indexes up to 2^32 - 2) are the ones `JSON.parse` moves first.
const name = fc.constantFrom<[string, string]>(['"0"', '"0"'], ['"1"', '"\\u0031"'], ['"2"', '"2"'], ['"10"', '"10"'], ['"4294967294"', '"4294967294"'], ['"4294967295"', '"4294967295"'], ['"01"', '"01"'], ['"-1"', '"-1"'], ['"1.5"', '"1.5"'], ['"a"', '"\\u0061"'], ['"b"', '"b"'], ['"Item"', '"Item"'], ['""', '""']);
const ws = fc.constantFrom('', ' ', '\n  ', '\t');

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf.map((l): Tree => ({ leaf: l })),
    fc.array(tie('tree'), { maxLength: 4 }).map((items): Tree => ({ items })),
    fc.uniqueArray(fc.tuple(name, tie('tree')), { maxLength: 6, selector: ([[n]]) => n }).map((members): Tree => ({ members })),
  ),
}));

function write(t: Tree, sent: boolean, w = ''): string {
  if ('leaf' in t) return t.leaf[sent ? 1 : 0];
  if ('items' in t) return `[${w}${t.items.map((i) => write(i, sent, w)).join(`${w},${w}`)}${w}]`;
  return `{${w}${t.members.map(([n, v]) => `${n[sent ? 1 : 0]}${w}:${w}${write(v, sent, w)}`).join(`,${w}`)}${w}}`;
}

function hasIntegerName(t: Tree): boolean {
  if ('leaf' in t) return false;
  if ('items' in t) return t.items.some(hasIntegerName);
  return t.members.some(([[n], v]) => /^"(?:0|[1-9]\d*)"$/.test(n) || hasIntegerName(v));
}

test('the writer keeps the written member order, and the value read is unchanged', () => {
  let moved = 0;
  fc.assert(
    fc.property(tree, ws, (t, w) => {
      const sent = write(t, true, w);
      const canonical = write(t, false);
      const value = JSON.parse(sent) as unknown;
      expect(compactInWrittenOrder(sent)).toBe(canonical);
      expect(stringifyInWrittenOrder(sent, value)).toBe(canonical);
      // What is decided on is the value read from the original, and the forwarded text reads the
      // same (as `JSON.stringify` writes it: `-0` is `0` to every JSON reader but JavaScript's).
      expect(JSON.stringify(JSON.parse(canonical))).toBe(JSON.stringify(value));
      // Canonical input comes back byte for byte.
      expect(compactInWrittenOrder(canonical)).toBe(canonical);
      expect(stringifyInWrittenOrder(canonical, JSON.parse(canonical))).toBe(canonical);
      if (!hasIntegerName(t)) expect(canonical).toBe(JSON.stringify(value));
      else if (canonical !== JSON.stringify(value)) moved++;
    }),
    { numRuns: 1_500 },
  );
  // The runs did exercise bodies whose order `JSON.parse` changes.
  expect(moved).toBeGreaterThan(50);
});

test('the cases of issue 11, spelled out', () => {
  expect(stringifyInWrittenOrder('{"2":"a","1":"b"}', JSON.parse('{"2":"a","1":"b"}'))).toBe('{"2":"a","1":"b"}');
  expect(stringifyInWrittenOrder('{ "b": 1, "10": 2 }', { b: 1, 10: 2 })).toBe('{"b":1,"10":2}');
  expect(stringifyInWrittenOrder('{"b":1,"\\u0031\\u0030":2}', { b: 1, 10: 2 })).toBe('{"b":1,"10":2}');
  expect(stringifyInWrittenOrder('{"b":[1.0, "x"]}', { b: [1, 'x'] })).toBe('{"b":[1,"x"]}');
});
