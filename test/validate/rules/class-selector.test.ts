import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, policy, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

describe('class-selector', () => {
  it('warns about a class with no catalog operation', () => {
    const api = API_RAILWAY.replace('    project: { class: read, type: query }\n', '');
    const p = policy('p', '    - id: r1', '      match: { operations: ["class:read", "class:write"] }', '      mode: allow');
    const t = token('t').replace('operations: [customDomainCreate]', 'operations: ["class:read"]');
    const out = check({ 'api.yaml': api, 'p.yaml': p, 't.yaml': t }, ['BG045']);
    expect(whereIn(out)).toEqual(['p.yaml:BG045@8:29', 't.yaml:BG045@9:22']);
    expect(out[0]?.message).toBe('`class:read` matches no operation in the catalog of api `railway`');
    expect(out[0]?.severity).toBe('warning');
  });

  it('accepts classes the catalog has', () => {
    const p = policy('p', '    - id: r1', '      match: { operations: ["class:read", "class:write", "class:destructive"] }', '      mode: allow');
    expect(check({ 'api.yaml': API_RAILWAY, 'p.yaml': p }, ['BG045'])).toEqual([]);
  });
});
