import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, policy } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('duplicate-rule-id', () => {
  it('reports a repeated rule id within one policy', () => {
    const p = policy(
      'p',
      '    - id: same',
      '      match: { operations: [volumeDelete] }',
      '      mode: allow',
      '    - id: other',
      '      mode: allow',
      '    - id: same',
      '      match: { operations: [customDomainCreate] }',
      '      mode: allow',
    );
    const out = check({ 'api.yaml': API_RAILWAY, 'p.yaml': p }, ['BG042']);
    expect(whereIn(out)).toEqual(['p.yaml:BG042@12:11']);
    expect(out[0]?.message).toBe('duplicate rule id `same` in policy `p`; the first is on line 7');
  });

  it('allows the same id in different policies', () => {
    const rule = ['    - id: same', '      mode: allow'];
    expect(check({ 'api.yaml': API_RAILWAY, 'a.yaml': policy('a', ...rule), 'b.yaml': policy('b', ...rule) }, ['BG042'])).toEqual([]);
  });
});
