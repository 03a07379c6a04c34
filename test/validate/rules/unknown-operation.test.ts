import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, policy, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('unknown-operation', () => {
  it('warns about rule and grant operations missing from the catalog and says how they classify', () => {
    const p = policy(
      'p',
      '    - id: r1',
      '      match: { operations: [volumeDelet, "class:destructive", "*", projectCreate, volumeDelete] }',
      '      mode: deny',
      '      reason: no',
    );
    const t = token('t').replace('operations: [customDomainCreate]', 'operations: [customDomainCreate, serviceRemove]');
    const out = check({ 'api.yaml': API_RAILWAY, 'p.yaml': p, 't.yaml': t }, ['BG044']);
    expect(whereIn(out)).toEqual(['p.yaml:BG044@8:29', 'p.yaml:BG044@8:68', 't.yaml:BG044@9:42']);
    expect(out.every((d) => d.severity === 'warning')).toBe(true);
    expect(out[0]?.message).toBe(
      'operation `volumeDelet` is not in api `railway`; it will be classified as write by its name (read when called as a query)',
    );
    expect(out[0]?.help).toBe('did you mean `volumeDelete`?');
    expect(out[1]?.help).toBe('add it to `spec.operations` of api `railway` with its class');
    expect(out[2]?.message).toBe('operation `serviceRemove` is not in api `railway`; it will be classified as destructive by its name');
  });

  it('says plain write for non-graphql apis', () => {
    const api = API_RAILWAY.replace('protocol: graphql', 'protocol: mcp');
    const p = policy('p', '    - id: r1', '      match: { operations: [listThings] }', '      mode: allow');
    const out = check({ 'api.yaml': api, 'p.yaml': p }, ['BG044']);
    expect(out[0]?.message).toBe('operation `listThings` is not in api `railway`; it will be classified as write by its name');
  });

  it('stays silent when the api itself is unknown', () => {
    const p = policy('p', '    - id: r1', '      match: { operations: [nope] }', '      mode: allow').replace('api: railway', 'api: other');
    expect(check({ 'p.yaml': p }, ['BG044'])).toEqual([]);
  });
});
