// A JSON text the scan calls `stable` is exactly what `JSON.stringify` writes of what it reads as,
// and the texts of its values, found by length (json-stable.ts), are `JSON.stringify` of each
// value: the canonical GraphQL request takes its `variables` as written on that promise. Random
// texts are `JSON.stringify` output (mostly stable) and texts changed in the ways it does not
// write back as sent: whitespace, escapes, surrogates, other number spellings, index-like names.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseJsonNotingDuplicates } from '../../src/core/json.js';
import { scanValidJson } from '../../src/core/json-duplicates.js';
import { stableElementTexts, stableJsonLength, stableMemberText } from '../../src/core/json-stable.js';

const name = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'input', 'serviceId', '__proto__', 'constructor', 'toJSON', '', 'é', '\u2028', 'a b', '-1', 'x1') },
  { weight: 1, arbitrary: fc.constantFrom('0', '1', '10', '01', '4294967295', '1e3', '\ud800', '\ud83d\ude00', 'q"x', 'a\\b', '\u0001', '\u007f') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, 1e21, 1e-7, 0.1, 123456789012, -5));
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('x', '\ud800', '\ud83d\ude00', '"', '\\', '\n', '\u2028', 'é')),
    number,
    fc.constantFrom(true, false, null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(name, tie('value')), { maxLength: 4 }).map((members) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of members) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      return out;
    }),
  ),
}));

/** A text `JSON.parse` reads as the same value, written otherwise than `JSON.stringify` writes it. */
const respelled = fc.tuple(value, fc.nat(), fc.constantFrom('space', 'escape', 'number', 'none')).map(([v, at, how]) => {
  const text = JSON.stringify(v);
  if (how === 'space') {
    const cut = text.indexOf(',') >= 0 ? text.indexOf(',') + 1 : text.indexOf(':') >= 0 ? text.indexOf(':') + 1 : 0;
    return `${text.slice(0, cut)} ${text.slice(cut)}`;
  }
  if (how === 'escape') return text.replace(/"([a-z])/, (_m, c: string) => `"\\u00${c.charCodeAt(0).toString(16)}`);
  if (how === 'number') return text.replace(/(?<=[:,[])(-?\d+)(?=[,\]}])/, (n) => (at % 2 === 0 ? `${n}.0` : `${n}e0`));
  return text;
});

function checkStable(text: string): boolean {
  const scan = scanValidJson(text, 1_000);
  const parsed = parseJsonNotingDuplicates(text);
  expect(parsed?.stable).toBe(scan?.stable ?? false);
  if (scan?.stable !== true) return false;
  const read = JSON.parse(text) as unknown;
  expect(JSON.stringify(read)).toBe(text);
  expect(stableJsonLength(read)).toBe(text.length);
  if (Array.isArray(read)) expect(stableElementTexts(text, read)).toEqual(read.map((item) => JSON.stringify(item)));
  else if (typeof read === 'object' && read !== null) {
    for (const key of Object.keys(read)) expect(stableMemberText(text, read as Record<string, unknown>, key)).toBe(JSON.stringify((read as Record<string, unknown>)[key]));
    expect(stableMemberText(text, read as Record<string, unknown>, '\u0000absent')).toBeUndefined();
  }
  return true;
}

test('a stable text is what JSON.stringify writes of it, and so is the text of each of its values', () => {
  let stable = 0;
  fc.assert(
    fc.property(value, (v) => {
      if (checkStable(JSON.stringify(v))) stable++;
    }),
    { numRuns: 5_000 },
  );
  // Most `JSON.stringify` output is recognized: the fast path is exercised, not just declined.
  expect(stable).toBeGreaterThan(2_500);
});

test('texts written otherwise are never called stable unless JSON.stringify writes them so', () => {
  let declined = 0;
  fc.assert(
    fc.property(respelled, (text) => {
      if (!checkStable(text)) declined++;
    }),
    { numRuns: 5_000 },
  );
  expect(declined).toBeGreaterThan(1_000);
});

test('each way of writing otherwise is declined', () => {
  for (const text of ['{"a": 1}', ' {"a":1}', '{"a":1}\n', '{"a":"\\u0062"}', '{"\\u0061":1}', '{"a":"\\ud800"}', '{"a":"\ud83d\ude00"}', '{"a":1.50}', '{"a":1e3}', '{"a":-0}', '{"1":1,"a":2}', '{"a":1,"a":2}', '[1.0]', '"\\n"']) {
    expect(parseJsonNotingDuplicates(text)?.stable, text).toBe(false);
  }
  for (const text of ['{"a":1}', '{"__proto__":{"b":[1,-2.5,true,null]},"é":"\u2028"}', '[]', '{}', '"x"', '1e+21', '{"-1":0,"x1":1}']) {
    expect(parseJsonNotingDuplicates(text)?.stable, text).toBe(true);
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
  }
});

test('a parsed value changed after parsing never yields a misaligned slice of the text', () => {
  // The review's case: the lengths come from the parsed object; a changed value must not shift the slice.
  const text = '{"query":"q","variables":{"id":"production-1"},"operationName":"x"}';
  const read = JSON.parse(text) as Record<string, unknown>;
  expect(stableMemberText(text, read, 'variables')).toBe('{"id":"production-1"}');
  (read['variables'] as Record<string, unknown>)['id'] = 'p1';
  expect(stableMemberText(text, read, 'variables')).toBeUndefined();
  read['query'] = 'longer query';
  expect(stableMemberText(text, read, 'variables')).toBeUndefined();
});
