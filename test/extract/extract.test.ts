import { beforeAll, describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs, fingerprintOf } from '../../src/extract/index.js';
import type { ExtractOptions, HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir, IrOperation } from '../../src/ir/types.js';
import { DEPLOY_FP, DEPLOY_TOKEN, DOMAINS_FP, DOMAINS_TOKEN, TIME, TRACEPARENT, URL_APP, URL_COM, exampleIr } from './fixture.js';

let ir: Ir;
beforeAll(async () => {
  ir = await exampleIr();
});

const inventory: ExtractOptions['inventory'] = {
  resources: {
    'vol-prod': { kind: 'volume', environment: 'production', project: 'pocketos' },
    'vol-staging': { kind: 'volume', environment: 'staging', project: 'pocketos' },
    'svc-web': { kind: 'service', project: 'pocketos' },
    'svc-prod-only': { kind: 'service', environment: 'production', project: 'pocketos' },
    'svc-staging-only': { kind: 'service', environment: 'staging', project: 'pocketos' },
    'svc-other': { kind: 'service', environment: 'staging', project: 'other-customer' },
    'env-other': { kind: 'environment', environment: 'staging', project: 'other-customer' },
  },
  environments: { 'env-prod-uuid': 'production', 'env-staging-uuid': 'staging', 'env-dev-uuid': 'development' },
  projects: { 'proj-uuid': 'pocketos' },
};

/** The example IR with its first API turned into a REST (`protocol: http`) API with these routes. */
function httpIr(operations: IrOperation[]): Ir {
  const rest: Ir = structuredClone(ir);
  const api = rest.apis[0];
  if (!api) throw new Error('no api');
  api.protocol = 'http';
  api.operations = operations;
  return rest;
}

function post(body: unknown, headers: Record<string, string> = {}, url = URL_COM): HttpRequest {
  return {
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DOMAINS_TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function run(request: HttpRequest, options: Partial<ExtractOptions> = {}) {
  return extractDecisionInputs(request, ir, { time: TIME, inventory, ...options });
}

function ops(request: HttpRequest): (string | null)[] {
  return run(request).map((r) => r.operation);
}

function errorCode(request: HttpRequest, options: Partial<ExtractOptions> = {}): string | undefined {
  const out = run(request, options);
  expect(out).toHaveLength(1);
  const [only] = out;
  expect(only?.operation).toBeNull();
  expect(only?.input.operation).toBeUndefined();
  expect(typeof only?.input.error).toBe('string');
  // The policy must deny it: no operation means input:invalid.
  const decision = evaluate(ir, only?.input);
  expect(decision.mode).toBe('deny');
  expect(decision.rule).toBe('input:invalid');
  return only?.error?.code;
}

describe('graphql forms', () => {
  test('the PocketOS inline-literal mutation', () => {
    const out = run(post({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }, {}, URL_APP));
    expect(out).toHaveLength(1);
    expect(out[0]?.input).toEqual({
      api: 'railway',
      operation: { name: 'volumeDelete', type: 'mutation' },
      resource: { kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' },
      token: { fingerprint: DOMAINS_FP },
      identity: { verified: false },
      time: TIME,
    });
  });

  test('variables, operationName and the CLI body shape', () => {
    const out = run(
      post({
        query: 'mutation VolumeDelete($id: String!) {\n  volumeDelete(volumeId: $id)\n}',
        variables: { id: 'vol-staging' },
        operationName: 'VolumeDelete',
      }),
    );
    expect(out[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-staging', environment: 'staging', project: 'pocketos' });
  });

  test('aliases report the field name, every root field in document order', () => {
    const out = run(post({ query: 'mutation { tidy: volumeDelete(volumeId: "vol-prod") r: serviceInstanceRedeploy(serviceId: "svc-web", environmentId: "env-staging-uuid") }' }));
    expect(out.map((o) => o.operation)).toEqual(['volumeDelete', 'serviceInstanceRedeploy']);
    expect(out[0]?.alias).toBe('tidy');
    expect(out[1]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'staging', project: 'pocketos' });
  });

  test('the same field twice under two aliases is two operations', () => {
    expect(ops(post({ query: 'mutation { a: volumeDelete(volumeId: "vol-prod") b: volumeDelete(volumeId: "vol-staging") }' }))).toEqual([
      'volumeDelete',
      'volumeDelete',
    ]);
  });

  test('fragment spreads and inline fragments, nested, with a cycle', () => {
    const query = `
      mutation M { ...A ... on Mutation { inner: volumeDelete(volumeId: "vol-prod") } }
      fragment A on Mutation { customDomainDelete(id: "d1") ...B }
      fragment B on Mutation { ... { projectDelete(id: "p1") } ...A }`;
    expect(ops(post({ query }))).toEqual(['customDomainDelete', 'projectDelete', 'volumeDelete']);
  });

  test('fields merged by GraphQL (same key, same arguments) are one operation', () => {
    const query = 'mutation { volumeDelete(volumeId: "vol-prod") ... on Mutation { volumeDelete(volumeId: "vol-prod") } }';
    expect(ops(post({ query }))).toEqual(['volumeDelete']);
  });

  test('operationName selects one of several operations', () => {
    const query = 'query Look { me { id } } mutation Wipe { volumeDelete(volumeId: "vol-prod") }';
    expect(ops(post({ query, operationName: 'Wipe' }))).toEqual(['volumeDelete']);
    expect(ops(post({ query, operationName: 'Look' }))).toEqual(['me']);
  });

  test('queries yield read-typed inputs for every root field, introspection included', () => {
    const out = run(post({ query: '{ me { id } projects { edges { node { id } } } __schema { types { name } } __type(name: "Volume") { name } }' }));
    expect(out.map((o) => [o.operation, o.input.operation?.type])).toEqual([
      ['me', 'query'],
      ['projects', 'query'],
      ['__schema', 'query'],
      ['__type', 'query'],
    ]);
    for (const o of out) expect(evaluate(ir, o.input).class).toBe('read');
  });

  test('introspection inside a mutation document is still a read', () => {
    const out = run(post({ query: 'mutation { __typename }' }));
    expect(out[0]?.input.operation).toEqual({ name: '__typename', type: 'query' });
  });

  test('batched json arrays: every request in order; a bad member denies only itself', () => {
    const out = run(
      post([
        { query: 'query { me { id } }' },
        { query: 'mutation { volumeDelete(volumeId: "vol-prod") }' },
        { query: 'mutation {' },
      ]),
    );
    expect(out.map((o) => o.operation)).toEqual(['me', 'volumeDelete', null]);
    expect(out[2]?.error?.code).toBe(EXTRACT_CODES.graphqlSyntax);
  });

  test('GET with query, variables and operationName parameters', () => {
    const params = new URLSearchParams({
      query: 'query A { me { id } } mutation B($v: String!) { volumeDelete(volumeId: $v) }',
      variables: JSON.stringify({ v: 'vol-prod' }),
      operationName: 'B',
    });
    const out = run({ method: 'GET', url: `${URL_COM}?${params.toString()}`, headers: { authorization: `Bearer ${DOMAINS_TOKEN}` } });
    expect(out.map((o) => o.operation)).toEqual(['volumeDelete']);
    expect(out[0]?.input.resource?.environment).toBe('production');
  });

  test('application/graphql bodies and a missing content type', () => {
    expect(ops({ method: 'POST', url: URL_COM, headers: { 'content-type': 'application/graphql' }, body: '{ me { id } }' })).toEqual(['me']);
    expect(ops({ method: 'POST', url: URL_COM, body: JSON.stringify({ query: '{ me { id } }' }) })).toEqual(['me']);
    expect(ops({ method: 'POST', url: URL_COM, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"query":"{ me { id } }"}' })).toEqual([
      'me',
    ]);
  });

  test('bytes bodies are decoded as utf-8', () => {
    const body = new TextEncoder().encode(JSON.stringify({ query: '{ me { id } }' }));
    expect(ops({ method: 'POST', url: URL_COM, body })).toEqual(['me']);
  });
});

describe('resource arguments', () => {
  test('nested input paths from literals and from a variable object', () => {
    const literal = run(
      post({
        query:
          'mutation { customDomainCreate(input: { domain: "a.example", environmentId: "env-staging-uuid", projectId: "proj-uuid", serviceId: "svc-web" }) { id } }',
      }),
    );
    expect(literal[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'staging', project: 'pocketos' });
    const variable = run(
      post({
        query: 'mutation C($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id } }',
        variables: { input: { domain: 'a.example', environmentId: 'env-prod-uuid', projectId: 'proj-uuid', serviceId: 'svc-web' } },
      }),
    );
    expect(variable[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'production', project: 'pocketos' });
    const mixed = run(
      post({
        query: 'mutation C($s: String!) { customDomainCreate(input: { serviceId: $s, environmentId: "staging", projectId: "proj-uuid", domain: "x" }) { id } }',
        variables: { s: 'svc-web' },
      }),
    );
    expect(mixed[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'staging', project: 'pocketos' });
  });

  test('an id missing from the inventory leaves the environment out, so the policy assumes production', () => {
    const out = run(post({ query: 'mutation { volumeDelete(volumeId: "vol-nobody-knows") }' }));
    expect(out[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-nobody-knows' });
    const decision = evaluate(ir, out[0]?.input);
    expect(decision.environment).toBe('production');
    expect(decision.environment_assumed).toBe(true);
  });

  test('an environment argument that disagrees with the inventory makes the request unparseable', () => {
    // Either way round: the server acts in one of them and the enforcer cannot tell which.
    expect(errorCode(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-prod-only", environmentId: "env-staging-uuid") }' }))).toBe(
      EXTRACT_CODES.conflictingResource,
    );
    expect(errorCode(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-staging-only", environmentId: "development") }' }))).toBe(
      EXTRACT_CODES.conflictingResource,
    );
    const [only] = run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-prod-only", environmentId: "env-staging-uuid") }' }));
    expect(only?.error?.message).toBe(
      '`serviceInstanceRedeploy`: argument `environmentId` names environment `staging`, but the inventory records `svc-prod-only` in `production`',
    );
    // Agreeing is fine.
    expect(run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-prod-only", environmentId: "env-prod-uuid") }' }))[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-prod-only',
      environment: 'production',
      project: 'pocketos',
    });
  });

  test('an environment argument the inventory does not know leaves the environment out, whatever the resource records', () => {
    const out = run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-staging-only", environmentId: "env-unknown") }' }));
    expect(out[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-staging-only', project: 'pocketos' });
    expect(evaluate(ir, out[0]?.input).environment_assumed).toBe(true);
  });

  test('a project argument that disagrees with the inventory makes the request unparseable', () => {
    // A token scoped to pocketos must not reach another customer's service by naming its own project.
    const request = post({
      query: 'mutation { customDomainCreate(input: { serviceId: "svc-other", projectId: "pocketos", environmentId: "env-staging-uuid", domain: "x" }) { id } }',
    });
    expect(errorCode(request)).toBe(EXTRACT_CODES.conflictingResource);
    expect(run(request)[0]?.error?.message).toBe(
      '`customDomainCreate`: argument `input.projectId` names project `pocketos`, but the inventory records `svc-other` in `other-customer`',
    );
    // Through the inventory's project ids too, and for environment-kind resources.
    expect(errorCode(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-other", projectId: "proj-uuid", domain: "x" }) { id } }' }))).toBe(
      EXTRACT_CODES.conflictingResource,
    );
    expect(
      errorCode(post({ query: 'mutation { variableUpsert(input: { environmentId: "env-other", projectId: "proj-uuid", name: "A", value: "b" }) }' })),
    ).toBe(EXTRACT_CODES.conflictingResource);
    // Agreeing (by id or by name) is fine.
    expect(run(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-web", projectId: "proj-uuid", domain: "x" }) { id } }' }))[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-web',
      project: 'pocketos',
    });
    // For a resource the inventory does not know, the project argument is only the caller's claim:
    // it is left out, so no project-scoped grant covers the call.
    expect(run(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-new", projectId: "proj-uuid", domain: "x" }) { id } }' }))[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-new',
    });
  });

  test('a project-scoped token cannot reach an unknown resource by claiming its own project', () => {
    const out = run(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-unknown", projectId: "pocketos", environmentId: "env-staging-uuid", domain: "x" }) { id } }' }));
    expect(out[0]?.input.resource?.project).toBeUndefined();
    expect(evaluate(ir, out[0]?.input).rule).toBe('token:scope');
  });

  test('a resource conflict in one root field denies only that field', () => {
    const out = run(
      post({ query: 'mutation { me { id } customDomainCreate(input: { serviceId: "svc-other", projectId: "pocketos", domain: "x" }) { id } }' }),
    );
    expect(out.map((o) => [o.operation, o.error?.code])).toEqual([
      ['me', undefined],
      [null, EXTRACT_CODES.conflictingResource],
    ]);
  });

  test('an unknown environment id is left out', () => {
    const out = run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-web", environmentId: "env-unknown") }' }));
    expect(out[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', project: 'pocketos' });
  });

  test('an operation missing from the catalog has no resource', () => {
    const out = run(post({ query: 'mutation { volumeInstanceDelete(id: "vol-staging") }' }));
    expect(out[0]?.input.resource).toBeUndefined();
    expect(evaluate(ir, out[0]?.input).class).toBe('destructive');
  });

  test('non-string ids: integers become their digits, lists and objects are no id', () => {
    expect(run(post({ query: 'mutation { volumeDelete(volumeId: 42) }' }))[0]?.input.resource?.id).toBe('42');
    expect(run(post({ query: 'mutation { volumeDelete(volumeId: ["vol-staging"]) }' }))[0]?.input.resource).toEqual({ kind: 'volume' });
  });

  test('a nullable variable left out is null; a default value is used', () => {
    const out = run(post({ query: 'mutation D($id: String = "vol-staging") { volumeDelete(volumeId: $id) }' }));
    expect(out[0]?.input.resource?.id).toBe('vol-staging');
    const nullable = run(post({ query: 'mutation D($id: String) { volumeDelete(volumeId: $id) }' }));
    expect(nullable[0]?.input.resource).toEqual({ kind: 'volume' });
  });
});

describe('headers', () => {
  test('credential header names are case-insensitive and the scheme is stripped', () => {
    for (const headers of [
      { AUTHORIZATION: `Bearer ${DOMAINS_TOKEN}` },
      { authorization: `bearer   ${DOMAINS_TOKEN}  ` },
      { Authorization: [`Bearer ${DOMAINS_TOKEN}`] },
    ]) {
      const out = run({ method: 'POST', url: URL_COM, headers, body: '{"query":"{ me { id } }"}' });
      expect(out[0]?.input.token).toEqual({ fingerprint: DOMAINS_FP });
    }
  });

  test('Project-Access-Token has no scheme', () => {
    const out = run({ method: 'POST', url: URL_COM, headers: { 'project-access-token': DEPLOY_TOKEN }, body: '{"query":"{ me { id } }"}' });
    expect(out[0]?.input.token).toEqual({ fingerprint: DEPLOY_FP });
  });

  test('two credential headers carrying different credentials make the request unparseable', () => {
    // A declared project token next to an undeclared bearer must not hide the bearer from tokens.unknown.
    const request: HttpRequest = {
      method: 'POST',
      url: URL_COM,
      headers: { 'project-access-token': DEPLOY_TOKEN, authorization: 'Bearer fake-undeclared-account-token' },
      body: '{"query":"mutation { volumeDelete(volumeId: \\"vol-staging\\") }"}',
    };
    expect(errorCode(request)).toBe(EXTRACT_CODES.conflictingHeader);
    const [only] = run(request);
    expect(only?.error?.message).toBe('headers `Project-Access-Token` and `Authorization` carry different credentials');
    expect(JSON.stringify(only)).not.toContain('fake-undeclared-account-token');
    // The same credential in both is one token.
    const same = run({ ...request, headers: { 'project-access-token': DEPLOY_TOKEN, authorization: `Bearer ${DEPLOY_TOKEN}` } });
    expect(same[0]?.input.token).toEqual({ fingerprint: DEPLOY_FP });
    // A value in another scheme is still a credential a lenient server may accept: it conflicts.
    for (const authorization of ['Basic abc', 'fake-other-token', 'Token xyz', 'Bearerxyz', 'Bearer\u00a0xyz']) {
      expect(errorCode({ ...request, headers: { 'project-access-token': DEPLOY_TOKEN, authorization } }), authorization).toBe(EXTRACT_CODES.conflictingHeader);
    }
  });

  test('a value without the configured scheme is a credential, fingerprinted whole; an empty one is none', () => {
    // A lenient server may accept `Authorization: <token>`: it is that token, never "no credential".
    for (const authorization of [`Basic ${DOMAINS_TOKEN}`, 'fake-other-token', 'Token xyz', 'Bearerxyz', 'Bearer\u00a0xyz', `  ${DOMAINS_TOKEN}\t`]) {
      const out = run({ method: 'POST', url: URL_COM, headers: { authorization }, body: '{"query":"mutation { volumeDelete(volumeId: \\"vol-staging\\") }"}' });
      expect(out[0]?.input.token, authorization).toEqual({ fingerprint: fingerprintOf(authorization.replace(/^[ \t]+|[ \t]+$/g, '')) });
      expect(JSON.stringify(out)).not.toContain(authorization.trim());
    }
    // So a bare declared token is that token, and an undeclared value is token:unknown (deny).
    expect(run({ method: 'POST', url: URL_COM, headers: { authorization: DOMAINS_TOKEN }, body: '{"query":"{ me { id } }"}' })[0]?.input.token).toEqual({
      fingerprint: DOMAINS_FP,
    });
    const unknown = run({ method: 'POST', url: URL_COM, headers: { authorization: 'Token xyz' }, body: '{"query":"mutation { volumeDelete(volumeId: \\"vol-staging\\") }"}' });
    const decision = evaluate(ir, unknown[0]?.input);
    expect(decision.mode).toBe('deny');
    expect(decision.violations.map((v) => v.rule)).toContain('token:unknown');
    for (const authorization of ['Bearer', 'Bearer    ', 'bearer\t', '', '   ']) {
      const out = run({ method: 'POST', url: URL_COM, headers: { authorization }, body: '{"query":"{ me { id } }"}' });
      expect(out[0]?.input.token, JSON.stringify(authorization)).toBeUndefined();
    }
  });

  test('header names CGI-style servers read as one: `_` and `-` alike, any case', () => {
    const body = '{"query":"{ me { id } }"}';
    expect(
      errorCode({ method: 'POST', url: URL_COM, headers: { 'Project-Access-Token': DEPLOY_TOKEN, Project_Access_Token: 'fake-other-project-token' }, body }),
    ).toBe(EXTRACT_CODES.conflictingHeader);
    expect(errorCode({ method: 'POST', url: URL_COM, headers: { 'project_access_token': DEPLOY_TOKEN, authorization: `Bearer ${DOMAINS_TOKEN}` }, body })).toBe(
      EXTRACT_CODES.conflictingHeader,
    );
    // Alone, or with the same value, the underscore form is the same credential.
    expect(run({ method: 'POST', url: URL_COM, headers: { PROJECT_ACCESS_TOKEN: DEPLOY_TOKEN }, body })[0]?.input.token).toEqual({ fingerprint: DEPLOY_FP });
    expect(run({ method: 'POST', url: URL_COM, headers: { 'Project-Access-Token': DEPLOY_TOKEN, Project_Access_Token: DEPLOY_TOKEN }, body })[0]?.input.token).toEqual({
      fingerprint: DEPLOY_FP,
    });
  });

  test('a credential header repeated with different values makes the request unparseable', () => {
    expect(
      errorCode({
        method: 'POST',
        url: URL_COM,
        headers: { authorization: [`Bearer ${DOMAINS_TOKEN}`, 'Bearer fake-other'] },
        body: '{"query":"{ me { id } }"}',
      }),
    ).toBe(EXTRACT_CODES.conflictingHeader);
  });

  test('the raw token value appears nowhere in the output', () => {
    const requests: HttpRequest[] = [
      post({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }),
      post('not json'),
      post({ query: 'mutation {' }),
      { method: 'POST', url: URL_COM, headers: { 'project-access-token': DEPLOY_TOKEN, 'x-blastguard-attempt': 'x' } },
      { method: 'POST', url: URL_COM, headers: { authorization: [`Bearer ${DOMAINS_TOKEN}`, `Bearer ${DEPLOY_TOKEN}`] } },
    ];
    for (const request of requests) {
      const text = JSON.stringify(run(request));
      expect(text).not.toContain(DOMAINS_TOKEN);
      expect(text).not.toContain(DEPLOY_TOKEN);
    }
    expect(fingerprintOf(DOMAINS_TOKEN)).toBe(DOMAINS_FP);
  });

  test('traceparent: valid headers become causation, invalid ones are ignored', () => {
    const causation = (value: string | string[]) =>
      run(post({ query: '{ me { id } }' }, {}, URL_COM)).length &&
      run({ method: 'POST', url: URL_COM, headers: { traceparent: value }, body: '{"query":"{ me { id } }"}' })[0]?.input.identity?.causation;
    expect(causation(TRACEPARENT)).toBe(TRACEPARENT);
    expect(causation(` ${TRACEPARENT} `)).toBe(TRACEPARENT);
    // A future version is read at fixed positions, trailing fields dropped.
    expect(causation(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra`)).toBe(
      '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    );
    for (const invalid of [
      TRACEPARENT.toUpperCase(),
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      `${TRACEPARENT}-extra`,
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
      '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x',
      [TRACEPARENT, '00-4bf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b7-01'],
      'garbage',
    ]) {
      expect(causation(invalid), JSON.stringify(invalid)).toBeUndefined();
    }
  });

  test('baggage: percent-decoded originator and tenant, a hint (verified false), bad members skipped', () => {
    const identity = (baggage: string | string[]) =>
      run({ method: 'POST', url: URL_COM, headers: { baggage, traceparent: TRACEPARENT }, body: '{"query":"{ me { id } }"}' })[0]?.input.identity;
    expect(identity('originator=user%3Ajer, tenant = pocketos ;ttl=1,other=x')).toEqual({
      originator: 'user:jer',
      tenant: 'pocketos',
      causation: TRACEPARENT,
      verified: false,
    });
    expect(identity(['other=1', 'originator=user:a,originator=user:b'])).toMatchObject({ originator: 'user:a' });
    expect(identity('originator=%E0%A4%A,tenant=t')).toEqual({ tenant: 't', causation: TRACEPARENT, verified: false });
    expect(identity('originator=,bad key=1,=x')).toEqual({ causation: TRACEPARENT, verified: false });
  });

  test('baggage keys follow the api identity configuration', () => {
    const custom: Ir = structuredClone(ir);
    const api = custom.apis[0];
    if (!api) throw new Error('no api');
    api.identity.originatorBaggageKey = 'user';
    api.identity.tenantBaggageKey = 'org';
    const out = extractDecisionInputs(
      { method: 'POST', url: URL_COM, headers: { baggage: 'originator=x,user=alice,org=acme' }, body: '{"query":"{ me { id } }"}' },
      custom,
      { time: TIME },
    );
    expect(out[0]?.input.identity).toEqual({ originator: 'alice', tenant: 'acme', verified: false });
  });

  test('attempt: a positive integer; anything else makes the request unparseable', () => {
    const attempt = (value: string | string[]) =>
      run({ method: 'POST', url: URL_COM, headers: { 'x-blastguard-attempt': value }, body: '{"query":"{ me { id } }"}' });
    expect(attempt('2')[0]?.input.attempt).toBe(2);
    expect(attempt(['3', '3'])[0]?.input.attempt).toBe(3);
    expect(attempt('1000000000')[0]?.input.attempt).toBe(1_000_000_000);
    for (const bad of ['0', '-1', '1.5', 'two', '', '01', '1000000001', '99999999999', ['1', '2']]) {
      const out = attempt(bad);
      expect(out, JSON.stringify(bad)).toHaveLength(1);
      expect(out[0]?.error?.code, JSON.stringify(bad)).toBe(EXTRACT_CODES.malformedAttempt);
    }
  });

  test('origin-form urls take the host from the Host header', () => {
    expect(ops({ method: 'POST', url: '/graphql/v2', headers: { host: 'backboard.railway.com:443' }, body: '{"query":"{ me { id } }"}' })).toEqual(['me']);
  });
});

describe('unparseable requests yield exactly one input the policy denies', () => {
  const cases: [string, HttpRequest, string][] = [
    ['bad json', post('{"query": '), EXTRACT_CODES.invalidBody],
    ['json that is not an object', post('"mutation { volumeDelete(volumeId: \\"x\\") }"'), EXTRACT_CODES.invalidBody],
    ['graphql syntax error', post({ query: 'mutation { volumeDelete(volumeId: "x" }' }), EXTRACT_CODES.graphqlSyntax],
    ['unknown operationName', post({ query: 'mutation A { me } ', operationName: 'B' }), EXTRACT_CODES.operationNotFound],
    ['several operations and no name', post({ query: 'query A { me } mutation B { volumeDelete(volumeId: "x") }' }), EXTRACT_CODES.operationNotFound],
    ['missing query', post({ variables: {} }), EXTRACT_CODES.missingQuery],
    ['empty query', post({ query: '  ' }), EXTRACT_CODES.missingQuery],
    ['persisted query hash only', post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } }), EXTRACT_CODES.missingQuery],
    ['empty body', post(''), EXTRACT_CODES.missingQuery],
    ['query not a string', post({ query: 42 }), EXTRACT_CODES.invalidBody],
    ['operationName not a string', post({ query: '{ me }', operationName: 1 }), EXTRACT_CODES.invalidBody],
    ['variables not an object', post({ query: '{ me }', variables: [1] }), EXTRACT_CODES.missingVariable],
    ['required variable missing', post({ query: 'mutation D($id: String!) { volumeDelete(volumeId: $id) }' }), EXTRACT_CODES.missingVariable],
    ['required variable null', post({ query: 'mutation D($id: String!) { volumeDelete(volumeId: $id) }', variables: { id: null } }), EXTRACT_CODES.missingVariable],
    ['undeclared variable', post({ query: 'mutation { volumeDelete(volumeId: $id) }', variables: { id: 'x' } }), EXTRACT_CODES.missingVariable],
    ['unknown fragment', post({ query: 'mutation { ...Nope }' }), EXTRACT_CODES.unknownFragment],
    ['fragments only', post({ query: 'fragment F on Mutation { me }' }), EXTRACT_CODES.noOperation],
    ['type definitions', post({ query: 'type Q { a: Int } query { me }' }), EXTRACT_CODES.graphqlSyntax],
    ['empty batch', post([]), EXTRACT_CODES.noOperation],
    ['unsupported content type', post({ query: '{ me }' }, { 'content-type': 'application/x-www-form-urlencoded' }), EXTRACT_CODES.unsupportedContentType],
    ['wrong path', post({ query: '{ me }' }, {}, 'https://backboard.railway.com/graphql/v1'), EXTRACT_CODES.wrongEndpoint],
    ['unknown host', post({ query: '{ me }' }, {}, 'https://api.example.com/graphql/v2'), EXTRACT_CODES.unknownHost],
    ['bad url', post({ query: '{ me }' }, {}, 'not a url'), EXTRACT_CODES.invalidUrl],
    ['ftp url', post({ query: '{ me }' }, {}, 'ftp://backboard.railway.com/graphql/v2'), EXTRACT_CODES.invalidUrl],
    ['origin-form without host', post({ query: '{ me }' }, {}, '/graphql/v2'), EXTRACT_CODES.invalidUrl],
    ['PUT', { method: 'PUT', url: URL_COM, body: '{"query":"{ me }"}' }, EXTRACT_CODES.unsupportedMethod],
    ['GET without query', { method: 'GET', url: URL_COM }, EXTRACT_CODES.missingQuery],
    ['invalid utf-8', { method: 'POST', url: URL_COM, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, EXTRACT_CODES.invalidBody],
  ];
  test.each(cases)('%s', (_name, request, code) => {
    expect(errorCode(request)).toBe(code);
  });

  test('graphql parameters in the url of a POST, or repeated in the url of a GET', () => {
    const q = (query: string) => encodeURIComponent(query);
    const benign = q('{ me { id } }');
    const wipe = q('mutation { volumeDelete(volumeId: "vol-prod") }');
    const body = JSON.stringify({ query: '{ me { id } }' });
    // Some servers let url parameters win over the body, others ignore them.
    for (const url of [`${URL_COM}?query=${wipe}`, `${URL_COM}?operationName=B`, `${URL_COM}?variables=%7B%7D`]) {
      expect(errorCode({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body }), url).toBe(EXTRACT_CODES.ambiguousParameters);
      expect(errorCode({ method: 'POST', url, headers: { 'content-type': 'application/graphql' }, body: '{ me { id } }' }), url).toBe(
        EXTRACT_CODES.ambiguousParameters,
      );
    }
    // Servers differ on which copy of a repeated parameter they read.
    for (const search of [`query=${benign}&query=${wipe}`, `query=${benign}&operationName=A&operationName=B`, `query=${benign}&variables=%7B%7D&variables=%7B%7D`]) {
      expect(errorCode({ method: 'GET', url: `${URL_COM}?${search}` }), search).toBe(EXTRACT_CODES.ambiguousParameters);
    }
    // A GET with a body: some servers read the body.
    expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${benign}`, body: JSON.stringify({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }) })).toBe(
      EXTRACT_CODES.ambiguousParameters,
    );
    // Other url parameters are not graphql's.
    expect(ops({ method: 'POST', url: `${URL_COM}?trace=1`, body })).toEqual(['me']);
    expect(ops({ method: 'GET', url: `${URL_COM}?query=${benign}&trace=1&trace=2` })).toEqual(['me']);
  });

  test('an http method override, in a header or a _method parameter, makes any request unparseable', () => {
    const body = JSON.stringify({ query: '{ me { id } }' });
    for (const header of ['X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override']) {
      for (const value of ['DELETE', 'POST', '']) {
        expect(errorCode({ method: 'POST', url: URL_COM, headers: { [header]: value }, body }), `${header}: ${value}`).toBe(EXTRACT_CODES.methodOverride);
      }
      expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${encodeURIComponent('{ me { id } }')}`, headers: { [header]: 'POST' } })).toBe(
        EXTRACT_CODES.methodOverride,
      );
    }
    // CGI-style servers read `_` as `-` in header names.
    expect(errorCode({ method: 'POST', url: URL_COM, headers: { X_HTTP_Method_Override: 'DELETE' }, body })).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode({ method: 'POST', url: `${URL_COM}?_method=DELETE`, body })).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${encodeURIComponent('{ me { id } }')}&_METHOD=POST` })).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode(post({ query: '{ me { id } }', _method: 'DELETE' }))).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode(post([{ query: '{ me { id } }' }, { query: '{ me { id } }', _method: 'PUT' }]))).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode(post('query=x&_method=DELETE', { 'Content-Type': 'application/x-www-form-urlencoded' }))).toBe(EXTRACT_CODES.methodOverride);
    expect(
      errorCode(post('--b\r\nContent-Disposition: form-data; name="_method"\r\n\r\nDELETE\r\n--b--', { 'Content-Type': 'multipart/form-data; boundary=b' })),
    ).toBe(EXTRACT_CODES.methodOverride);
    // A `_method` deeper in the document is an argument, not an override.
    expect(ops(post({ query: '{ me { id } }', variables: { _method: 'x' } }))).toEqual(['me']);
  });

  test('a json member repeated in one object: parsers differ on which copy they keep', () => {
    const body = '{"query":"mutation { volumeDelete(volumeId: \\"vol-prod\\") }","query":"{ me { id } }"}';
    expect(errorCode(post(body))).toBe(EXTRACT_CODES.invalidBody);
    expect(run(post(body))[0]?.error?.message).toBe('the json body repeats the member `query` in one object: parsers differ on which copy they keep');
    // Through escapes, inside variables, inside batches; and in GET variables.
    expect(errorCode(post('{"query":"{ me { id } }","\\u0071uery":"{ me { id } }"}'))).toBe(EXTRACT_CODES.invalidBody);
    expect(errorCode(post('{"query":"mutation D($id: String!) { volumeDelete(volumeId: $id) }","variables":{"id":"vol-prod","id":"vol-staging"}}'))).toBe(
      EXTRACT_CODES.invalidBody,
    );
    expect(errorCode(post('[{"query":"{ me { id } }"},{"query":"{ me { id } }","operationName":"A","operationName":"B"}]'))).toBe(EXTRACT_CODES.invalidBody);
    const variables = encodeURIComponent('{"id":"vol-prod","id":"vol-staging"}');
    const query = encodeURIComponent('mutation D($id: String!) { volumeDelete(volumeId: $id) }');
    expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${query}&variables=${variables}` })).toBe(EXTRACT_CODES.invalidBody);
    // The same name in different objects, or as a value, is fine.
    expect(ops(post('{"query":"query Q($a: String, $b: String) { me { id } }","variables":{"a":"query","b":{"a":1}},"extensions":{"query":1}}'))).toEqual(['me']);
    expect(ops(post('[{"query":"{ me { id } }"},{"query":"{ me { id } }"}]'))).toEqual(['me', 'me']);
  });

  test('graphql names repeated where a server without validation could keep either copy', () => {
    expect(errorCode(post({ query: 'mutation { volumeDelete(volumeId: "vol-staging", volumeId: "vol-prod") }' }))).toBe(EXTRACT_CODES.graphqlSyntax);
    expect(
      errorCode(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-web", serviceId: "svc-other", domain: "x" }) { id } }' })),
    ).toBe(EXTRACT_CODES.graphqlSyntax);
    expect(errorCode(post({ query: 'mutation D($id: String = "vol-staging", $id: String = "vol-prod") { volumeDelete(volumeId: $id) }' }))).toBe(
      EXTRACT_CODES.graphqlSyntax,
    );
  });

  test('a body over the size limit', () => {
    const body = JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(200)}` });
    expect(errorCode(post(body), { maxBodyBytes: 100 })).toBe(EXTRACT_CODES.bodyTooLarge);
  });

  test('a GET query string over the size limit', () => {
    const url = `${URL_COM}?query=${encodeURIComponent(`{ me { id } } # ${'x'.repeat(200)}`)}`;
    expect(errorCode({ method: 'GET', url }, { maxBodyBytes: 100 })).toBe(EXTRACT_CODES.bodyTooLarge);
  });

  test('a hostile, deeply nested document', () => {
    const query = `mutation { ${'... on Mutation { '.repeat(5000)}volumeDelete(volumeId: "x")${' }'.repeat(5000)} }`;
    const out = run(post({ query }));
    expect(out).toHaveLength(1);
    expect(evaluate(ir, out[0]?.input).mode).toBe('deny');
  });

  test('the error input keeps the token fingerprint and identity for the decision log', () => {
    const out = run(post('nope', { baggage: 'originator=user:jer' }));
    expect(out[0]?.input).toMatchObject({ api: 'railway', token: { fingerprint: DOMAINS_FP }, identity: { originator: 'user:jer' }, time: TIME });
  });
});

describe('other protocols', () => {
  test('mcp tools/call is the tool; other methods are reads', () => {
    const mcp: Ir = structuredClone(ir);
    const api = mcp.apis[0];
    if (!api) throw new Error('no api');
    api.protocol = 'mcp';
    api.endpoint = '/mcp';
    api.operations.push({ name: 'remove_volume', class: 'destructive', type: 'tool', reversible: false, resource: { kind: 'volume', idArg: 'volume_id', environmentArg: null, projectArg: null }, http: null });
    const out = extractDecisionInputs(
      {
        method: 'POST',
        url: 'https://backboard.railway.com/mcp',
        body: JSON.stringify([
          { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'remove_volume', arguments: { volume_id: 'vol-prod', confirm: true } } },
          { jsonrpc: '2.0', id: 8, method: 'tools/list' },
          { jsonrpc: '2.0', id: 9, method: 'tools/call', params: {} },
        ]),
      },
      mcp,
      { time: TIME, inventory },
    );
    expect(out.map((o) => o.operation)).toEqual(['remove_volume', 'tools/list', null]);
    expect(out[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' });
    expect(out[1]?.input.operation?.type).toBe('query');
    // MCP carries W3C trace context in params._meta; headers win where both are given.
    const withMeta = extractDecisionInputs(
      {
        method: 'POST',
        url: 'https://backboard.railway.com/mcp',
        headers: { baggage: 'tenant=from-header' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'remove_volume', arguments: { volume_id: 'vol-prod' }, _meta: { traceparent: TRACEPARENT, baggage: 'originator=user%3Ajer,tenant=from-meta' } },
        }),
      },
      mcp,
      { time: TIME, inventory },
    );
    expect(withMeta[0]?.input.identity).toEqual({ originator: 'user:jer', tenant: 'from-header', causation: TRACEPARENT, verified: false });
  });

  test('http routes match method and path templates', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', environmentArg: null, projectArg: null }, http: { method: 'DELETE', path: '/v1/volumes/{id}' } },
      { name: 'deleteLatest', class: 'destructive', type: 'request', reversible: false, resource: null, http: { method: 'DELETE', path: '/v1/volumes/latest' } },
    ]);
    const call = (method: string, path: string) =>
      extractDecisionInputs({ method, url: `https://backboard.railway.com${path}` }, rest, { time: TIME, inventory });
    expect(call('DELETE', '/v1/volumes/vol-prod')[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' });
    expect(call('DELETE', '/v1/volumes/latest')[0]?.operation).toBe('deleteLatest');
    expect(call('GET', '/v1/volumes/vol-prod')[0]?.error?.code).toBe(EXTRACT_CODES.wrongEndpoint);
  });

  test('http arguments given differently in the path, the query string or the body are unparseable', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', environmentArg: null, projectArg: null }, http: { method: 'DELETE', path: '/v1/volumes/{id}' } },
      { name: 'deleteService', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'service', idArg: 'service.id', environmentArg: 'env', projectArg: null }, http: { method: 'DELETE', path: '/v1/services' } },
      { name: 'getA', class: 'read', type: 'request', reversible: false, resource: null, http: { method: 'GET', path: '/v1/{a}/x' } },
      { name: 'getB', class: 'destructive', type: 'request', reversible: false, resource: null, http: { method: 'GET', path: '/v1/x/{b}' } },
    ]);
    const call = (method: string, path: string, body?: unknown) =>
      extractDecisionInputs(
        {
          method,
          url: `https://backboard.railway.com${path}`,
          ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        },
        rest,
        { time: TIME, inventory },
      );
    const code = (method: string, path: string, body?: unknown) => {
      const out = call(method, path, body);
      expect(out).toHaveLength(1);
      return out[0]?.error?.code;
    };
    expect(code('DELETE', '/v1/volumes/vol-staging?id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/volumes/vol-staging', { id: 'vol-prod' })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/services?env=staging&env=production', { service: { id: 'svc-web' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/services?env=staging', { env: 'production', service: { id: 'svc-web' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/services?service=a', { service: { id: 'svc-web' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    // Two routes matching equally well: the server's router decides, so the enforcer does not.
    expect(code('GET', '/v1/x/x')).toBe(EXTRACT_CODES.ambiguousParameters);
    // The same value twice, or other arguments repeated, are fine.
    expect(call('DELETE', '/v1/volumes/vol-prod?id=vol-prod', { id: 'vol-prod', tag: 'a' })[0]?.input.resource?.id).toBe('vol-prod');
    expect(call('DELETE', '/v1/services?tag=a&tag=b', { env: 'staging', service: { id: 'svc-web' } })[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-web',
      environment: 'staging',
      project: 'pocketos',
    });
    expect(call('GET', '/v1/y/x')[0]?.operation).toBe('getA');
  });
});

test('a Date time is serialized as RFC 3339 UTC', () => {
  const out = run(post({ query: '{ me { id } }' }), { time: new Date(Date.UTC(2026, 3, 24, 21, 0, 0)) });
  expect(out[0]?.input.time).toBe('2026-04-24T21:00:00.000Z');
});

describe('graphql documents a server could run another way', () => {
  test('two operations of one name, or an anonymous operation next to others, are unparseable (BG409)', () => {
    // graphql-js `execute` runs the last `A`; a first-match lookup runs the first.
    const duplicate = post({ query: 'query A { me { id } } mutation A { volumeDelete(volumeId: "vol-prod") }', operationName: 'A' });
    expect(errorCode(duplicate)).toBe(EXTRACT_CODES.operationNotFound);
    expect(run(duplicate)[0]?.error?.message).toBe('the graphql document defines operation `A` more than once');
    expect(errorCode(post({ query: 'query A { me { id } } query A { me { id } }' }))).toBe(EXTRACT_CODES.operationNotFound);
    expect(errorCode(post({ query: '{ me { id } } mutation { volumeDelete(volumeId: "vol-prod") }' }))).toBe(EXTRACT_CODES.operationNotFound);
    expect(errorCode(post({ query: '{ me { id } } mutation B { volumeDelete(volumeId: "vol-prod") }', operationName: 'B' }))).toBe(EXTRACT_CODES.operationNotFound);
    expect(errorCode(post({ query: 'query A { me { id } } { volumeDelete(volumeId: "vol-prod") }', operationName: 'A' }))).toBe(EXTRACT_CODES.operationNotFound);
    // Distinct names still select.
    expect(ops(post({ query: 'query A { me { id } } mutation B { volumeDelete(volumeId: "vol-prod") }', operationName: 'B' }))).toEqual(['volumeDelete']);
  });

  test('a stored-document id next to `query` is unparseable (BG417): the server may run the stored one', () => {
    const query = '{ me { id } }';
    for (const extra of [
      { documentId: 'sha256:abc' },
      { doc_id: '123' },
      { doc_id: 123 },
      { id: 'abc' },
      { queryId: 'q1' },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } },
    ]) {
      expect(errorCode(post({ query, ...extra })), JSON.stringify(extra)).toBe(EXTRACT_CODES.ambiguousParameters);
    }
    const q = encodeURIComponent(query);
    for (const extra of ['documentId=x', 'doc_id=1', 'id=abc', 'queryId=q', `extensions=${encodeURIComponent('{"persistedQuery":{"version":1,"sha256Hash":"ab"}}')}`]) {
      expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${q}&${extra}` }), extra).toBe(EXTRACT_CODES.ambiguousParameters);
      expect(errorCode({ method: 'POST', url: `${URL_COM}?${extra}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }), extra).toBe(
        EXTRACT_CODES.ambiguousParameters,
      );
    }
    // Other extensions or a null member are not stored documents (a numeric `id` is: see below).
    expect(ops(post({ query, extensions: { tracing: true }, documentId: null }))).toEqual(['me']);
    expect(ops({ method: 'GET', url: `${URL_COM}?query=${q}&extensions=${encodeURIComponent('{"tracing":true}')}` })).toEqual(['me']);
    // In a batch, only the element that has both is denied.
    expect(run(post([{ query }, { query, documentId: 'x' }])).map((r) => r.error?.code ?? r.operation)).toEqual(['me', EXTRACT_CODES.ambiguousParameters]);
  });
});

describe('http api parameters in the body, whatever its content type', () => {
  function restIr(): Ir {
    return httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/volumes/delete' } },
      { name: 'deleteById', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', environmentArg: null, projectArg: null }, http: { method: 'DELETE', path: '/v1/volumes/{id}' } },
      { name: 'deleteService', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'service', idArg: 'service.id', environmentArg: 'env', projectArg: null }, http: { method: 'DELETE', path: '/v1/services' } },
    ]);
  }
  const call = (method: string, path: string, contentType: string | null, body?: string) =>
    extractDecisionInputs(
      {
        method,
        url: `https://backboard.railway.com${path}`,
        headers: contentType === null ? {} : { 'content-type': contentType },
        ...(body === undefined ? {} : { body }),
      },
      restIr(),
      { time: TIME, inventory },
    );
  const code = (method: string, path: string, contentType: string | null, body?: string) => {
    const out = call(method, path, contentType, body);
    expect(out).toHaveLength(1);
    const decision = evaluate(restIr(), out[0]?.input);
    if (out[0]?.error) expect(decision.rule).toBe('input:invalid');
    return out[0]?.error?.code;
  };
  const FORM = 'application/x-www-form-urlencoded';
  const multipart = (fields: [string, string][], extra = ''): string =>
    `${fields.map(([name, value]) => `--b\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`).join('')}--b--\r\n`;

  test('a form field, a multipart field or a json member differing from the query string is unparseable (BG417)', () => {
    // The reviewer's case: the body names production, the query string staging.
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', FORM, 'id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'multipart/form-data; boundary=b', multipart([['id', 'vol-prod']]))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'application/json', '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/volumes/vol-staging', FORM, 'id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    // Any name, not only resource arguments, given in two places differently.
    expect(code('POST', '/v1/volumes/delete?id=vol-prod&force=false', FORM, 'force=true')).toBe(EXTRACT_CODES.ambiguousParameters);
    // The same value in two places is one parameter.
    expect(call('POST', '/v1/volumes/delete?id=vol-prod', FORM, 'id=vol-prod&force=1')[0]?.input.resource?.id).toBe('vol-prod');
    expect(call('POST', '/v1/volumes/delete?id=vol-prod&id=vol-prod', 'application/json', '{"id":"vol-prod"}')[0]?.input.resource?.id).toBe('vol-prod');
    expect(call('POST', '/v1/volumes/delete?n=5&id=vol-prod', 'application/json', '{"n":5}')[0]?.operation).toBe('deleteVolume');
  });

  test('a resource id only in a form or multipart body is read', () => {
    expect(call('POST', '/v1/volumes/delete', FORM, 'id=vol-prod')[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' });
    expect(call('POST', '/v1/volumes/delete', 'multipart/form-data; boundary="b"', multipart([['id', 'vol-prod']]))[0]?.input.resource?.environment).toBe('production');
    expect(code('POST', '/v1/volumes/delete', FORM, 'id=vol-staging&id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
  });

  test('a non-empty body the enforcer cannot read for parameters is unparseable (BG404)', () => {
    // text/plain whose text is JSON: a server that sniffs reads `id` from it.
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'text/plain', '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.unsupportedContentType);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', null, '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.unsupportedContentType);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'application/octet-stream', 'id=vol-prod')).toBe(EXTRACT_CODES.unsupportedContentType);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'multipart/mixed; boundary=b', multipart([['id', 'vol-prod']]))).toBe(EXTRACT_CODES.unsupportedContentType);
    // A multipart body that cannot be read into named fields.
    expect(code('POST', '/v1/volumes/delete', 'multipart/form-data', multipart([['id', 'vol-prod']]))).toBe(EXTRACT_CODES.invalidBody);
    expect(code('POST', '/v1/volumes/delete', 'multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="id"\r\n\r\nvol-prod')).toBe(EXTRACT_CODES.invalidBody);
    expect(code('POST', '/v1/volumes/delete', 'multipart/form-data; boundary=b', multipart([['id', 'vol-prod']], '; name="other"'))).toBe(EXTRACT_CODES.invalidBody);
    // Empty bodies are fine whatever the type.
    expect(call('POST', '/v1/volumes/delete?id=vol-staging', 'text/plain', '  ')[0]?.input.resource?.id).toBe('vol-staging');
    expect(call('POST', '/v1/volumes/delete?id=vol-staging', null)[0]?.input.resource?.id).toBe('vol-staging');
  });

  test('bracket and dotted forms address the parameter they name', () => {
    // `?id[]=a` is `id` to qs: next to a json `id` it conflicts.
    expect(code('POST', '/v1/volumes/delete?id[]=vol-staging', 'application/json', '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.ambiguousParameters);
    // For a resource argument, any bracket or dotted form is read differently by different servers.
    for (const form of ['id[]', 'id[0]', 'id[x]', 'id.x']) {
      expect(code('POST', `/v1/volumes/delete?${encodeURIComponent(form)}=vol-prod`, null), form).toBe(EXTRACT_CODES.ambiguousParameters);
      expect(code('POST', '/v1/volumes/delete', FORM, `${encodeURIComponent(form)}=vol-prod`), form).toBe(EXTRACT_CODES.ambiguousParameters);
    }
    // `service[id]` is `service.id` to qs: the environment argument alone must not decide staging.
    expect(code('DELETE', '/v1/services?env=staging&service[id]=svc-prod-only', null)).toBe(EXTRACT_CODES.ambiguousParameters);
    // Other parameters in bracket form conflict with their plain form elsewhere.
    expect(code('POST', '/v1/volumes/delete?id=vol-prod&tag[]=a', FORM, 'tag=a')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(call('POST', '/v1/volumes/delete?id=vol-prod&tag[]=a&tag[]=b', null)[0]?.operation).toBe('deleteVolume');
  });

  test('names are compared without case: `ID` is `id` to some binders', () => {
    expect(code('POST', '/v1/volumes/delete?ID=vol-prod', null)).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'application/json', '{"Id":"vol-prod"}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-prod&Force=1', FORM, 'force=2')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(call('POST', '/v1/volumes/delete?id=vol-prod&Force=1', FORM, 'force=1')[0]?.operation).toBe('deleteVolume');
  });
});

describe('reviewer fail-opens: requests a server could read more dangerously', () => {
  test('a body with a content encoding other than identity is unparseable (BG404)', () => {
    const body = { query: 'query { me { id } }' };
    for (const encoding of ['gzip', 'deflate', 'br', 'GZIP', 'identity, gzip']) {
      expect(errorCode(post(body, { 'Content-Encoding': encoding })), encoding).toBe(EXTRACT_CODES.unsupportedContentType);
    }
    expect(ops(post(body, { 'Content-Encoding': 'identity' }))).toEqual(['me']);
    expect(ops(post(body))).toEqual(['me']);
  });

  test('a fragment name defined twice is unparseable (BG408)', () => {
    const query =
      'mutation { ...F } fragment F on Mutation { volumeDelete(volumeId: "vol-staging") } fragment F on Mutation { volumeDelete(volumeId: "vol-prod") }';
    expect(errorCode(post({ query }))).toBe(EXTRACT_CODES.graphqlSyntax);
    const once = 'mutation { ...F } fragment F on Mutation { volumeDelete(volumeId: "vol-staging") } fragment G on Mutation { volumeDelete(volumeId: "vol-prod") }';
    expect(ops(post({ query: once }))).toEqual(['volumeDelete']);
  });

  test('several Host headers, a Host disagreeing with the url, or userinfo is unparseable (BG412)', () => {
    const body = { query: 'mutation { volumeDelete(volumeId: "vol-staging") }' };
    const withHeaders = (headers: HttpRequest['headers'], url = URL_COM): HttpRequest => ({ ...post(body, {}, url), headers: { ...post(body).headers, ...headers } });
    expect(errorCode(withHeaders({ Host: ['backboard.railway.com', 'evil.example'] }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'backboard.railway.com, evil.example' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'evil.example' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'backboard.railway.com:8443' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'user@backboard.railway.com' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'user@backboard.railway.com' }, '/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({}, 'https://evil.example@backboard.railway.com/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({}, 'https://user:pw@backboard.railway.com/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({}, 'https://backboard.railway.com\\@evil.example/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    // The same host, in another case, with a trailing dot or the default port, agrees.
    for (const host of ['backboard.railway.com', 'Backboard.Railway.COM', 'backboard.railway.com.', 'backboard.railway.com:443']) {
      expect(ops(withHeaders({ Host: host })), host).toEqual(['volumeDelete']);
    }
    expect(ops(withHeaders({ Host: 'backboard.railway.com' }, '/graphql/v2'))).toEqual(['volumeDelete']);
  });

  test('member names a Go server folds onto a guarded member are unparseable (BG417)', () => {
    const mutation = 'mutation { volumeDelete(volumeId: "vol-prod") }';
    const harmless = 'query { me { id } }';
    // gqlgen matches `Query` to `query` (the last one wins); `ſ` folds to `s`, the Kelvin sign to `k`.
    expect(errorCode(post(`{"query":${JSON.stringify(harmless)},"Query":${JSON.stringify(mutation)}}`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ QUERY: mutation }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: mutation, OperationName: 'X' }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: harmless, ID: 'stored' }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: harmless, variableſ: {} }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: harmless, Key: 1, key: 2 }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post([{ query: harmless, Query: mutation }]))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(ops(post({ query: harmless, other: 1 }))).toEqual(['me']);

    const mcp = (message: unknown): HttpRequest => ({
      method: 'POST',
      url: 'https://mcp.railway.com/mcp',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
    const mcpCode = (message: unknown): string | undefined => {
      const rest: Ir = structuredClone(ir);
      const api = rest.apis[0];
      if (!api) throw new Error('no api');
      api.protocol = 'mcp';
      const out = extractDecisionInputs({ ...mcp(message), url: URL_COM }, rest, { time: TIME, inventory });
      expect(out).toHaveLength(1);
      return out[0]?.error?.code;
    };
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'volumeDelete', arguments: { volumeId: 'vol-prod' } } };
    expect(mcpCode(call)).toBeUndefined();
    expect(mcpCode({ ...call, Method: 'tools/list' })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, PARAMS: {} })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, params: { ...call.params, Name: 'me' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, params: { ...call.params, Arguments: { volumeId: 'vol-staging' } } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, params: { ...call.params, _Meta: {} } })).toBe(EXTRACT_CODES.ambiguousParameters);
  });

  test('REST json members on the path to a resource argument must read one way (BG417)', () => {
    const rest = httpIr([
      { name: 'deleteService', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'service', idArg: 'input.serviceId', environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/services/delete' } },
    ]);
    const code = (body: string): string | undefined => {
      const out = extractDecisionInputs(
        { method: 'POST', url: 'https://backboard.railway.com/v1/services/delete', headers: { 'content-type': 'application/json' }, body },
        rest,
        { time: TIME, inventory },
      );
      expect(out).toHaveLength(1);
      if (out[0]?.error) expect(evaluate(rest, out[0].input).rule).toBe('input:invalid');
      return out[0]?.error?.code;
    };
    expect(code('{"input":{"serviceId":"svc-staging-only"}}')).toBeUndefined();
    expect(code('{"input":{"serviceId":"svc-staging-only","ServiceId":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('{"input":{"serviceid":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('{"input":{"serviceId":"svc-staging-only"},"Input":{"serviceId":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('{"input":{"\u017FerviceId":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
  });

  test('a multipart boundary anywhere but a line start, or parts after the close, is unparseable (BG406)', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/volumes/delete' } },
    ]);
    const code = (body: string): string | undefined => {
      const out = extractDecisionInputs(
        { method: 'POST', url: 'https://backboard.railway.com/v1/volumes/delete', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body },
        rest,
        { time: TIME, inventory },
      );
      expect(out).toHaveLength(1);
      if (out[0]?.error) expect(evaluate(rest, out[0].input).rule).toBe('input:invalid');
      return out[0]?.error?.code ?? out[0]?.input.resource?.id ?? undefined;
    };
    const part = (name: string, value: string): string => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    expect(code(`${part('id', 'vol-staging')}--b--\r\n`)).toBe('vol-staging');
    expect(code(`${part('id', 'vol-staging')}--b--`)).toBe('vol-staging');
    // A delimiter inside a value: a lenient parser starts a new part there.
    expect(code(`${part('note', 'x--b\r\nContent-Disposition: form-data; name="id"\r\n\r\nvol-prod')}${part('id', 'vol-staging')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
    // After a bare LF, or as the prefix of a longer line.
    expect(code(`${part('note', 'x\n--b\nContent-Disposition: form-data; name="id"\n\nvol-prod')}${part('id', 'vol-staging')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
    expect(code(`${part('note', 'x\r\n--bx')}${part('id', 'vol-staging')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
    // Parts after the close delimiter.
    expect(code(`${part('id', 'vol-staging')}--b--\r\n${part('id', 'vol-prod')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
  });

  test('a `;` in the parameters, or parameter names padded with whitespace, are unparseable (BG417)', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/volumes/delete' } },
    ]);
    const code = (query: string, body?: string): string | undefined => {
      const out = extractDecisionInputs(
        {
          method: 'POST',
          url: `https://backboard.railway.com/v1/volumes/delete${query}`,
          headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
          ...(body === undefined ? {} : { body }),
        },
        rest,
        { time: TIME, inventory },
      );
      expect(out).toHaveLength(1);
      if (out[0]?.error) expect(evaluate(rest, out[0].input).rule).toBe('input:invalid');
      return out[0]?.error?.code ?? out[0]?.input.resource?.id ?? undefined;
    };
    expect(code('?id=vol-staging')).toBe('vol-staging');
    expect(code('', 'id=vol-staging&note=a%3Bb')).toBe('vol-staging');
    // Rack 2 reads `id=vol-prod` as a parameter of its own.
    expect(code('?note=x;id=vol-prod&id=vol-staging')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('', 'note=x;id=vol-prod&id=vol-staging')).toBe(EXTRACT_CODES.ambiguousParameters);
    // Names some servers trim, or whose inner whitespace they drop.
    expect(code('?id=vol-staging&id%20=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('?%20id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('', 'id=vol-staging&id+=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('', 'id=vol-staging&i%09d=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('?note%20x=1&id=vol-staging')).toBe('vol-staging');
    // A graphql GET reads its parameters from the query string too.
    const get = (search: string): HttpRequest => ({ method: 'GET', url: `${URL_COM}${search}`, headers: { Authorization: `Bearer ${DOMAINS_TOKEN}` } });
    expect(ops(get(`?query=${encodeURIComponent('query { me { id } }')}`))).toEqual(['me']);
    expect(errorCode(get(`?query=${encodeURIComponent('query { me { id } }')};query=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(get(`?query=${encodeURIComponent('query { me { id } }')}&query%20=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    // A graphql POST whose url a Rack 2 server would read as carrying `query`.
    expect(errorCode(post({ query: 'query { me { id } }' }, {}, `${URL_COM}?a=1;query=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: 'query { me { id } }' }, {}, `${URL_COM}?query%20=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(ops(post({ query: 'query { me { id } }' }, {}, `${URL_COM}?trace=1`))).toEqual(['me']);
  });

  test('a numeric `id` next to `query` names a stored document too (BG417)', () => {
    const query = 'query { me { id } }';
    expect(errorCode(post({ query, id: 42 }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query, id: 0 }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query, id: 'doc' }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(ops(post({ query, id: null }))).toEqual(['me']);
  });
});
