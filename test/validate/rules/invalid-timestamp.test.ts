import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';
import { parseTimestamp } from '../../../src/validate/context.js';

describe('invalid-timestamp', () => {
  it('reports date-times that are not on the calendar', () => {
    const t = token('t').replace(/expires: .*/, 'expires: 2027-02-29T00:00:00Z');
    const out = check({ 'api.yaml': API_RAILWAY, 't.yaml': t }, ['BG060']);
    expect(whereIn(out)).toEqual(['t.yaml:BG060@7:12']);
    expect(out[0]?.message).toBe('`2027-02-29T00:00:00Z` is not a valid date-time');
  });

  it('parses RFC 3339 instants with offsets and fractions', () => {
    expect(parseTimestamp('2028-02-29T00:00:00Z')).toBe(Date.UTC(2028, 1, 29));
    expect(parseTimestamp('2026-06-01T02:00:00.5+02:00')).toBe(Date.UTC(2026, 5, 1, 0, 0, 0, 500));
    expect(parseTimestamp('2026-06-01T00:00:00-01:30')).toBe(Date.UTC(2026, 5, 1, 1, 30));
    for (const bad of ['2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+24:00']) {
      expect(parseTimestamp(bad)).toBeUndefined();
    }
  });
});
