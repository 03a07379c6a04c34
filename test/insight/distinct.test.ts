// Distinct counts in bounded memory, against an exact Set (the reference model).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DistinctCounter } from '../../src/insight/index.js';
import { BurstDetector } from '../../src/insight/bursts.js';
import { Timeline, MAX_BUCKETS } from '../../src/insight/timeline.js';

describe('DistinctCounter', () => {
  it('is exact up to 64 distinct values', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 300 }), (values) => {
        const c = new DistinctCounter();
        for (const v of values) c.add(v);
        const exact = new Set(values).size;
        if (exact <= 64) {
          expect(c.count).toBe(exact);
          expect(c.isExact).toBe(true);
        }
      }),
    );
  });

  it.each([100, 1_000, 10_000, 200_000])('estimates %i distinct values within 5%%', (n) => {
    const c = new DistinctCounter();
    for (let i = 0; i < n; i++) {
      c.add(`sha256:${i.toString(16)}`);
      c.add(`sha256:${(i >> 1).toString(16)}`);
    }
    expect(Math.abs(c.count - n) / n).toBeLessThan(0.05);
  });
});

describe('BurstDetector', () => {
  it('merges overlapping windows into one burst and ignores slow, repeated or sparse calls', () => {
    const d = new BurstDetector({ windowMs: 60_000, threshold: 3 });
    const t0 = Date.parse('2026-11-23T00:00:00Z');
    // The same call repeated is one distinct call; spaced out calls never meet in a window.
    for (let i = 0; i < 10; i++) d.add('token', 'slow', t0 + i * 61_000, `op${i}`, `r${i}`, false, `s${i}`);
    for (let i = 0; i < 10; i++) d.add('token', 'same', t0 + i * 1000, 'volumeDelete', 'vol-1', false, `m${i}`);
    for (let i = 0; i < 8; i++) d.add('token', 'fast', t0 + i * 5_000, 'volumeDelete', `vol-${i}`, i % 2 === 0, `f${i}`);
    const bursts = d.finish();
    expect(bursts.map((b) => b.actor)).toEqual(['token:fast']);
    expect(bursts[0]).toMatchObject({ startMs: t0, endMs: t0 + 35_000, calls: 8, resources: 8, denied: 4, operations: ['volumeDelete'] });
  });
});

describe('Timeline', () => {
  it('widens its buckets so a year fits in the bar limit', () => {
    const t = new Timeline();
    const s = t.newSeries();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    for (let h = 0; h < 365 * 24; h += 5) s.add(t.index(t0 + h * 3_600_000), 1, 0);
    const buckets = t.buckets();
    expect(buckets.length).toBeLessThanOrEqual(MAX_BUCKETS);
    const dense = s.dense(t.firstIndex, buckets.length);
    expect(dense.wouldDeny.reduce((a, b) => a + b, 0)).toBe(Math.ceil((365 * 24) / 5));
  });
});
