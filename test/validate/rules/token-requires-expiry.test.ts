import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

const noExpiry = token('t').replace(/ {2}expires: .*\n/, '');

describe('token-requires-expiry', () => {
  it('requires expires by default, located at spec', () => {
    const out = check({ 'api.yaml': API_RAILWAY, 't.yaml': noExpiry }, ['BG051']);
    expect(whereIn(out)).toEqual(['t.yaml:BG051@4:1']);
    expect(out[0]?.message).toBe('token `t` has no `expires`');
    expect(out[0]?.help).toBe('add `expires:` (e.g. `2027-01-31T00:00:00Z`), or set `tokens.requireExpiry: false` in api `railway`');
  });

  it('does not suggest editing an api that does not exist', () => {
    const out = check({ 'api.yaml': API_RAILWAY, 't.yaml': noExpiry.replace('api: railway', 'api: railwy') }, ['BG051']);
    expect(whereIn(out)).toEqual(['t.yaml:BG051@4:1']);
    expect(out[0]?.help).toBe('add `expires:` (e.g. `2027-01-31T00:00:00Z`)');
  });

  it('allows no expiry when the api says so', () => {
    const api = API_RAILWAY.replace('  operations:\n', '  tokens: { requireExpiry: false }\n  operations:\n');
    expect(check({ 'api.yaml': api, 't.yaml': noExpiry }, ['BG051'])).toEqual([]);
  });
});
