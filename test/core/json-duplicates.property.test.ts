// The one-scan duplicate finder against the strict reader it stands in for (`firstDuplicateKey`):
// same first repeated name, compared as Go decodes names, on random JSON texts with repeats,
// escapes, lone surrogates and nesting.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { firstDuplicateKey, parseJsonNotingDuplicates } from '../../src/core/json.js';
import { duplicateKeyOfValid } from '../../src/core/json-duplicates.js';

// Few distinct names, some spelled with escapes or as lone surrogates, so objects repeat them.
const name = fc.constantFrom('a', 'b', 'query', '__proto__', '\\u0061', 'q\\"x', '\\ud800', '\\ufffd', '\ud800', '\ufffd', 'é', '\\u00e9', '', 'a\\/b', 'a/b');
const scalar = fc.oneof(fc.constantFrom('1', '-0.5e3', 'true', 'false', 'null', '"s"', '"a\\"b"', '"{\\"a\\":1,\\"a\\":2}"', '"[,]"'), fc.string({ maxLength: 5 }).map((s) => JSON.stringify(s)));
const ws = fc.constantFrom('', ' ', '\n\t', '\r\n ');

const { value } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }).chain((items) => ws.map((w) => `[${w}${items.join(`${w},${w}`)}${w}]`)),
    fc.array(fc.tuple(name, tie('value')), { maxLength: 4 }).chain((members) => ws.map((w) => `{${w}${members.map(([k, v]) => `"${k}"${w}:${w}${v}`).join(`,${w}`)}${w}}`)),
  ),
}));

/** The scan finds the repeated name the strict reader finds, on texts from `texts`, some of them with repeats. */
function findsWhatTheStrictReaderFinds(texts: fc.Arbitrary<string>): void {
  let repeats = 0;
  fc.assert(
    fc.property(texts, (text) => {
      JSON.parse(text);
      const found = duplicateKeyOfValid(text, 1_000);
      expect(found).toBe(firstDuplicateKey(text));
      if (found !== null) repeats++;
    }),
    { numRuns: 3_000 },
  );
  expect(repeats).toBeGreaterThan(100);
}

test('the scan finds the repeated name the strict reader finds', () => findsWhatTheStrictReaderFinds(value));

// Objects with more names than the scan compares one by one (it keeps a set past eight).
const { wide } = fc.letrec<{ wide: string }>((tie) => ({
  wide: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('wide'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(fc.oneof(name, fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11', 'k12')), tie('wide')), { maxLength: 20 }).map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
  ),
}));

test('objects with many names: the same repeated name as the strict reader', () => findsWhatTheStrictReaderFinds(wide));

test('text nested past the scan depth is read by the strict reader, as before', () => {
  const deep = (d: number): string => '{"a":'.repeat(d) + '[{"b":1,"b":2}]' + '}'.repeat(d);
  expect(duplicateKeyOfValid(deep(998), 1_000)).toBe('b');
  expect(duplicateKeyOfValid(deep(999), 1_000)).toBeUndefined();
  expect(parseJsonNotingDuplicates(deep(1_500))?.duplicate).toBe('b');
  // Past what the strict reader can recurse through, the text reads as no JSON at all, as before.
  expect(parseJsonNotingDuplicates('['.repeat(20_000) + ']'.repeat(20_000))).toBeNull();
});
