import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionClock } from '../../src/proxy/decision-clock.js';

/** `toISOString` of the time, or the error's name: what the proxy's decision time was before it was kept per second. */
const reference = (ms: number): string => {
  try {
    return new Date(ms).toISOString();
  } catch (e) {
    return (e as Error).name;
  }
};

const read = (now: () => string): string => {
  try {
    return now();
  } catch (e) {
    return (e as Error).name;
  }
};

describe('decisionClock', () => {
  // Times near one another (the same second, the next, one back), anywhere a Date reaches and past it.
  const base = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.constantFrom(0, -1, 8.64e15, 8.64e15 - 1, -8.64e15));
  const step = fc.oneof(fc.integer({ min: -1500, max: 1500 }), fc.constantFrom(0, 1, -1, 999, 1000, 0.5, -0.25, Number.NaN, Infinity));

  it('reads as `new Date(clock()).toISOString()` for every time, in any order', () => {
    fc.assert(
      fc.property(base, fc.array(step, { maxLength: 40 }), (start, steps) => {
        let t = start;
        const now = decisionClock(() => t);
        expect(read(now)).toBe(reference(t));
        for (const s of steps) {
          t = Number.isFinite(s) ? t + s : s;
          expect(read(now)).toBe(reference(t));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the clock on every call', () => {
    let t = Date.UTC(2026, 11, 1, 6, 0, 0, 998);
    const now = decisionClock(() => t);
    expect(now()).toBe('2026-12-01T06:00:00.998Z');
    t += 1;
    expect(now()).toBe('2026-12-01T06:00:00.999Z');
    t += 1;
    expect(now()).toBe('2026-12-01T06:00:01.000Z');
    t += 41;
    expect(now()).toBe('2026-12-01T06:00:01.041Z');
  });
});
