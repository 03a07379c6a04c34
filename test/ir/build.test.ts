import { describe, expect, it } from 'vitest';
import { buildIr, irDigest, resolveOperations } from '../../src/ir/build.js';
import { bundleDataFromIr } from '../../src/ir/data.js';
import type { ApiDocument, PolicyDocument, TokenDocument } from '../../src/schemas/types.generated.js';
import { policySet } from './set.js';

const V = 'blastguard.dev/v1' as const;
const api: ApiDocument = {
  apiVersion: V,
  kind: 'Api',
  metadata: { name: 'railway' },
  spec: {
    protocol: 'graphql',
    hosts: ['b.example', 'a.example'],
    environments: ['production', 'staging'],
    protectedEnvironments: ['production'],
    defaults: { read: 'allow', write: 'shadow', destructive: 'deny' },
    operations: { volumeDelete: { class: 'destructive' }, serviceDelete: { class: 'destructive' }, me: { class: 'read' } },
  },
};
const policy = (name: string, rules: PolicyDocument['spec']['rules']): PolicyDocument => ({ apiVersion: V, kind: 'Policy', metadata: { name }, spec: { api: 'railway', rules } });
const tok = (name: string, fp: string, expires: string): TokenDocument => ({
  apiVersion: V,
  kind: 'Token',
  metadata: { name },
  spec: { api: 'railway', fingerprint: fp, expires, grants: [{ operations: ['me', 'class:read'], environments: ['staging', '*'] }] },
});

describe('buildIr', () => {
  const p1 = policy('zeta', [{ id: 'r1', match: { operations: ['class:destructive', 'customThing'], environments: ['staging', 'production'] }, mode: 'deny', reason: 'x' }]);
  const p2 = policy('alpha', [{ id: 'r2', mode: 'allow' }]);
  const t1 = tok('b', 'sha256:' + '2'.repeat(64), '2027-01-31T01:00:00+01:00');
  const t2 = tok('a', 'sha256:' + '1'.repeat(64), '2027-01-31T00:00:00.500Z');

  it('sorts, qualifies rule ids, resolves class selectors and applies defaults', () => {
    const ir = buildIr(policySet({ Api: [api], Policy: [p1, p2], Token: [t1, t2] }));
    expect(ir.policies.map((p) => p.name)).toEqual(['alpha', 'zeta']);
    expect(ir.policies[1]!.rules[0]).toEqual({
      id: 'zeta/r1',
      mode: 'deny',
      reason: 'x',
      match: {
        operations: { any: false, names: ['customThing', 'serviceDelete', 'volumeDelete'], classes: ['destructive'] },
        environments: ['production', 'staging'],
        resources: null,
        tokens: null,
        identity: null,
        attempt: null,
      },
    });
    expect(ir.apis[0]!.hosts).toEqual(['a.example', 'b.example']);
    expect(ir.apis[0]!.operations.map((o) => [o.name, o.type])).toEqual([['me', 'query'], ['serviceDelete', 'mutation'], ['volumeDelete', 'mutation']]);
    expect(ir.apis[0]!.tokens).toEqual({ headers: [{ name: 'Authorization', schemes: ['Bearer'] }], missing: 'deny', unknown: 'deny', requireExpiry: true, checkScopesFor: ['read', 'write', 'destructive'] });
    expect(ir.tokens.map((t) => [t.name, t.expires])).toEqual([['a', '2027-01-31T00:00:00.5Z'], ['b', '2027-01-31T00:00:00Z']]);
    expect(ir.tokens[0]!.grants[0]!.operations).toEqual(['class:read', 'me']);
    expect(ir.overrides).toEqual({ enforcement: 'normal', reason: null, expires: null });
  });

  it('the digest ignores document order and source formatting, and changes with meaning', () => {
    const a = buildIr(policySet({ Api: [api], Policy: [p1, p2], Token: [t1, t2] }));
    const b = buildIr(policySet({ Api: [api], Policy: [p2, p1], Token: [t2, t1] }));
    expect(irDigest(a)).toBe(irDigest(b));
    expect(irDigest(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const c = buildIr(policySet({ Api: [api], Policy: [p1, policy('alpha', [{ id: 'r2', mode: 'shadow', reason: 'y' }])], Token: [t1, t2] }));
    expect(irDigest(c)).not.toBe(irDigest(a));
  });

  it('resolveOperations keeps `*` and classes for uncatalogued names', () => {
    expect(resolveOperations(['*', 'class:read'], buildIr(policySet({ Api: [api] })).apis[0])).toEqual({ any: true, names: ['me'], classes: ['read'] });
  });

  it('bundle data holds tokens by fingerprint and the overrides', () => {
    const data = bundleDataFromIr(buildIr(policySet({ Api: [api], Token: [t1] })));
    expect(Object.keys(data.blastguard.tokens)).toEqual(['sha256:' + '2'.repeat(64)]);
    expect(data.blastguard.tokens['sha256:' + '2'.repeat(64)]).toMatchObject({ name: 'b', api: 'railway', expires: '2027-01-31T00:00:00Z' });
    expect(data.blastguard.overrides.enforcement).toBe('normal');
  });
});
