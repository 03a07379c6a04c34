// The identity-envelope section of `npm run bench`: what verifying a `Txn-Token` chain costs per
// call, with the issuers' keys imported once (the trust store), cold (every signature checked)
// and through the verified-chain cache, for ES256 and EdDSA, one and two levels; next to `jose`
// (async) as the reference, and beside the extraction and decision of the same call.
import { compactVerify } from 'jose';
import path from 'node:path';
import { extractDecisionInputs, type HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { attenuateEnvelope, checkCall, envelopeHash, issueEnvelope, trustStoreOf, verifyChain, verifyEnvelope, type TrustedIssuer } from '../../src/identity/index.js';
import { buildIr } from '../../src/ir/build.js';
import { loadPolicySet } from '../../src/load/index.js';
import { testIssuer, testKey, type TestKey } from '../helpers/envelope.js';

const NOW = new Date('2026-04-24T18:00:00Z');
const T = NOW.getTime() / 1000;

/** Median µs per call over `samples` batches of `batch` calls. */
function perCall(fn: () => unknown, batch = 2000, samples = 9): number {
  for (let i = 0; i < batch; i++) fn();
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    out.push(((performance.now() - t0) * 1000) / batch);
  }
  out.sort((a, b) => a - b);
  return out[Math.floor(out.length / 2)]!;
}

async function perCallAsync(fn: () => Promise<unknown>, batch = 500, samples = 7): Promise<number> {
  for (let i = 0; i < batch; i++) await fn();
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    out.push(((performance.now() - t0) * 1000) / batch);
  }
  out.sort((a, b) => a - b);
  return out[Math.floor(out.length / 2)]!;
}

async function chainOf(root: TestKey, hop: TestKey, levels: 1 | 2): Promise<string> {
  const token = await issueEnvelope({ issuer: 'jobs', originator: 'user:jer', tenant: 'pocketos', lifetimeSeconds: 3600, now: NOW }, root.signer);
  if (levels === 1) return token;
  return attenuateEnvelope(token, { issuer: 'runner', now: NOW, attenuation: { operations: ['serviceInstanceRedeploy'], environments: ['production'] } }, hop.signer);
}

/** Markdown lines for the bench output. */
export async function benchEnvelope(root: string): Promise<string[]> {
  const rows: string[] = [];
  for (const [label, type] of [['EdDSA', 'ed25519'], ['ES256', 'p256']] as const) {
    const jobs = testKey('jobs-1', type);
    const runner = testKey('runner-1', type);
    const issuers: TrustedIssuer[] = [testIssuer('jobs', [jobs]), testIssuer('runner', [runner], { originators: ['*'] })];
    const store = trustStoreOf(issuers);
    for (const levels of [1, 2] as const) {
      const token = await chainOf(jobs, runner, levels);
      const hash = envelopeHash(token);
      const cold = perCall(() => verifyChain(token, hash, store), 500);
      const cached = perCall(() => checkCall(verifyEnvelope(token, store, T), { operation: 'serviceInstanceRedeploy', environment: 'production' }));
      // jose verifies one JWS at a time; a chain is one compactVerify per level (claims checks not included).
      const parts = levels === 1 ? [[token, jobs]] as const : [[token, runner], [JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).parent.txn_token as string, jobs]] as const;
      const jose = await perCallAsync(async () => {
        for (const [t, k] of parts) await compactVerify(t, k.publicKey);
      });
      rows.push(`| ${label} | ${levels} | ${token.length} | ${cold.toFixed(1)} | ${cached.toFixed(2)} | ${jose.toFixed(1)} |`);
    }
  }

  // Beside the decision: one production redeploy through extraction and the reference evaluator.
  const { set } = await loadPolicySet(path.join(root, 'policies'), { cwd: root });
  const jobs = testKey('acme-jobs-bench');
  const ir = buildIr(set);
  ir.identityIssuers = [testIssuer('acme-jobs', [jobs])];
  const envelope = await issueEnvelope({ issuer: 'acme-jobs', originator: 'user:jer', tenant: 'pocketos', lifetimeSeconds: 3600, now: NOW }, jobs.signer);
  const request = (headers: Record<string, string>): HttpRequest => ({
    method: 'POST',
    url: 'https://backboard.railway.com/graphql/v2',
    headers: { 'content-type': 'application/json', 'project-access-token': 'fake-railway-production-deploy-project-token', ...headers },
    body: JSON.stringify({ query: 'mutation { serviceInstanceRedeploy(environmentId: "env-prod", serviceId: "svc") }' }),
  });
  const inventory = { environments: { 'env-prod': 'production' } };
  const time = '2026-04-24T18:01:00Z';
  const withEnvelope = request({ 'Txn-Token': envelope });
  const withBaggage = request({ baggage: 'originator=user%3Ajer,tenant=pocketos' });
  const extractEnvelope = perCall(() => extractDecisionInputs(withEnvelope, ir, { time, inventory }));
  const extractBaggage = perCall(() => extractDecisionInputs(withBaggage, ir, { time, inventory }));
  const [op] = extractDecisionInputs(withEnvelope, ir, { time, inventory });
  const decide = perCall(() => evaluate(ir, op!.input));
  return [
    'Identity envelope (`Txn-Token`) verification, µs per call (median), issuer keys imported once:',
    '',
    '| alg | levels | envelope chars | cold: decode + signatures + trust | cached (hash → chain, time and call checks) | jose compactVerify per level (reference, async) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Beside the decision (one production \`serviceInstanceRedeploy\`, example repository): extraction with a cached envelope ${extractEnvelope.toFixed(1)} µs, with baggage only ${extractBaggage.toFixed(1)} µs; the decision (reference evaluator) ${decide.toFixed(1)} µs. Goal: ≤ 50 µs per call for a two-level chain with the cache.`,
    '',
  ];
}
