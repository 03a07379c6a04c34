// Identity envelopes through the enforcer: decideRequest verifies `Txn-Token` against the
// catalog's IdentityIssuers (and keys an IssuerKeyStore fetched from a loopback JWKS server), the
// compiled policy sees `identity.verified`, and refusals are counted by code in the metrics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource } from '../../src/distribute/index.js';
import { IssuerKeyStore, buildEvent, createEnforcer, type Enforcer } from '../../src/enforce/index.js';
import { extractDecisionInputs } from '../../src/extract/index.js';
import { issueEnvelope } from '../../src/identity/index.js';
import type { Ir } from '../../src/ir/types.js';
import { serveBundle, startServer, type TestServer } from '../distribute/server.js';
import { testKey } from '../helpers/envelope.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let bundles: TestServer;
let jwks: Server;
let jwksBody = '{"keys":[]}';
let jwksUrl = '';
const key = testKey('rotating-1', 'p256');

beforeAll(async () => {
  f = await enforceFixtures();
  bundles = await startServer();
  const r1 = await f.bundle('r1', 1);
  bundles.handle(serveBundle(() => r1));
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(jwksBody);
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await bundles?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

const NOW = '2026-04-24T18:01:00Z';
const request = (headers: Record<string, string>) => ({
  method: 'POST',
  url: 'https://backboard.railway.com/graphql/v2',
  headers: { 'content-type': 'application/json', 'project-access-token': 'fake-railway-production-deploy-project-token', ...headers },
  body: JSON.stringify({ query: 'mutation { serviceInstanceRedeploy(environmentId: "env-prod", serviceId: "svc") }' }),
});
const inventory = { environments: { 'env-prod': 'production' }, resources: { svc: { kind: 'service', project: 'pocketos' } } };

describe('identity envelopes at the enforcer', () => {
  it('the issuers travel in the bundle\'s catalog: an enforcer without a catalog option verifies envelopes', async () => {
    const e = createEnforcer({ source: new HttpSource({ url: bundles.url, retries: 0, timeoutSeconds: 5 }), verification: f.verification, poll: false });
    try {
      await e.refresh();
      expect(e.catalog()?.identityIssuers?.map((i) => i.name)).toEqual(['acme-jobs', 'job-runner']);
      const forged = await issueEnvelope({ issuer: 'acme-jobs', originator: 'user:jer', tenant: 'pocketos', lifetimeSeconds: 600, now: new Date('2026-04-24T18:00:00Z') }, { ...key.signer, kid: 'acme-jobs-2026-04' });
      expect(e.decideRequest(request({ 'Txn-Token': forged }), { time: NOW, inventory }).decisions[0]?.error?.code).toBe('BG804');
    } finally {
      await e.close();
    }
  });

  it('a verified originator satisfies `identity: { verified: true }`; baggage does not; keys come from a refreshed JWKS', async () => {
    const catalog: Ir = {
      ...f.ir,
      identityIssuers: [
        ...(f.ir.identityIssuers ?? []),
        { name: 'sso', keys: [], jwksUrl, tenants: ['pocketos'], originators: ['user:*'], maxLifetimeSeconds: 900, algorithms: ['ES256'] },
      ],
    };
    const store = new IssuerKeyStore();
    const e: Enforcer = createEnforcer({ source: new HttpSource({ url: bundles.url, retries: 0, timeoutSeconds: 5 }), verification: f.verification, poll: false, catalog, issuerKeys: store });
    try {
      await e.refresh();
      const envelope = await issueEnvelope({ issuer: 'sso', originator: 'user:jer', tenant: 'pocketos', lifetimeSeconds: 600, now: new Date('2026-04-24T18:00:00Z') }, key.signer);
      const before = e.decideRequest(request({ 'Txn-Token': envelope }), { time: NOW, inventory });
      expect(before.decisions[0]).toMatchObject({ operation: null, error: { code: 'BG817' }, decision: { allow: false, rule: 'input:invalid' } });

      jwksBody = JSON.stringify({ keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: 'rotating-1', use: 'sig', alg: 'ES256' }] });
      expect(await store.refresh(catalog.identityIssuers!)).toEqual({ fetched: ['sso'], failed: [] });
      const after = e.decideRequest(request({ 'Txn-Token': envelope }), { time: NOW, inventory });
      expect(after.decisions[0]).toMatchObject({ operation: 'serviceInstanceRedeploy', decision: { allow: true, rule: 'railway-identity/production-deploys-by-verified-originator' } });
      const hint = e.decideRequest(request({ baggage: 'originator=user%3Ajer,tenant=pocketos' }), { time: NOW, inventory });
      expect(hint.decisions[0]).toMatchObject({ operation: 'serviceInstanceRedeploy', decision: { allow: false, rule: 'railway-identity/production-deploys-need-verified-originator' } });

      // A broken JWKS keeps the last good keys.
      jwksBody = 'not json';
      expect((await store.refresh(catalog.identityIssuers!)).failed).toEqual([{ issuer: 'sso', message: `jwks \`${jwksUrl}\` is not json` }]);
      expect(e.decideRequest(request({ 'Txn-Token': envelope }), { time: NOW, inventory }).allow).toBe(true);
      // A rotation that drops the key stops it verifying at once.
      jwksBody = JSON.stringify({ keys: [] });
      await store.refresh(catalog.identityIssuers!);
      expect(e.decideRequest(request({ 'Txn-Token': envelope }), { time: NOW, inventory }).decisions[0]?.error?.code).toBe('BG803');

      // The decision-log event records who and through whom, never the envelope or its signature.
      jwksBody = JSON.stringify({ keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: 'rotating-1' }] });
      await store.refresh(catalog.identityIssuers!);
      const [op] = extractDecisionInputs(request({ 'Txn-Token': envelope }), catalog, { time: NOW, inventory, issuerKeys: store.current() });
      const event = JSON.stringify(buildEvent({ input: op!.input, result: after.decisions[0]!.decision, bundle: null, timeMs: Date.parse(NOW), durationNs: 1 }, {}));
      expect(event).toContain('"identity":{"originator":"user:jer","tenant":"pocketos","verified":true,"issuers":["sso"]}');
      expect(event).not.toContain(envelope.split('.')[2]!);
      expect(event).not.toContain(envelope.split('.')[1]!);

      const metrics = await e.metrics.registry.metrics();
      expect(metrics).toContain('blastguard_identity_envelope_rejections_total{code="BG817"} 1');
      expect(metrics).toContain('blastguard_identity_envelope_rejections_total{code="BG803"} 1');
    } finally {
      await e.close();
    }
  });
});
