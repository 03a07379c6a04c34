// Decision ids are made on every decided operation; they must stay what `crypto.randomUUID()`
// gives: version 4 UUIDs, lowercase, every random digit uniform, never repeated.
import { describe, expect, test } from 'vitest';
import { newDecisionId } from '../../src/enforce/index.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newDecisionId', () => {
  test('version 4 UUIDs in randomUUID format, distinct across many refills of random bytes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = newDecisionId();
      expect(id).toMatch(V4);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
  });

  test('each id is its own string: a later id does not change an earlier one', () => {
    const first = newDecisionId();
    const copy = `${first}`;
    for (let i = 0; i < 300; i++) newDecisionId();
    expect(first).toBe(copy);
  });

  test('every random hex digit is uniform (no position copied, fixed or biased)', () => {
    const n = 16_000;
    // Per position, counts of the 16 digits; the fixed version digit (14) and the variant digit (19) apart.
    const counts = Array.from({ length: 36 }, () => new Array<number>(16).fill(0));
    let sameAsPrevious = 0;
    let previous = '';
    for (let i = 0; i < n; i++) {
      const id = newDecisionId();
      for (let p = 0; p < 36; p++) if (id[p] !== '-') counts[p]![parseInt(id[p]!, 16)]!++;
      if (id.slice(0, 8) === previous.slice(0, 8)) sameAsPrevious++;
      previous = id;
    }
    expect(sameAsPrevious).toBe(0);
    for (let p = 0; p < 36; p++) {
      if ([8, 13, 18, 23].includes(p)) continue;
      const c = counts[p]!;
      if (p === 14) {
        expect(c[4]).toBe(n);
        continue;
      }
      if (p === 19) {
        for (let d = 0; d < 16; d++) if (d < 8 || d > 11) expect(c[d]).toBe(0);
        // Four variant digits, n/4 each: within 6 standard deviations.
        for (const d of [8, 9, 10, 11]) expect(Math.abs(c[d]! - n / 4)).toBeLessThan(6 * Math.sqrt((n * 3) / 16));
        continue;
      }
      // Sixteen digits, n/16 each: a chi-square far beyond its 15 degrees of freedom means a bug, not chance.
      const chi = c.reduce((s, x) => s + (x - n / 16) ** 2 / (n / 16), 0);
      expect(chi).toBeLessThan(60);
    }
  });
});
