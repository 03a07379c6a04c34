import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, FINGERPRINT_A, FINGERPRINT_B, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('duplicate-fingerprint', () => {
  it('reports a fingerprint declared by two tokens', () => {
    const out = check(
      { 'api.yaml': API_RAILWAY, 'a.yaml': token('a', FINGERPRINT_A), 'b.yaml': token('b', FINGERPRINT_A), 'c.yaml': token('c', FINGERPRINT_B) },
      ['BG043'],
    );
    expect(whereIn(out)).toEqual(['b.yaml:BG043@6:16']);
    expect(out[0]?.message).toBe('token `b` has the same fingerprint as token `a` (a.yaml:6)');
  });
});
