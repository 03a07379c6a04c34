import { describe, expect, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import { ENVELOPE_CODES, attenuateEnvelope, issueEnvelope, withMcpEnvelope } from '../../src/identity/index.js';
import type { Ir } from '../../src/ir/types.js';
import { testIssuer, testKey } from '../helpers/envelope.js';
import { TIME, TRACEPARENT } from './fixture.js';
import { inventory, ir, post } from './helpers.js';

const NOW = new Date(TIME);
const jobs = testKey('jobs-1');
const runner = testKey('runner-1', 'p256');
const withIssuers: Ir = { ...ir, identityIssuers: [testIssuer('acme-jobs', [jobs]), testIssuer('job-runner', [runner], { tenants: ['*'], originators: ['*'] })] };
const issue = (extra: Partial<Parameters<typeof issueEnvelope>[0]> = {}) =>
  issueEnvelope({ issuer: 'acme-jobs', originator: 'user:jer', tenant: 'pocketos', causation: TRACEPARENT, lifetimeSeconds: 600, now: NOW, ...extra }, jobs.signer);
const VOLUME_DELETE = { query: 'mutation { volumeDelete(volumeId: "vol-prod") }' };
const run = (request: ReturnType<typeof post>, model: Ir = withIssuers) => extractDecisionInputs(request, model, { time: TIME, inventory });

describe('identity envelope at the call site', () => {
  test('a valid Txn-Token makes the identity verified, from the envelope and not from baggage', async () => {
    const envelope = await issue();
    const [out] = run(post(VOLUME_DELETE, { 'Txn-Token': envelope, baggage: 'originator=user%3Amallory,tenant=evil' }));
    expect(out?.operation).toBe('volumeDelete');
    expect(out?.input.identity).toEqual({ originator: 'user:jer', tenant: 'pocketos', causation: TRACEPARENT, verified: true, issuers: ['acme-jobs'] });
    expect(JSON.stringify(out)).not.toContain(envelope.split('.')[2]);
  });

  test('baggage alone stays an unverified hint', () => {
    const [out] = run(post(VOLUME_DELETE, { baggage: 'originator=user%3Ajer,tenant=pocketos' }));
    expect(out?.input.identity).toEqual({ originator: 'user:jer', tenant: 'pocketos', verified: false });
  });

  test('a present but failing envelope fails the call with its code, never falling back to baggage', async () => {
    const forged = await issueEnvelope({ issuer: 'acme-jobs', originator: 'user:jer', tenant: 'pocketos', lifetimeSeconds: 600, now: NOW }, testKey('jobs-1').signer);
    const [out] = run(post(VOLUME_DELETE, { 'Txn-Token': forged, baggage: 'originator=user%3Ajer' }));
    expect(out?.operation).toBeNull();
    expect(out?.error?.code).toBe(ENVELOPE_CODES.badSignature);
    expect(out?.input.identity).toBeUndefined();
    expect(out?.input.error).toMatch(/^identity envelope: the signature of the envelope by `acme-jobs`/);
    // A repository without issuers trusts no envelope at all.
    expect(run(post(VOLUME_DELETE, { 'Txn-Token': await issue() }), { ...ir, identityIssuers: [] })[0]?.error?.code).toBe(ENVELOPE_CODES.unknownIssuer);
    const twice = run(post(VOLUME_DELETE, { 'Txn-Token': [await issue(), await issue()] as unknown as string }));
    expect(twice[0]?.error?.code).toBe(ENVELOPE_CODES.conflicting);
  });

  test('every operation of a batch must be inside the attenuations; the others still pass', async () => {
    const narrowed = await attenuateEnvelope(await issue(), { issuer: 'job-runner', now: NOW, attenuation: { operations: ['volumeDelete'], environments: ['production'] } }, runner.signer);
    const out = run(post({ query: 'mutation { volumeDelete(volumeId: "vol-prod") b: volumeDelete(volumeId: "vol-staging") serviceDelete(id: "svc-web") }' }, { 'txn-token': narrowed }));
    expect(out.map((o) => [o.operation, o.error?.code ?? null])).toEqual([
      ['volumeDelete', null],
      [null, ENVELOPE_CODES.outsideScope],
      [null, ENVELOPE_CODES.outsideScope],
    ]);
    expect(out[0]?.input.identity?.issuers).toEqual(['acme-jobs', 'job-runner']);
    expect(out[1]?.error?.message).toBe('`volumeDelete`: identity envelope: environment `staging` is not among the envelope\'s environments');
  });

  test('an MCP message carries the envelope in params._meta; one differing from the header is refused', async () => {
    const mcp: Ir = structuredClone(withIssuers);
    const api = mcp.apis.find((a) => a.name === 'railway')!;
    api.protocol = 'mcp';
    api.endpoint = '/mcp';
    api.operations.push({ name: 'remove_volume', class: 'destructive', type: 'tool', reversible: false, resource: { kind: 'volume', idArg: 'volume_id', idTemplate: null, environmentArg: null, projectArg: null }, http: null });
    const envelope = await issue();
    const call = (meta: Record<string, unknown>, headers: Record<string, string> = {}) =>
      extractDecisionInputs(
        { method: 'POST', url: 'https://backboard.railway.com/mcp', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'remove_volume', arguments: { volume_id: 'vol-prod' }, _meta: meta } }) },
        mcp,
        { time: TIME, inventory },
      )[0];
    expect(call(withMcpEnvelope({ traceparent: TRACEPARENT }, envelope))?.input.identity).toMatchObject({ originator: 'user:jer', verified: true });
    expect(call(withMcpEnvelope({}, envelope), { 'Txn-Token': envelope })?.input.identity?.verified).toBe(true);
    expect(call(withMcpEnvelope({}, await issue()), { 'Txn-Token': envelope })?.error?.code).toBe(ENVELOPE_CODES.conflicting);
    expect(call({ 'txn-token': 42 })?.error?.code).toBe(ENVELOPE_CODES.malformed);
    expect(call({ baggage: 'originator=user%3Ajer' })?.input.identity?.verified).toBe(false);
  });
});
