import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/index.js';
import { buildIr } from '../../src/ir/build.js';
import { bundleDataFromIr } from '../../src/ir/data.js';
import type { ApiDocument, OverridesDocument, PolicyDocument, TokenDocument } from '../../src/schemas/types.generated.js';
import type { Decision } from '../../src/ir/types.js';
import { policySet } from '../ir/set.js';

const V = 'blastguard.dev/v1' as const;
const DOMAINS_FP = 'sha256:' + 'a'.repeat(64);
const DEPLOY_FP = 'sha256:' + 'b'.repeat(64);
const OLD_FP = 'sha256:' + 'c'.repeat(64);
const OTHER_API_FP = 'sha256:' + 'd'.repeat(64);

const api: ApiDocument = {
  apiVersion: V,
  kind: 'Api',
  metadata: { name: 'railway' },
  spec: {
    protocol: 'graphql',
    hosts: ['backboard.railway.com'],
    environments: ['production', 'staging', 'development'],
    protectedEnvironments: ['production'],
    defaults: { read: 'allow', write: 'shadow', destructive: 'deny' },
    tokens: { checkScopesFor: ['write', 'destructive'] },
    operations: {
      volumeDelete: { class: 'destructive', resource: { kind: 'volume', idArg: 'volumeId' } },
      customDomainCreate: { class: 'write' },
      serviceInstanceRedeploy: { class: 'write' },
      projects: { class: 'read' },
    },
  },
};
const other: ApiDocument = { ...api, metadata: { name: 'other' }, spec: { ...api.spec, hosts: ['other.example'] } };

const production: PolicyDocument = {
  apiVersion: V,
  kind: 'Policy',
  metadata: { name: 'railway-production' },
  spec: {
    api: 'railway',
    rules: [
      { id: 'no-destructive-in-production', match: { operations: ['class:destructive'], environments: ['production'] }, mode: 'deny', reason: 'Irreversible in production.' },
      { id: 'domains', match: { operations: ['customDomainCreate'] }, mode: 'allow' },
    ],
  },
};
const safety: PolicyDocument = {
  apiVersion: V,
  kind: 'Policy',
  metadata: { name: 'railway-safety' },
  spec: {
    api: 'railway',
    rules: [
      { id: 'needs-originator', match: { operations: ['class:destructive'], identity: { originator: 'absent' } }, mode: 'deny', reason: 'Needs an originator.' },
      { id: 'retries', match: { operations: ['class:write'], attempt: { min: 2, max: 3 } }, mode: 'shadow', reason: 'Retried write.' },
      { id: 'jer-verified', match: { operations: ['projects'], identity: { originator: ['user:jer'], verified: true } }, mode: 'shadow', reason: 'Watching jer.' },
      { id: 'tenant-pocketos', match: { operations: ['projects'], identity: { tenant: 'present' }, resources: { projects: ['pocketos'] } }, mode: 'shadow', reason: 'Tenant read.' },
      { id: 'domains-token', match: { operations: ['serviceInstanceRedeploy'], tokens: ['ci-domains'] }, mode: 'deny', reason: 'Domains token never redeploys.' },
    ],
  },
};
const token = (name: string, fingerprint: string, spec: Partial<TokenDocument['spec']>): TokenDocument => ({
  apiVersion: V,
  kind: 'Token',
  metadata: { name },
  spec: { api: 'railway', fingerprint, grants: [], ...spec },
});
const tokens: TokenDocument[] = [
  token('ci-domains', DOMAINS_FP, {
    expires: '2027-01-31T00:00:00Z',
    grants: [{ operations: ['customDomainCreate', 'class:read'], environments: ['staging', 'production'], projects: ['pocketos'] }],
  }),
  token('deploy', DEPLOY_FP, { expires: '2027-01-31T01:00:00+01:00', grants: [{ operations: ['*'], environments: ['*'], resources: ['svc-1'] }] }),
  token('old', OLD_FP, { expires: '2026-01-01T00:00:00Z', grants: [{ operations: ['*'], environments: ['*'] }] }),
  { ...token('elsewhere', OTHER_API_FP, { expires: '2027-01-31T00:00:00Z' }), spec: { api: 'other', fingerprint: OTHER_API_FP, grants: [] } },
];
const overrides = (spec: OverridesDocument['spec']): OverridesDocument => ({ apiVersion: V, kind: 'Overrides', metadata: { name: 'global' }, spec });

const ir = buildIr(policySet({ Api: [api, other], Policy: [safety, production], Token: tokens }));
const T = '2026-04-24T21:14:03Z';
const base = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  api: 'railway',
  operation: { name: 'volumeDelete', type: 'mutation' },
  resource: { kind: 'volume', id: 'vol-1', environment: 'production', project: 'pocketos' },
  token: { fingerprint: DOMAINS_FP },
  identity: { originator: 'user:jer' },
  time: T,
  ...over,
});
const decide = (input: unknown, data?: unknown): Decision => evaluate(ir, input, data);
const pick = (d: Decision) => ({ mode: d.mode, rule: d.rule });

describe('reference evaluator: verdict and precedence', () => {
  it('the PocketOS call: production rule decides, token scope is a second deny', () => {
    const d = decide(base({ identity: null }));
    expect(d).toEqual({
      allow: false,
      mode: 'deny',
      enforced: true,
      would_deny: true,
      rule: 'railway-production/no-destructive-in-production',
      reasons: ['Irreversible in production.', 'Needs an originator.', 'token ci-domains has no grant for volumeDelete in production'],
      violations: [
        { kind: 'rule', rule: 'railway-production/no-destructive-in-production', mode: 'deny' },
        { kind: 'rule', rule: 'railway-safety/needs-originator', mode: 'deny' },
        { kind: 'token-scope', rule: 'token:scope', mode: 'deny', token: 'ci-domains' },
      ],
      environment: 'production',
      environment_assumed: false,
      class: 'destructive',
      enforcement: 'normal',
    });
  });

  it('an allow rule never outweighs a deny finding (token scope)', () => {
    // customDomainCreate is allowed by a rule, but the deploy token's grant is limited to svc-1.
    const d = decide(base({ operation: { name: 'customDomainCreate' }, token: { fingerprint: DEPLOY_FP } }));
    expect(pick(d)).toEqual({ mode: 'deny', rule: 'token:scope' });
    expect(d.violations).toEqual([{ kind: 'token-scope', rule: 'token:scope', mode: 'deny', token: 'deploy' }]);
  });

  it('allow rule without reason names itself; no violations', () => {
    const d = decide(base({ operation: { name: 'customDomainCreate' }, resource: { environment: 'staging', project: 'pocketos' } }));
    expect(d).toMatchObject({ allow: true, mode: 'allow', enforced: false, would_deny: false, rule: 'railway-production/domains', violations: [] });
    expect(d.reasons).toEqual(['rule railway-production/domains matched']);
  });

  it('shadow outweighs allow; shadow gives allow true, would_deny true, enforced false', () => {
    const d = decide(base({ operation: { name: 'customDomainCreate' }, resource: { environment: 'staging', project: 'pocketos' }, attempt: 2 }));
    expect(d).toMatchObject({ allow: true, mode: 'shadow', enforced: false, would_deny: true, rule: 'railway-safety/retries', reasons: ['Retried write.'] });
  });

  it('policies are ordered by name, rules by position: the first deny names the decision', () => {
    const d = decide(base({ identity: {} }));
    expect(d.rule).toBe('railway-production/no-destructive-in-production');
  });
});

describe('reference evaluator: defaults per class', () => {
  it.each([
    ['projects', 'query', 'allow', 'default:read'],
    ['serviceInstanceRedeploy', 'mutation', 'shadow', 'default:write'],
  ])('%s → %s by %s', (name, type, mode, rule) => {
    const d = decide(base({ operation: { name, type }, resource: { environment: 'staging', project: 'pocketos', id: 'svc-1' }, token: { fingerprint: DEPLOY_FP } }));
    expect(pick(d)).toEqual({ mode, rule });
    expect(d.reasons[0]).toBe(`no rule matched; the default for ${rule.slice(8)} operations is ${mode}`);
  });

  it('destructive default applies in staging when no rule matches', () => {
    const d = decide(base({ resource: { environment: 'staging', id: 'svc-1' }, token: { fingerprint: DEPLOY_FP } }));
    expect(pick(d)).toEqual({ mode: 'deny', rule: 'default:destructive' });
  });
});

describe('reference evaluator: classification of uncatalogued operations', () => {
  it.each([
    ['volumeInstanceDelete', 'mutation', 'destructive'],
    ['DBDelete', null, 'destructive'],
    ['remove_volume', 'tool', 'destructive'],
    ['environmentScheduleDelete', 'mutation', 'destructive'],
    ['volumeRestore', 'mutation', 'write'],
    ['volumeList', 'query', 'read'],
    ['volumeList', null, 'write'],
  ])('%s (%s) is %s', (name, type, cls) => {
    const d = decide(base({ operation: type === null ? { name } : { name, type }, resource: { environment: 'staging' }, token: { fingerprint: DEPLOY_FP } }));
    expect(d.class).toBe(cls);
  });

  it('class selectors reach uncatalogued operations of that class', () => {
    const d = decide(base({ operation: { name: 'volumeInstanceDelete' } }));
    expect(d.rule).toBe('railway-production/no-destructive-in-production');
  });
});

describe('reference evaluator: environments', () => {
  it.each([
    [{ environment: 'staging' }, 'staging', false],
    [{ environment: 'qa' }, 'production', true],
    [{ environment: '' }, 'production', true],
    [{}, 'production', true],
    [null, 'production', true],
  ])('resource %j → %s (assumed %s)', (resource, env, assumed) => {
    const d = decide(base({ resource }));
    expect(d.environment).toBe(env);
    expect(d.environment_assumed).toBe(assumed);
  });

  it('an unknown environment is treated as production by rules', () => {
    const d = decide(base({ resource: { environment: 'prod' } }));
    expect(d.rule).toBe('railway-production/no-destructive-in-production');
  });
});

describe('reference evaluator: tokens', () => {
  it('missing token → token:missing with the API mode', () => {
    const d = decide(base({ operation: { name: 'projects', type: 'query' }, token: undefined }));
    expect(pick(d)).toEqual({ mode: 'deny', rule: 'token:missing' });
    expect(d.reasons).toEqual(['the call carries no token']);
  });

  it('empty fingerprint counts as missing', () => {
    expect(decide(base({ operation: { name: 'projects' }, token: { fingerprint: '' } })).rule).toBe('token:missing');
  });

  it('unknown fingerprint → token:unknown', () => {
    const d = decide(base({ operation: { name: 'projects' }, token: { fingerprint: 'sha256:' + 'e'.repeat(64) } }));
    expect(pick(d)).toEqual({ mode: 'deny', rule: 'token:unknown' });
    expect(d.reasons).toEqual(["the call's token is not declared for api railway"]);
  });

  it('a token of another API is unknown here', () => {
    expect(decide(base({ operation: { name: 'projects' }, token: { fingerprint: OTHER_API_FP } })).rule).toBe('token:unknown');
  });

  it('expired token → token:expired, comparing instants across offsets', () => {
    const d = decide(base({ operation: { name: 'projects' }, token: { fingerprint: OLD_FP } }));
    expect(d.violations).toEqual([{ kind: 'token-expired', rule: 'token:expired', mode: 'deny', token: 'old' }]);
    expect(d.reasons).toEqual(['token old expired at 2026-01-01T00:00:00Z']);
    // deploy expires 2027-01-31T01:00:00+01:00 = 2027-01-31T00:00:00Z
    const edge = { operation: { name: 'projects' }, token: { fingerprint: DEPLOY_FP }, resource: { id: 'svc-1' } };
    expect(decide(base({ ...edge, time: '2027-01-30T23:59:59.999999999Z' })).rule).toBe('default:read');
    expect(decide(base({ ...edge, time: '2027-01-31T00:00:00Z' })).rule).toBe('token:expired');
  });

  it('scopes are checked only for the configured classes', () => {
    // ci-domains has no grant for projects in development, but reads are not scope-checked.
    expect(decide(base({ operation: { name: 'projects' }, resource: { environment: 'development' } })).rule).toBe('default:read');
  });

  it('grant projects must contain the resource project', () => {
    const ok = decide(base({ operation: { name: 'customDomainCreate' }, resource: { environment: 'staging', project: 'pocketos' } }));
    const wrong = decide(base({ operation: { name: 'customDomainCreate' }, resource: { environment: 'staging', project: 'other' } }));
    const none = decide(base({ operation: { name: 'customDomainCreate' }, resource: { environment: 'staging' } }));
    expect([ok.mode, wrong.rule, none.rule]).toEqual(['allow', 'token:scope', 'token:scope']);
  });

  it('match.tokens holds for the named declared token', () => {
    const d = decide(base({ operation: { name: 'serviceInstanceRedeploy' }, resource: { environment: 'staging' } }));
    expect(d.rule).toBe('railway-safety/domains-token');
  });

  it('malformed token records in data count as undeclared', () => {
    const data = bundleDataFromIr(ir) as unknown as { blastguard: { tokens: Record<string, unknown> } };
    data.blastguard.tokens[DOMAINS_FP] = { name: 'ci-domains', api: 'railway', expires: 'tomorrow', grants: [] };
    expect(decide(base({ operation: { name: 'projects' } }), data).rule).toBe('token:unknown');
  });
});

describe('reference evaluator: identity and retries', () => {
  it('originator absent vs present; empty string counts as absent', () => {
    expect(decide(base({ resource: { environment: 'staging' }, identity: { originator: '' } })).violations.map((v) => v.rule)).toContain('railway-safety/needs-originator');
    expect(decide(base({ resource: { environment: 'staging' } })).violations.map((v) => v.rule)).not.toContain('railway-safety/needs-originator');
  });

  it('originator lists and verified must both hold', () => {
    const q = { operation: { name: 'projects' }, resource: { environment: 'staging' } };
    expect(decide(base({ ...q, identity: { originator: 'user:jer', verified: true } })).rule).toBe('railway-safety/jer-verified');
    expect(decide(base({ ...q, identity: { originator: 'user:jer' } })).rule).toBe('default:read');
    expect(decide(base({ ...q, identity: { originator: 'user:amy', verified: true } })).rule).toBe('default:read');
  });

  it('tenant present and resource projects', () => {
    const q = { operation: { name: 'projects' }, identity: { tenant: 'pocketos' } };
    expect(decide(base({ ...q, resource: { environment: 'staging', project: 'pocketos' } })).rule).toBe('railway-safety/tenant-pocketos');
    expect(decide(base({ ...q, resource: { environment: 'staging', project: 'acme' } })).rule).toBe('default:read');
  });

  it.each([
    [undefined, 'railway-production/domains'],
    [1, 'railway-production/domains'],
    [2, 'railway-safety/retries'],
    [3, 'railway-safety/retries'],
    [4, 'railway-production/domains'],
  ])('attempt %s → %s', (attempt, rule) => {
    const d = decide(base({ operation: { name: 'customDomainCreate' }, resource: { environment: 'staging', project: 'pocketos' }, attempt }));
    expect(d.rule).toBe(rule);
  });
});

describe('reference evaluator: overrides', () => {
  const withOverrides = (spec: OverridesDocument['spec']) => buildIr(policySet({ Api: [api], Policy: [safety, production], Token: tokens, Overrides: [overrides(spec)] }));

  it('shadow-all turns deny into shadow, keeping rule and violations', () => {
    const d = evaluate(withOverrides({ enforcement: 'shadow-all', reason: 'misfire', expires: '2026-05-01T00:00:00Z' }), base({ identity: null }));
    expect(d).toMatchObject({ allow: true, mode: 'shadow', enforced: false, would_deny: true, rule: 'railway-production/no-destructive-in-production', enforcement: 'shadow-all' });
    expect(d.violations.every((v) => v.mode === 'deny')).toBe(true);
  });

  it('lockdown denies destructive operations first, with its reason', () => {
    const x = withOverrides({ enforcement: 'lockdown', reason: 'incident 42', expires: '2026-05-01T00:00:00Z' });
    const d = evaluate(x, base({ resource: { environment: 'staging' }, token: { fingerprint: DEPLOY_FP } }));
    expect(d).toMatchObject({ mode: 'deny', rule: 'overrides:lockdown', enforcement: 'lockdown' });
    expect(d.reasons[0]).toBe('incident 42');
    expect(evaluate(x, base({ operation: { name: 'projects' } })).mode).toBe('allow');
  });

  it('an expired override no longer applies', () => {
    const d = evaluate(withOverrides({ enforcement: 'lockdown', reason: 'old', expires: '2026-04-01T00:00:00Z' }), base({ operation: { name: 'projects' } }));
    expect(d.enforcement).toBe('normal');
  });

  it('shadow-all in data counts only with a reason and an expiry; lockdown applies without them', () => {
    const data = (overrides: Record<string, unknown>) => ({ ...bundleDataFromIr(ir), blastguard: { ...bundleDataFromIr(ir).blastguard, overrides } });
    expect(decide(base({ identity: null }), data({ enforcement: 'shadow-all' })).mode).toBe('deny');
    expect(decide(base({ identity: null }), data({ enforcement: 'shadow-all', reason: 'r' })).mode).toBe('deny');
    expect(decide(base({ identity: null }), data({ enforcement: 'shadow-all', reason: 'r', expires: '2027-01-01T00:00:00Z' })).mode).toBe('shadow');
    expect(decide(base({ operation: { name: 'volumeDelete' }, resource: { environment: 'staging' }, token: { fingerprint: DEPLOY_FP } }), data({ enforcement: 'lockdown' })).rule).toBe(
      'overrides:lockdown',
    );
  });

  it('a token record without expires counts as undeclared when the API requires expiry', () => {
    const data = bundleDataFromIr(ir) as unknown as { blastguard: { tokens: Record<string, { expires: string | null }> } };
    data.blastguard.tokens[DOMAINS_FP]!.expires = null;
    expect(decide(base({ operation: { name: 'projects' } }), data).rule).toBe('token:unknown');
  });

  it('malformed overrides in data are ignored', () => {
    const data = { blastguard: { tokens: {}, overrides: { enforcement: 'panic' } } };
    expect(decide(base({ token: null }), data).enforcement).toBe('normal');
  });

  it('shadow-all does not soften invalid input or an unknown api', () => {
    const x = withOverrides({ enforcement: 'shadow-all', reason: 'r', expires: '2027-01-01T00:00:00Z' });
    expect(evaluate(x, base({ api: 'github' })).mode).toBe('deny');
    expect(evaluate(x, base({ time: 'yesterday' })).mode).toBe('deny');
  });
});

describe('reference evaluator: invalid input and unknown api fail closed', () => {
  it.each([
    [undefined, 'input is missing'],
    [null, 'input must be an object'],
    [[1], 'input must be an object'],
    ['volumeDelete', 'input must be an object'],
    [{}, 'input field `api` is missing'],
    [{ api: 7 }, 'input field `api` must be a string'],
    [{ api: '' }, 'input field `api` must be a non-empty string'],
    [{ api: 'railway' }, 'input field `operation` is missing'],
    [{ api: 'railway', operation: 'volumeDelete' }, 'input field `operation` must be an object'],
    [{ api: 'railway', operation: {} }, 'input field `operation.name` is missing'],
    [{ api: 'railway', operation: { name: 'x', type: 1 } }, 'input field `operation.type` must be a string'],
    [{ api: 'railway', operation: { name: 'x' }, resource: [] }, 'input field `resource` must be an object'],
    [{ api: 'railway', operation: { name: 'x' }, resource: { environment: 1 } }, 'input field `resource.environment` must be a string'],
    [{ api: 'railway', operation: { name: 'x' }, token: { fingerprint: true } }, 'input field `token.fingerprint` must be a string'],
    [{ api: 'railway', operation: { name: 'x' }, identity: { causation: {} } }, 'input field `identity.causation` must be a string'],
    [{ api: 'railway', operation: { name: 'x' }, identity: { verified: 'yes' } }, 'input field `identity.verified` must be a boolean'],
    [{ api: 'railway', operation: { name: 'x' }, attempt: 0 }, 'input field `attempt` must be an integer from 1 to 1000000000'],
    [{ api: 'railway', operation: { name: 'x' }, attempt: 1.5 }, 'input field `attempt` must be an integer from 1 to 1000000000'],
    [{ api: 'railway', operation: { name: 'x' } }, 'input field `time` is missing'],
    [{ api: 'railway', operation: { name: 'x' }, time: '2026-02-30T00:00:00Z' }, 'input field `time` must be an RFC 3339 date-time'],
    [{ api: 'railway', operation: { name: 'x' }, time: '2026-04-24 10:00:00Z' }, 'input field `time` must be an RFC 3339 date-time'],
  ])('%j → %s', (input, reason) => {
    const d = decide(input);
    expect(d).toEqual({
      allow: false,
      mode: 'deny',
      enforced: true,
      would_deny: true,
      rule: 'input:invalid',
      reasons: [reason],
      violations: [{ kind: 'invalid-input', rule: 'input:invalid', mode: 'deny' }],
      environment: null,
      environment_assumed: false,
      class: null,
      enforcement: null,
    });
  });

  it('null counts as absent; unknown fields are ignored', () => {
    const d = decide(base({ resource: { environment: 'staging', id: null, kind: null, project: 'pocketos' }, extra: { anything: [1] }, attempt: null }));
    expect(d.rule).not.toBe('input:invalid');
  });

  it('accepts lowercase t/z and offsets', () => {
    expect(decide(base({ time: '2026-04-24t21:14:03.5z' })).rule).not.toBe('input:invalid');
    expect(decide(base({ time: '2026-04-24T23:14:03+02:00' })).rule).not.toBe('input:invalid');
  });

  it('unknown api → api:unknown', () => {
    const d = decide(base({ api: 'github' }));
    expect(pick(d)).toEqual({ mode: 'deny', rule: 'api:unknown' });
    expect(d.reasons).toEqual(['api `github` is not declared']);
    expect(d.violations).toEqual([{ kind: 'unknown-api', rule: 'api:unknown', mode: 'deny' }]);
  });
});
