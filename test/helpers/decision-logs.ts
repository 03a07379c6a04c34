/**
 * A week of decision logs with a known mix, decided by the real bundle of the example policies:
 * - ci-bot deploys to staging with `staging-deploy` every 30 minutes (allow), using 4 of its 8 granted operations;
 * - alice manages domains with `ci-domains`: creates in production (allow), deletes in staging
 *   (would-deny under railway-staging/destructive-in-staging: a legitimate shadow hit, so that rule is noisy);
 * - a sandbox tenant updates production domains without an originator (would-deny under
 *   railway-production/production-writes-need-originator, and only from it: a promotion candidate);
 * - the runaway agent `agent-7` deletes 15 domains in staging and production within 3 minutes (a burst).
 */
import { buildEvent, type DecisionEvent } from '../../src/enforce/event.js';
import type { Decision, DecisionInput } from '../../src/ir/types.js';

export const CI_DOMAINS = 'sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e';
export const STAGING_DEPLOY = 'sha256:a9feae219679d3b7f901187b4cf01f381a5ee43e1715315afe89b9f82e147eb0';
export const WEEK_START = Date.parse('2026-11-23T00:00:00Z');
export const BURST_START = Date.parse('2026-11-26T03:12:00Z');
const HOUR = 3_600_000;

/** Deterministic PRNG (mulberry32) so a generated week is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Call {
  timeMs: number;
  operation: string;
  environment: string;
  token: string;
  originator?: string;
  tenant?: string;
  resource: string;
  kind: string;
}

function input(c: Call): DecisionInput {
  return {
    api: 'railway',
    operation: { name: c.operation, type: 'mutation' },
    resource: { kind: c.kind, id: c.resource, environment: c.environment, project: 'pocketos' },
    token: { fingerprint: c.token },
    identity: { originator: c.originator ?? null, tenant: c.tenant ?? null },
    attempt: 1,
    time: new Date(c.timeMs).toISOString(),
  };
}

/** The week's calls, in time order; `start` moves the whole week (the burst keeps its offset). */
export function weekOfCalls(start = WEEK_START): Call[] {
  const shift = start - WEEK_START;
  return fixedWeek().map((c) => ({ ...c, timeMs: c.timeMs + shift }));
}

function fixedWeek(): Call[] {
  const calls: Call[] = [];
  const deploys = ['serviceInstanceDeploy', 'deploymentRedeploy', 'variableUpsert', 'serviceInstanceRedeploy'];
  for (let t = WEEK_START, i = 0; t < WEEK_START + 7 * 24 * HOUR; t += HOUR / 2, i++) {
    calls.push({ timeMs: t + 60_000, operation: deploys[i % deploys.length]!, environment: 'staging', token: STAGING_DEPLOY, originator: 'ci-bot', resource: 'svc-web', kind: 'service' });
  }
  for (let t = WEEK_START, i = 0; t < WEEK_START + 7 * 24 * HOUR; t += 6 * HOUR, i++) {
    calls.push({ timeMs: t + 7 * 60_000, operation: 'customDomainCreate', environment: 'production', token: CI_DOMAINS, originator: 'alice', resource: `dom-a${i}`, kind: 'customDomain' });
    calls.push({ timeMs: t + 9 * 60_000, operation: 'customDomainDelete', environment: 'staging', token: CI_DOMAINS, originator: 'alice', resource: `dom-s${i}`, kind: 'customDomain' });
  }
  for (let i = 0; i < 20; i++) {
    calls.push({ timeMs: WEEK_START + i * 8 * HOUR + 13 * 60_000, operation: 'customDomainUpdate', environment: 'production', token: CI_DOMAINS, tenant: 'sandbox', resource: `dom-x${i}`, kind: 'customDomain' });
  }
  for (let i = 0; i < 15; i++) {
    const op = i % 3 === 2 ? 'serviceDomainDelete' : 'customDomainDelete';
    calls.push({ timeMs: BURST_START + i * 12_000, operation: op, environment: i % 2 === 0 ? 'staging' : 'production', token: CI_DOMAINS, originator: 'agent-7', resource: `dom-r${i}`, kind: op === 'serviceDomainDelete' ? 'serviceDomain' : 'customDomain' });
  }
  return calls.sort((a, b) => a.timeMs - b.timeMs);
}

/** Decides every call with `decide` and builds the enforcer's events (OPA EventV1) for them. */
export function weekOfEvents(decide: (input: DecisionInput) => Decision, start = WEEK_START): DecisionEvent[] {
  return weekOfCalls(start).map((call) => {
    const event = buildEvent(
      { input: input(call), result: decide(input(call)), bundle: { name: 'blastguard', revision: 'rev-1' }, timeMs: call.timeMs, durationNs: 41_000 },
      { id: 'enforcer-1', version: '0.1.0' },
    );
    return event;
  });
}
