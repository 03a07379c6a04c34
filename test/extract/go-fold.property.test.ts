// `goFold` and `fingerprintOf` run for every member name and credential of every proxied request,
// so they take fast paths (a char-code scan, Node's one-shot hash). The reference models are the
// forms they replaced: three regular-expression passes, and a `createHash` chain.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fingerprintOf } from '../../src/extract/index.js';
import { goFold } from '../../src/extract/params.js';

const reference = (name: string): string => name.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/\u017F/g, 's').replace(/\u212A/g, 'k');

// Names mixing the characters that fold, their neighbours, non-ASCII letters that must not fold, and lone surrogates.
const tricky = fc.constantFrom('A', 'Z', 'a', 'z', '@', '[', '`', '{', '\u017F', '\u212A', 'K', 'S', 'É', 'İ', 'ß', '\uD800', '_', '-', '0');
const names = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(tricky, { maxLength: 80 }).map((cs) => cs.join('')));

test('goFold folds every name as the three-pass reference does (short and long names)', () => {
  fc.assert(
    fc.property(names, (name) => {
      expect(goFold(name)).toBe(reference(name));
    }),
    { numRuns: 2_000 },
  );
});

test('fingerprintOf is the sha256 of the UTF-8 credential, as a createHash chain computes it', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (credential) => {
      expect(fingerprintOf(credential)).toBe(`sha256:${createHash('sha256').update(credential, 'utf8').digest('hex')}`);
    }),
    { numRuns: 500 },
  );
});
