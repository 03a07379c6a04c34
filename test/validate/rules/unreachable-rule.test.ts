import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { API_RAILWAY, policy } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

const run = (...rules: string[]) => check({ 'api.yaml': API_RAILWAY, 'p.yaml': policy('p', ...rules) }, ['BG057']);
const rule = (id: string, mode: string, match?: string) => [
  `    - id: ${id}`,
  ...(match ? [`      match: ${match}`] : []),
  `      mode: ${mode}`,
  ...(mode === 'allow' ? [] : ['      reason: because']),
];

describe('unreachable-rule', () => {
  it('reports a rule shadowed by an earlier, broader, at-least-as-severe rule', () => {
    const out = run(
      ...rule('all-destructive', 'deny', '{ operations: ["class:destructive"] }'),
      ...rule('volume-prod', 'deny', '{ operations: [volumeDelete], environments: [production] }'),
    );
    expect(whereIn(out)).toEqual(['p.yaml:BG057@11:11']);
    expect(out[0]?.message).toBe(
      'rule `volume-prod` can never decide: rule `all-destructive` (line 7) matches every call it matches, with the same mode (`deny`)',
    );
    expect(out[0]?.help).toBe(
      "`volume-prod` still appears in `violations` and `reasons` when it matches, but never as the decision's `rule`; move `volume-prod` before `all-destructive` if it should decide, narrow `all-destructive`, or remove `volume-prod`",
    );
    expect(out[0]?.message).not.toMatch(/unreachable/);
    expect(out[0]?.severity).toBe('warning');
  });

  it('treats a less severe later rule as unreachable, and says order does not help', () => {
    const out = run(...rule('deny-all', 'deny'), ...rule('allow-domains', 'allow', '{ operations: [customDomainCreate] }'));
    expect(whereIn(out)).toEqual(['p.yaml:BG057@10:11']);
    expect(out[0]?.message).toBe(
      'rule `allow-domains` can never decide: rule `deny-all` (line 7) matches every call it matches, with a more severe mode (`deny`)',
    );
    expect(out[0]?.help).toBe('`deny` outweighs `allow` whatever the order: narrow `deny-all` or remove `allow-domains`');
  });

  it('says a shadowed shadow rule still shows in violations under a deny rule', () => {
    const out = run(...rule('deny-all', 'deny'), ...rule('shadow-delete', 'shadow', '{ operations: [volumeDelete] }'));
    expect(whereIn(out)).toEqual(['p.yaml:BG057@10:11']);
    expect(out[0]?.help).toBe(
      "`shadow-delete` still appears in `violations` when it matches, but never as the decision's `rule`; `deny` outweighs `shadow` whatever the order: narrow `deny-all` or remove `shadow-delete`",
    );
  });

  it('leaves rules that can never match to BG059', () => {
    expect(run(...rule('a', 'deny'), ...rule('b', 'deny', '{ attempt: { min: 2000000000 } }'))).toEqual([]);
  });

  it('does not report a more severe later rule', () => {
    expect(run(...rule('allow-all', 'allow'), ...rule('deny-delete', 'deny', '{ operations: [volumeDelete] }'))).toEqual([]);
  });

  it.each([
    '{ operations: [volumeDelete], environments: [production] }',
    '{ operations: [volumeDelete], identity: { originator: absent } }',
    '{ operations: [volumeDelete], identity: { verified: true } }',
    '{ operations: [volumeDelete], attempt: { min: 2 } }',
    '{ operations: [volumeDelete], tokens: [x] }',
    '{ operations: [volumeDelete], resources: { projects: [pocketos] } }',
    '{ operations: [customDomainDelete, volumeDelete, projectDelete] , resources: { kinds: [volume] } }',
  ])('does not report a broader rule after a narrower one: %s', (narrow) => {
    expect(run(...rule('a', 'deny', narrow), ...rule('b', 'deny', '{ operations: [volumeDelete] }'))).toEqual([]);
  });

  it('resolves environments listing every declared one, identity present, and attempt ranges', () => {
    const out = run(
      ...rule('a', 'shadow', '{ environments: [production, staging], identity: { originator: present }, attempt: { min: 1, max: 5 } }'),
      ...rule('b', 'shadow', '{ operations: [volumeDelete], identity: { originator: [user-a] }, attempt: { min: 2, max: 3 } }'),
    );
    expect(whereIn(out)).toEqual(['p.yaml:BG057@11:11']);
  });

  it('classifies uncatalogued names when comparing with class selectors', () => {
    const out = run(
      ...rule('a', 'deny', '{ operations: ["class:destructive"] }'),
      ...rule('b', 'deny', '{ operations: [bucketPurge] }'),
      ...rule('c', 'deny', '{ operations: [bucketCreate] }'),
    );
    expect(whereIn(out)).toEqual(['p.yaml:BG057@11:11']);
  });
});
