import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs, fingerprintOf } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir } from '../../src/ir/types.js';
import { DEPLOY_FP, DEPLOY_TOKEN, DOMAINS_FP, DOMAINS_TOKEN, TIME, TRACEPARENT, URL_COM } from './fixture.js';
import { errorCode, ir, ops, post, run } from './helpers.js';

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
    const api = custom.apis.find((a) => a.name === 'railway');
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
