import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isExactJsonNumber } from '../../src/core/exact-number.js';
import { parseJsonNotingDuplicates } from '../../src/core/json.js';

describe('isExactJsonNumber', () => {
  it('holds for every double as JavaScript writes it, and for its exponent spellings', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const text = JSON.stringify(d);
        expect(isExactJsonNumber(text)).toBe(true);
        expect(isExactJsonNumber(d.toExponential())).toBe(true);
      }),
    );
  });

  it('agrees with BigInt on integer literals (the reference: the text written back denotes the integer sent)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), (n) => {
        const literal = n.toString();
        // `JSON.stringify` writes the shortest text that reads back as the same double; that text is
        // what is forwarded, so it must denote the integer that was sent.
        expect(isExactJsonNumber(literal)).toBe(integerOf(JSON.stringify(Number(literal))) === n);
      }),
    );
  });

  it('refuses what a double cannot hold and keeps other spellings of one value', () => {
    for (const n of ['9007199254740993', '1e400', '-1e400', '1e-400', '0.30000000000000000001', '1.00000000000000001']) expect(isExactJsonNumber(n), n).toBe(false);
    for (const n of ['9007199254740992', '1.0', '1E3', '-0', '0.000', '1e-7', '5e-324', '1.7976931348623157e308']) expect(isExactJsonNumber(n), n).toBe(true);
  });

  it('is reported by the request JSON reader with the first such literal', () => {
    expect(parseJsonNotingDuplicates('{"a":[1, 9007199254740993, 1e999]}')?.inexact).toBe('9007199254740993');
    expect(parseJsonNotingDuplicates('{"a":1.5}')?.inexact).toBeNull();
  });
});

/** The integer a JSON number's text denotes, exactly, or null when it denotes a fraction. */
function integerOf(text: string): bigint | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text)!;
  const fraction = m[3] ?? '';
  const digits = BigInt(`${m[1]}${m[2]}${fraction}`);
  const shift = Number(m[4] ?? '0') - fraction.length;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return digits % divisor === 0n ? digits / divisor : null;
}
