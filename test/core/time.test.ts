import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatInstant, normalizeTimestamp, parseRfc3339 } from '../../src/core/time.js';

describe('rfc 3339', () => {
  it.each([
    ['2026-04-24T21:14:03Z', '2026-04-24T21:14:03Z'],
    ['2026-04-24t21:14:03.120z', '2026-04-24T21:14:03.12Z'],
    ['2026-04-24T23:14:03+02:00', '2026-04-24T21:14:03Z'],
    ['2024-02-29T00:00:00-00:30', '2024-02-29T00:30:00Z'],
    ['1970-01-01T00:00:00.000000001Z', '1970-01-01T00:00:00.000000001Z'],
  ])('%s → %s', (text, canonical) => expect(normalizeTimestamp(text)).toBe(canonical));

  it.each(['2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-24T24:00:00Z', '2026-04-24T23:59:60Z', '2026-04-24T10:00Z', '2026-04-24T10:00:00', '2026-04-24T10:00:00+24:00', '2026-04-24T10:00:00.1234567890Z'])(
    'rejects %s',
    (text) => expect(parseRfc3339(text)).toBeNull(),
  );

  it('agrees with Date for every millisecond instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const t = parseRfc3339(d.toISOString())!;
        expect(t.seconds * 1000 + t.nanos / 1e6).toBe(d.getTime());
        expect(parseRfc3339(formatInstant(t))).toEqual(t);
      }),
    );
  });
});
