import { CompactSign, compactVerify } from 'jose';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ENVELOPE_CODES,
  EnvelopeError,
  MAX_CHAIN_DEPTH,
  attenuateEnvelope,
  checkCall,
  decodeEnvelope,
  envelopeHash,
  inspectEnvelope,
  issueEnvelope,
  matchesPattern,
  parentHash,
  trustStoreOf,
  verifyEnvelope,
  type IssueOptions,
  type TrustedIssuer,
} from '../../src/identity/index.js';
import { testIssuer, testKey } from '../helpers/envelope.js';

const NOW = new Date('2026-04-24T18:00:00Z');
const T = NOW.getTime() / 1000;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const jobs = testKey('jobs-1');
const jobsEc = testKey('jobs-ec', 'p256');
const runner = testKey('runner-1', 'p256');
const stranger = testKey('jobs-1');
const ISSUERS: TrustedIssuer[] = [
  testIssuer('acme-jobs', [jobs, jobsEc], { maxLifetimeSeconds: 900 }),
  testIssuer('job-runner', [runner], { tenants: ['*'], originators: ['*'] }),
  testIssuer('other-tenant', [testKey('o-1')], { tenants: ['globex'] }),
];
const BASE: IssueOptions = { issuer: 'acme-jobs', originator: 'user:jer', tenant: 'pocketos', causation: TRACEPARENT, lifetimeSeconds: 600, now: NOW };

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof EnvelopeError) return e.code;
    throw e;
  }
  return undefined;
}

const verify = (token: string, at = T, issuers = ISSUERS) => verifyEnvelope(token, trustStoreOf(issuers), at);

describe('identity envelope', () => {
  test('an issued envelope verifies to its originator, tenant, causation and issuer (EdDSA and ES256)', async () => {
    for (const signer of [jobs.signer, jobsEc.signer]) {
      const token = await issueEnvelope(BASE, signer);
      const chain = verify(token, T + 30);
      expect(chain).toMatchObject({ originator: 'user:jer', tenant: 'pocketos', causation: TRACEPARENT, issuers: ['acme-jobs'], exp: T + 600 });
      expect(decodeEnvelope(token).header).toEqual({ alg: signer === jobs.signer ? 'EdDSA' : 'ES256', kid: signer.kid, typ: 'txntoken+jwt' });
      // jose, the reference, agrees with the synchronous node:crypto verifier.
      const verified = await compactVerify(token, signer === jobs.signer ? jobs.publicKey : jobsEc.publicKey);
      expect(JSON.parse(new TextDecoder().decode(verified.payload))).toMatchObject({ sub: 'user:jer', tctx: { tenant: 'pocketos' } });
    }
  });

  test('the same text is verified once (cache keyed by hash), time is checked on every call', async () => {
    const issuers = [...ISSUERS];
    const store = trustStoreOf(issuers);
    const token = await issueEnvelope(BASE, jobs.signer);
    const first = verifyEnvelope(token, store, T);
    expect(verifyEnvelope(token, store, T + 1)).toBe(first);
    expect(store.cache.count).toBe(1);
    expect(first.hash).toBe(envelopeHash(token));
    expect(code(() => verifyEnvelope(token, store, T + 600 + 61))).toBe(ENVELOPE_CODES.expired);
    expect(code(() => verifyEnvelope(token, store, T + 600 + 59))).toBeUndefined();
  });

  test('each tampering has its own code', async () => {
    const token = await issueEnvelope(BASE, jobs.signer);
    const [h, p] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'user:admin' })).toString('base64url');
    const cases: [string, string | Promise<string>, string, number?][] = [
      ['malformed', 'not.a-jws', ENVELOPE_CODES.malformed],
      ['re-signed payload', `${h}.${forgedPayload}.${token.split('.')[2]}`, ENVELOPE_CODES.badSignature],
      ['wrongly signed (same kid, other key)', issueEnvelope(BASE, stranger.signer), ENVELOPE_CODES.badSignature],
      ['unknown issuer', issueEnvelope({ ...BASE, issuer: 'nobody' }, jobs.signer), ENVELOPE_CODES.unknownIssuer],
      ['unknown key', issueEnvelope(BASE, { ...jobs.signer, kid: 'jobs-9' }), ENVELOPE_CODES.unknownKey],
      ['algorithm the key cannot make', issueEnvelope(BASE, { ...jobsEc.signer, kid: 'jobs-1' }), ENVELOPE_CODES.algorithm],
      ['expired', issueEnvelope({ ...BASE, now: new Date(NOW.getTime() - 3600_000) }, jobs.signer), ENVELOPE_CODES.expired],
      ['issued in the future', issueEnvelope({ ...BASE, now: new Date(NOW.getTime() + 600_000) }, jobs.signer), ENVELOPE_CODES.notYetValid],
      ['too long a lifetime', issueEnvelope({ ...BASE, lifetimeSeconds: 7200 }, jobs.signer), ENVELOPE_CODES.lifetime],
      ['a tenant it does not own', issueEnvelope({ ...BASE, tenant: 'globex' }, jobs.signer), ENVELOPE_CODES.tenant],
      ['an originator it may not assert', issueEnvelope({ ...BASE, originator: 'workload:runner' }, jobs.signer), ENVELOPE_CODES.originator],
    ];
    for (const [name, made, expected] of cases) {
      const text = await made;
      expect(code(() => verify(text)), name).toBe(expected);
    }
  });

  test('alg none and HMAC are never accepted', async () => {
    const payload = (await issueEnvelope(BASE, jobs.signer)).split(".")[1]!;
    const none = `${Buffer.from(JSON.stringify({ alg: "none", kid: "jobs-1", typ: "txntoken+jwt" })).toString("base64url")}.${payload}.AA`;
    expect(code(() => verify(none))).toBe(ENVELOPE_CODES.algorithm);
    const hmac = await new CompactSign(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'HS256', kid: 'jobs-1', typ: 'txntoken+jwt' }).sign(new Uint8Array(32));
    expect(code(() => verify(hmac))).toBe(ENVELOPE_CODES.malformed);
    const embedded = await new CompactSign(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'EdDSA', kid: 'jobs-1', typ: 'txntoken+jwt', jku: 'https://evil' }).sign(jobs.signer.key);
    expect(code(() => verify(embedded))).toBe(ENVELOPE_CODES.malformed);
  });

  test('an audience names the api: an envelope minted for one service is refused by another', async () => {
    const chain = verify(await issueEnvelope({ ...BASE, audience: 'https://api.github.com' }, jobs.signer));
    const railway = { name: 'railway', hosts: ['backboard.railway.com'] };
    const github = { name: 'github-rest', hosts: ['api.github.com'] };
    expect(code(() => checkCall(chain, { api: railway, operation: 'serviceInstanceRedeploy', environment: 'production' }))).toBe(ENVELOPE_CODES.outsideScope);
    expect(code(() => checkCall(chain, { api: github, operation: 'repos.get', environment: 'production' }))).toBeUndefined();
    const byName = verify(await issueEnvelope({ ...BASE, audience: 'railway' }, jobs.signer));
    expect(code(() => checkCall(byName, { api: railway, operation: 'serviceInstanceRedeploy', environment: 'production' }))).toBeUndefined();
  });

  test('attenuation narrows: the chain verifies, keeps the identity, and the call must be inside it', async () => {
    const root = await issueEnvelope({ ...BASE, attenuation: { environments: ['production', 'staging'] } }, jobs.signer);
    const narrowed = await attenuateEnvelope(root, { issuer: 'job-runner', now: NOW, lifetimeSeconds: 60, attenuation: { operations: ['serviceInstanceRedeploy'], environments: ['production'] } }, runner.signer);
    const chain = verify(narrowed);
    expect(chain).toMatchObject({ originator: 'user:jer', tenant: 'pocketos', issuers: ['acme-jobs', 'job-runner'], exp: T + 60 });
    expect(code(() => checkCall(chain, { operation: 'serviceInstanceRedeploy', environment: 'production' }))).toBeUndefined();
    expect(code(() => checkCall(chain, { operation: 'volumeDelete', environment: 'production' }))).toBe(ENVELOPE_CODES.outsideScope);
    expect(code(() => checkCall(chain, { operation: 'serviceInstanceRedeploy', environment: 'staging' }))).toBe(ENVELOPE_CODES.outsideScope);
    expect(code(() => checkCall(chain, { operation: 'serviceInstanceRedeploy', environment: null }))).toBe(ENVELOPE_CODES.outsideScope);
    expect(inspectEnvelope(narrowed).map((l) => l.claims.iss)).toEqual(['job-runner', 'acme-jobs']);
    expect(JSON.stringify(inspectEnvelope(narrowed))).not.toContain(narrowed.split('.')[2]);
  });

  test('an attenuation asking for more, living longer, changing identity, naming another parent or nesting too deep is refused', async () => {
    const root = await issueEnvelope({ ...BASE, attenuation: { environments: ['staging'] } }, jobs.signer);
    const wider = await attenuateEnvelope(root, { issuer: 'job-runner', now: NOW, attenuation: { environments: ['staging', 'production'] } }, runner.signer);
    expect(code(() => verify(wider))).toBe(ENVELOPE_CODES.widenedScope);
    // The parent's expiry is clipped by attenuateEnvelope; a hand-made child that outlives it is refused.
    const rootClaims = decodeEnvelope(root).claims;
    const child = (claims: object) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'ES256', kid: 'runner-1', typ: 'txntoken+jwt' }).sign(runner.signer.key);
    const childOf = (extra: object) => ({ ...rootClaims, iss: 'job-runner', jti: 'j2', azd: {}, parent: { txn_token: root, sha256: parentHash(root) }, ...extra });
    expect(code(() => verify(root))).toBeUndefined();
    expect(code(() => verify(''))).toBe(ENVELOPE_CODES.malformed);
    const longer = await child(childOf({ exp: rootClaims.exp + 10 }));
    expect(code(() => verify(longer))).toBe(ENVELOPE_CODES.widenedLifetime);
    const otherSub = await child(childOf({ sub: 'user:admin' }));
    expect(code(() => verify(otherSub))).toBe(ENVELOPE_CODES.changedIdentity);
    const otherParent = await child(childOf({ parent: { txn_token: root, sha256: 'A'.repeat(43) } }));
    expect(code(() => verify(otherParent))).toBe(ENVELOPE_CODES.parentMismatch);
    const same = await child(childOf({}));
    expect(code(() => verify(same))).toBeUndefined();
    let deep = root;
    for (let i = 0; i < MAX_CHAIN_DEPTH; i++) deep = await attenuateEnvelope(deep, { issuer: 'job-runner', now: NOW, attenuation: {} }, runner.signer);
    expect(code(() => verify(deep))).toBe(ENVELOPE_CODES.tooDeep);
  });

  test('the attenuation an envelope has is a subset of every ancestor (property)', async () => {
    const all = ['a', 'b', 'c', 'd'];
    const root = await issueEnvelope({ ...BASE, attenuation: { operations: ['a', 'b'] } }, jobs.signer);
    await fc.assert(
      fc.asyncProperty(fc.subarray(all), async (asked) => {
        const child = await attenuateEnvelope(root, { issuer: 'job-runner', now: NOW, attenuation: { operations: asked } }, runner.signer);
        const result = code(() => verify(child));
        expect(result).toBe(asked.every((x) => x === 'a' || x === 'b') ? undefined : ENVELOPE_CODES.widenedScope);
      }),
      { numRuns: 30 },
    );
  });

  test('originator patterns: `*` is any run of characters, nothing else is special', () => {
    expect(matchesPattern('user:*', 'user:jer')).toBe(true);
    expect(matchesPattern('user:*', 'workload:x')).toBe(false);
    expect(matchesPattern('spiffe://acme.dev/*/jobs/*', 'spiffe://acme.dev/eu/jobs/42')).toBe(true);
    expect(matchesPattern('a*b*c', 'abc')).toBe(true);
    expect(matchesPattern('a*b*c', 'acb')).toBe(false);
    expect(matchesPattern('a.c', 'abc')).toBe(false);
    expect(matchesPattern('*', '')).toBe(true);
  });
});
