import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('protected-environments', () => {
  it('reports protected environments missing from environments', () => {
    const api = API_RAILWAY.replace('protectedEnvironments: [production]', 'protectedEnvironments: [production, stagin]');
    const out = check({ 'api.yaml': api }, ['BG047']);
    expect(whereIn(out)).toEqual(['api.yaml:BG047@8:39']);
    expect(out[0]?.help).toBe('did you mean `staging`?');
  });

  it('accepts a subset', () => {
    expect(check({ 'api.yaml': API_RAILWAY }, ['BG047'])).toEqual([]);
  });
});
