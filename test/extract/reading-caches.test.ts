// The caches request reading keeps between requests (credential fingerprints, inventory lookups,
// merged forward limits, the envelope check time, configured names and member folds by their
// text, argument path segments) hold results keyed on everything they depend on:
// each test changes one input after a cached reading and expects the new value, never the kept one.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, bodyLimitOf, extractDecisionInputs, extractForwarding, fingerprintOf } from '../../src/extract/index.js';
import type { ForwardLimits, Inventory } from '../../src/extract/index.js';
import { goFold } from '../../src/extract/params.js';
import { argumentAt } from '../../src/extract/resource.js';
import { issueEnvelope } from '../../src/identity/index.js';
import type { Ir } from '../../src/ir/types.js';
import { testIssuer, testKey } from '../helpers/envelope.js';
import { DOMAINS_FP, DOMAINS_TOKEN, TIME } from './fixture.js';
import { ir, post } from './helpers.js';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

describe('credential fingerprints', () => {
  test('each credential has its own fingerprint, read again or not', () => {
    expect(fingerprintOf('tok-a')).toBe(sha256('tok-a'));
    expect(fingerprintOf('tok-a')).toBe(sha256('tok-a'));
    // One character more, one in another case, one space: each misses.
    expect(fingerprintOf('tok-ab')).toBe(sha256('tok-ab'));
    expect(fingerprintOf('TOK-A')).toBe(sha256('TOK-A'));
    expect(fingerprintOf('tok-a ')).toBe(sha256('tok-a '));
    expect(fingerprintOf('tok-a')).toBe(sha256('tok-a'));
  });

  test('past the bound (many credentials, or a long one) every fingerprint is still its own', () => {
    for (let i = 0; i < 1_000; i++) expect(fingerprintOf(`many-${i}`)).toBe(sha256(`many-${i}`));
    expect(fingerprintOf('many-3')).toBe(sha256('many-3'));
    const long = 'x'.repeat(5_000);
    expect(fingerprintOf(long)).toBe(sha256(long));
    expect(fingerprintOf(`${long}y`)).toBe(sha256(`${long}y`));
  });

  test('a request read after another with another token carries the other fingerprint', () => {
    const run = (token: string) => extractDecisionInputs(post({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }, { Authorization: `Bearer ${token}` }), ir, { time: TIME })[0]!;
    expect(run(DOMAINS_TOKEN).input.token).toEqual({ fingerprint: DOMAINS_FP });
    expect(run(`${DOMAINS_TOKEN}x`).input.token).toEqual({ fingerprint: sha256(`${DOMAINS_TOKEN}x`) });
    expect(run(DOMAINS_TOKEN).input.token).toEqual({ fingerprint: DOMAINS_FP });
  });

  test('two headers carrying different credentials still conflict, and one credential twice does not', () => {
    const config: Ir = structuredClone(ir);
    config.apis.find((a) => a.name === 'railway')!.tokens.headers = [
      { name: 'Authorization', schemes: ['Bearer'] },
      { name: 'Project-Access-Token', schemes: [] },
    ];
    const run = (headers: Record<string, string>) => extractDecisionInputs(post({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }, headers), config, { time: TIME })[0]!;
    expect(run({ 'Project-Access-Token': DOMAINS_TOKEN }).input.token).toEqual({ fingerprint: DOMAINS_FP });
    expect(run({ Project_Access_Token: DOMAINS_TOKEN }).input.token).toEqual({ fingerprint: DOMAINS_FP });
    expect(run({ 'Project-Access-Token': 'other' }).error?.code).toBe(EXTRACT_CODES.conflictingHeader);
    expect(run({ 'Project-Access-Token': 'other' }).error?.message).toBe('headers `Authorization` and `Project-Access-Token` carry different credentials');
    expect(run({ Project_Access_Token: 'other' }).error?.code).toBe(EXTRACT_CODES.conflictingHeader);
  });
});

describe('inventory lookups', () => {
  const VOLUME = { query: 'mutation { volumeDelete(volumeId: "vol-x") }' };

  test('an inventory whose member is replaced, or whose map changes, is read as it is now', () => {
    const resources = new Map([['vol-x', { kind: 'volume', environment: 'staging', project: 'pocketos' }]]);
    const inventory: { -readonly [K in keyof Inventory]: Inventory[K] } = { resources };
    const environment = () => extractDecisionInputs(post(VOLUME), ir, { time: TIME, inventory })[0]!.input.resource?.environment;
    expect(environment()).toBe('staging');
    resources.set('vol-x', { kind: 'volume', environment: 'production', project: 'pocketos' });
    expect(environment()).toBe('production');
    inventory.resources = { 'vol-x': { kind: 'volume', environment: 'development', project: 'pocketos' } };
    expect(environment()).toBe('development');
    inventory.resources = undefined;
    expect(environment()).toBeUndefined();
  });

  test('another inventory object is another reading', () => {
    const first: Inventory = { resources: { 'vol-x': { kind: 'volume', environment: 'staging' } } };
    const second: Inventory = { resources: { 'vol-x': { kind: 'volume', environment: 'production' } } };
    const environment = (inventory: Inventory) => extractDecisionInputs(post(VOLUME), ir, { time: TIME, inventory })[0]!.input.resource?.environment;
    expect(environment(first)).toBe('staging');
    expect(environment(second)).toBe('production');
    expect(environment(first)).toBe('staging');
  });
});

describe('forward limits', () => {
  test('a limits object changed between requests is read with its new values', () => {
    const body = JSON.stringify({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' });
    const request = { method: 'POST', url: 'https://backboard.railway.com/graphql/v2', headers: { 'content-type': 'application/json' }, body };
    const limits: Partial<ForwardLimits> = { maxBodyBytes: 10_000 };
    expect(extractForwarding(request, ir, { time: TIME, limits }).forward).not.toBeNull();
    limits.maxBodyBytes = 10;
    expect(extractForwarding(request, ir, { time: TIME, limits }).operations[0]?.error?.code).toBe(EXTRACT_CODES.limitExceeded);
    delete limits.maxBodyBytes;
    expect(extractForwarding(request, ir, { time: TIME, limits }).forward).not.toBeNull();
    limits.maxDepth = 1;
    expect(extractForwarding({ ...request, body: JSON.stringify({ query: 'mutation { volumeDelete(volumeId: "vol-prod") { id } }' }) }, ir, { time: TIME, limits }).operations[0]?.error?.code).toBe(EXTRACT_CODES.limitExceeded);
    expect(extractForwarding(request, ir, { time: TIME, limits: { maxBodyBytes: 10 } }).operations[0]?.error?.code).toBe(EXTRACT_CODES.limitExceeded);
    expect(extractForwarding(request, ir, { time: TIME }).forward).not.toBeNull();
  });
});

describe('envelope check time', () => {
  test('an envelope is checked at each request\'s own time', async () => {
    const key = testKey('jobs-1');
    const withIssuer: Ir = { ...ir, identityIssuers: [testIssuer('acme-jobs', [key])] };
    const envelope = await issueEnvelope({ issuer: 'acme-jobs', originator: 'user:jer', tenant: 'pocketos', lifetimeSeconds: 600, now: new Date(TIME) }, key.signer);
    const verified = (time: string) => extractDecisionInputs(post({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }, { 'Txn-Token': envelope }), withIssuer, { time })[0]!.input.identity?.verified;
    const later = new Date(Date.parse(TIME) + 3_600_000).toISOString();
    expect(verified(TIME)).toBe(true);
    expect(verified(TIME)).toBe(true);
    expect(verified(later)).toBeUndefined();
    expect(verified(TIME)).toBe(true);
  });
});

describe('body limit of a graphql endpoint', () => {
  const limits = { maxBodyBytes: 100, maxDataBytes: 10_000 };
  const railway = ir.apis.find((a) => a.name === 'railway')!;

  test('the endpoint, with or without a query, is read within the body limit; a data route, or a path that only parses to one, within the data limit', () => {
    expect(bodyLimitOf(railway, limits, { method: 'POST', target: '/graphql/v2' })).toBe(100);
    expect(bodyLimitOf(railway, limits, { method: 'POST', target: '/graphql/v2?x=1' })).toBe(100);
    expect(bodyLimitOf(railway, limits, { method: 'POST', target: '/project/p/environment/e/up' })).toBe(10_000);
    expect(bodyLimitOf(railway, limits, { method: 'POST', target: '/graphql/v2/../../project/p/environment/e/up' })).toBe(10_000);
    expect(bodyLimitOf(railway, limits, { method: 'POST', target: '/graphql/v2/%2e%2e/%2e%2e/project/p/environment/e/up' })).toBe(10_000);
  });

  test('an endpoint a url parser spells otherwise is not taken as written', () => {
    const odd: Ir = structuredClone(ir);
    const api = odd.apis.find((a) => a.name === 'railway')!;
    // `/project/p/environment/e/up/..` parses to `/project/p/environment/e/`: no endpoint, no data route.
    api.endpoint = '/project/p/environment/e/up/x/..';
    expect(bodyLimitOf(api, limits, { method: 'POST', target: '/project/p/environment/e/up/x/..' })).toBe(10_000);
  });
});

describe('the connection-header shortcut', () => {
  const QUERY = { query: 'query { me { id } }' };
  const forwarded = (headers: Record<string, string>) => extractForwarding(post(QUERY, headers), ir, { time: TIME }).forward?.headers ?? {};

  test('`Connection: close` still names a header spelled `close`, which is dropped', () => {
    expect(forwarded({ Connection: 'close', close: 'x' })).not.toHaveProperty('close');
    expect(forwarded({ Connection: 'Close ', Close: 'x' })).not.toHaveProperty('close');
    expect(forwarded({ Connection: 'keep-alive', close: 'x' })).toHaveProperty('close', 'x');
    expect(forwarded({ close: 'x' })).toHaveProperty('close', 'x');
  });
});

describe('names read again by their text', () => {
  const VOLUME = { query: 'mutation { volumeDelete(volumeId: "vol-prod") }' };
  const withRailway = (change: (api: Ir['apis'][number]) => void): Ir => {
    const config: Ir = structuredClone(ir);
    change(config.apis.find((a) => a.name === 'railway')!);
    return config;
  };

  test('another token header name, or another scheme, is read as configured now', () => {
    const own = withRailway((api) => (api.tokens.headers = [{ name: 'X-Own-Token', schemes: ['Token'] }]));
    const run = (config: Ir, headers: Record<string, string>) => extractDecisionInputs(post(VOLUME, headers), config, { time: TIME })[0]!.input.token;
    expect(run(own, { 'x-own-token': `Token ${DOMAINS_TOKEN}` })).toEqual({ fingerprint: DOMAINS_FP });
    const other = withRailway((api) => (api.tokens.headers = [{ name: 'X-Other-Token', schemes: ['Bearer'] }]));
    expect(run(other, { 'x-own-token': `Token ${DOMAINS_TOKEN}` })).toBeUndefined();
    expect(run(other, { 'x-other-token': `Token ${DOMAINS_TOKEN}` })).toEqual({ fingerprint: sha256(`Token ${DOMAINS_TOKEN}`) });
    expect(run(other, { 'x-other-token': `Bearer ${DOMAINS_TOKEN}` })).toEqual({ fingerprint: DOMAINS_FP });
    expect(run(own, { 'x-own-token': `Token ${DOMAINS_TOKEN}` })).toEqual({ fingerprint: DOMAINS_FP });
  });

  test('another attempt header is read as configured now', () => {
    const run = (config: Ir, headers: Record<string, string>) => extractDecisionInputs(post(VOLUME, { Authorization: `Bearer ${DOMAINS_TOKEN}`, ...headers }), config, { time: TIME })[0]!.input.attempt;
    const a = withRailway((api) => (api.identity.attemptHeader = 'X-Attempt-A'));
    const b = withRailway((api) => (api.identity.attemptHeader = 'X-Attempt-B'));
    expect(run(a, { 'x-attempt-a': '2' })).toBe(2);
    expect(run(b, { 'x-attempt-a': '2' })).toBeUndefined();
    expect(run(b, { 'x-attempt-b': '3' })).toBe(3);
    expect(run(a, { 'x-attempt-a': '2' })).toBe(2);
  });

  test('member names fold by their own text, past the bound too', () => {
    for (let i = 0; i < 1_200; i++) expect(goFold(`Name${i}X`)).toBe(`name${i}x`);
    expect(goFold('OperationName')).toBe('operationname');
    expect(goFold('OperationNamE')).toBe('operationname');
    expect(goFold('QUERY')).toBe('query');
    expect(goFold('Query\u017f')).toBe('querys');
  });

  test('argument paths are split by their own text, past the bound too', () => {
    const args = { input: { serviceId: 's', environmentId: 'e' }, 'input.serviceId': 'flat' };
    expect(argumentAt(args, 'input.serviceId')).toBe('s');
    expect(argumentAt(args, 'input.environmentId')).toBe('e');
    for (let i = 0; i < 1_100; i++) expect(argumentAt({ [`k${i}`]: { v: i } }, `k${i}.v`)).toBe(i);
    expect(argumentAt(args, 'input.serviceId')).toBe('s');
    expect(argumentAt(args, 'input..serviceId')).toBeUndefined();
  });
});
