import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, policy, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('unknown-environment', () => {
  it('reports rule and grant environments the api does not declare', () => {
    const p = policy('p', '    - id: r1', '      match: { environments: [production, prod] }', '      mode: allow');
    const t = token('t').replace('environments: [staging]', 'environments: ["*", dev]');
    const out = check({ 'api.yaml': API_RAILWAY, 'p.yaml': p, 't.yaml': t }, ['BG046']);
    expect(whereIn(out)).toEqual(['p.yaml:BG046@8:43', 't.yaml:BG046@9:63']);
    expect(out[0]?.message).toBe('environment `prod` is not declared by api `railway`');
    expect(out[0]?.severity).toBe('error');
    expect(out[1]?.help).toBe('declared environments: `production` and `staging`');
  });
});
