import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, FINGERPRINT_B, docs, policy, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('duplicate-name', () => {
  it('reports a second document of the same kind and name, pointing at the first', () => {
    const out = check(
      { 'a.yaml': docs(API_RAILWAY, token('t')), 'b.yaml': docs(API_RAILWAY, token('t', FINGERPRINT_B)) },
      ['BG041'],
    );
    expect(whereIn(out)).toEqual(['b.yaml:BG041@3:19', 'b.yaml:BG041@18:19']);
    expect(out[0]?.message).toBe('duplicate Api name `railway`; it is already declared at a.yaml:3');
  });

  it('allows the same name in different kinds', () => {
    const p = policy('railway', '    - id: r1', '      mode: allow');
    expect(check({ 'a.yaml': docs(API_RAILWAY, p) }, ['BG041'])).toEqual([]);
  });
});
