import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, policy } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('attempt-range', () => {
  it('reports min greater than max', () => {
    const p = policy('p', '    - id: r1', '      match: { attempt: { min: 3, max: 2 } }', '      mode: allow');
    const out = check({ 'api.yaml': API_RAILWAY, 'p.yaml': p }, ['BG059']);
    expect(whereIn(out)).toEqual(['p.yaml:BG059@8:32']);
  });

  it('reports a min above the largest attempt an input may carry', () => {
    const p = policy(
      'p',
      '    - id: r1',
      '      match: { attempt: { min: 1000000001 } }',
      '      mode: deny',
      '      reason: never',
      '    - id: r2',
      '      match: { attempt: { min: 1000000000, max: 2000000000 } }',
      '      mode: allow',
    );
    const out = check({ 'api.yaml': API_RAILWAY, 'p.yaml': p }, ['BG059']);
    expect(whereIn(out)).toEqual(['p.yaml:BG059@8:32']);
    expect(out[0]?.message).toBe(
      'rule `r1` can never match: `attempt.min` 1000000001 is above 1000000000, the largest attempt an input may carry',
    );
  });

  it('accepts equal bounds and one-sided bounds', () => {
    const p = policy(
      'p',
      '    - id: r1',
      '      match: { attempt: { min: 2, max: 2 } }',
      '      mode: allow',
      '    - id: r2',
      '      match: { attempt: { min: 5 } }',
      '      mode: allow',
    );
    expect(check({ 'api.yaml': API_RAILWAY, 'p.yaml': p }, ['BG059'])).toEqual([]);
  });
});
