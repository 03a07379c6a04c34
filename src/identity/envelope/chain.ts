import { escape } from '../../core/untrusted.js';
import { createHash } from 'node:crypto';
import { ENVELOPE_CODES } from '../codes.js';
import { decodeEnvelope, type Attenuation, type DecodedEnvelope } from './claims.js';
import { refuse } from './error.js';
import type { EnvelopeAlgorithm } from './keys.js';
import { matchesAny } from './pattern.js';
import { verifySignature } from './signature.js';
import type { TrustStore } from './trust.js';

/** Levels one chain may have: the issued envelope and at most three attenuations of it. */
export const MAX_CHAIN_DEPTH = 4;
/** How far the enforcer's clock may be from the issuer's. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** A chain whose signatures, issuers and narrowing checked out; time and the call are checked per call. */
export interface VerifiedChain {
  /** `sha256:` of the leaf envelope text: what the cache and the logs know it by. */
  hash: string;
  originator: string;
  tenant: string;
  causation?: string;
  txn: string;
  /** Root first. */
  issuers: string[];
  /** What the call may still be: each dimension from the deepest level that lists it. */
  scope: Attenuation;
  /** Every level's `aud`: the call's api must be each of them. */
  audiences: string[];
  /** The latest `iat` and the earliest `exp` of all levels. */
  iat: number;
  exp: number;
}

export interface CallScope {
  /** The api called (its catalog name) and the hosts it is reached at: what an `aud` may name. */
  api?: { name: string; hosts: readonly string[] };
  operation: string;
  environment?: string | null;
  resource?: string | null;
}

/** How an attenuation names its parent: the base64url SHA-256 of the parent's compact JWS. */
export function parentHash(compact: string): string {
  return createHash('sha256').update(compact).digest('base64url');
}

export function envelopeHash(compact: string): string {
  return `sha256:${createHash('sha256').update(compact).digest('hex')}`;
}

/**
 * The verified chain of an envelope at `nowSeconds`: from the cache when this text was verified
 * before and has not expired, else decoded and checked in full. Throws `EnvelopeError`.
 */
export function verifyEnvelope(compact: string, store: TrustStore, nowSeconds: number): VerifiedChain {
  const hash = envelopeHash(compact);
  let chain = store.cache.get(hash, nowSeconds, MAX_CLOCK_SKEW_SECONDS);
  if (chain === undefined) {
    chain = verifyChain(compact, hash, store);
    store.cache.set(hash, chain);
  }
  checkTime(chain, nowSeconds);
  return chain;
}

/** Signatures, trust and narrowing: everything about a chain that does not depend on the time or the call. */
export function verifyChain(compact: string, hash: string, store: TrustStore): VerifiedChain {
  const levels = decodeChain(compact);
  levels.forEach((level, i) => checkLevel(level, store, i === 0));
  const root = levels[0]!;
  const scope: Attenuation = { ...root.claims.azd };
  let iat = root.claims.iat;
  let exp = root.claims.exp;
  for (let i = 1; i < levels.length; i++) {
    const parent = levels[i - 1]!.claims;
    const child = levels[i]!.claims;
    if (child.sub !== parent.sub || child.txn !== parent.txn || child.tctx.tenant !== parent.tctx.tenant || child.tctx.causation !== parent.tctx.causation) {
      refuse(ENVELOPE_CODES.changedIdentity, `the attenuation by \`${child.iss}\` changes the originator, tenant, causation or transaction of its parent`);
    }
    if (child.exp > parent.exp) refuse(ENVELOPE_CODES.widenedLifetime, `the attenuation by \`${child.iss}\` expires after its parent`);
    for (const dim of ['operations', 'environments', 'resources'] as const) {
      const asked = child.azd?.[dim];
      if (asked === undefined) continue;
      const allowed = scope[dim];
      const extra = allowed === undefined ? [] : asked.filter((x) => !allowed.includes(x));
      if (extra.length > 0) refuse(ENVELOPE_CODES.widenedScope, `the attenuation by \`${child.iss}\` asks for ${dim} \`${extra.join('`, `')}\` its parent does not allow`);
      scope[dim] = [...asked];
    }
    iat = Math.max(iat, child.iat);
    exp = Math.min(exp, child.exp);
  }
  const leaf = levels[levels.length - 1]!.claims;
  return {
    hash,
    originator: leaf.sub,
    tenant: leaf.tctx.tenant,
    ...(leaf.tctx.causation === undefined ? {} : { causation: leaf.tctx.causation }),
    txn: leaf.txn,
    issuers: levels.map((l) => l.claims.iss),
    audiences: levels.flatMap((l) => (l.claims.aud === undefined ? [] : [l.claims.aud])),
    scope,
    iat,
    exp,
  };
}

/** The levels of a chain, root first, each parent the one its child names by hash. */
function decodeChain(compact: string): DecodedEnvelope[] {
  const levels: DecodedEnvelope[] = [];
  let text = compact;
  for (;;) {
    if (levels.length === MAX_CHAIN_DEPTH) refuse(ENVELOPE_CODES.tooDeep, `the envelope chain has more than ${MAX_CHAIN_DEPTH} levels`);
    const level = decodeEnvelope(text);
    levels.unshift(level);
    const parent = level.claims.parent;
    if (parent === undefined) return levels;
    if (parentHash(parent.txn_token) !== parent.sha256) {
      refuse(ENVELOPE_CODES.parentMismatch, `the attenuation by \`${level.claims.iss}\` does not embed the parent its hash names`);
    }
    text = parent.txn_token;
  }
}

/**
 * One level's signature and issuer. The root asserts the originator and the tenant, so its issuer
 * must be trusted for both; an attenuating hop only narrows what it inherits, so its issuer needs
 * the tenant alone (a hop of one tenant never wraps another's envelopes).
 */
function checkLevel(level: DecodedEnvelope, store: TrustStore, root: boolean): void {
  const { header, claims } = level;
  const entry = store.issuers.get(claims.iss);
  if (entry === undefined) refuse(ENVELOPE_CODES.unknownIssuer, `issuer \`${claims.iss}\` is not a declared IdentityIssuer`);
  const key = entry.keys.get(header.kid);
  if (key === undefined) {
    if (entry.awaitingJwks) {
      refuse(ENVELOPE_CODES.keysUnavailable, `the keys of issuer \`${claims.iss}\` are published at its jwksUrl and have not been fetched`);
    }
    refuse(ENVELOPE_CODES.unknownKey, `key \`${header.kid}\` is not a key of issuer \`${claims.iss}\``);
  }
  const alg = header.alg as EnvelopeAlgorithm;
  if (!entry.algorithms.has(alg) || !key.algorithms.includes(alg)) {
    refuse(ENVELOPE_CODES.algorithm, `algorithm \`${header.alg}\` is not allowed for key \`${header.kid}\` of issuer \`${claims.iss}\``);
  }
  if (!verifySignature(alg, key.key, level.signingInput, level.signature)) {
    refuse(ENVELOPE_CODES.badSignature, `the signature of the envelope by \`${claims.iss}\` (key \`${header.kid}\`) does not verify`);
  }
  if (claims.exp - claims.iat > entry.issuer.maxLifetimeSeconds) {
    refuse(ENVELOPE_CODES.lifetime, `issuer \`${claims.iss}\` signed an envelope living ${claims.exp - claims.iat} s, more than its ${entry.issuer.maxLifetimeSeconds} s`);
  }
  if (!matchesAny(entry.issuer.tenants, claims.tctx.tenant)) {
    refuse(ENVELOPE_CODES.tenant, `issuer \`${claims.iss}\` may not assert tenant \`${claims.tctx.tenant}\``);
  }
  if (root && !matchesAny(entry.issuer.originators, claims.sub)) {
    refuse(ENVELOPE_CODES.originator, `issuer \`${claims.iss}\` may not assert originator \`${claims.sub}\``);
  }
}

function checkTime(chain: VerifiedChain, nowSeconds: number): void {
  if (nowSeconds > chain.exp + MAX_CLOCK_SKEW_SECONDS) {
    refuse(ENVELOPE_CODES.expired, `the envelope expired at ${new Date(chain.exp * 1000).toISOString()}`);
  }
  if (chain.iat > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
    refuse(ENVELOPE_CODES.notYetValid, `the envelope is issued at ${new Date(chain.iat * 1000).toISOString()}, in the future`);
  }
}

/** Refuses a call outside any level's attenuation: every level must allow its operation, environment and resource. */
export function checkCall(chain: VerifiedChain, call: CallScope): void {
  // An envelope minted for one service is not a pass to another: `aud` names the api (by catalog
  // name, host or `https://host`), and every level that sets one must name the api called.
  for (const aud of chain.audiences) {
    const api = call.api;
    const names = api === undefined ? [] : [api.name, ...api.hosts.flatMap((h) => [h.toLowerCase(), `https://${h.toLowerCase()}`])];
    if (!names.includes(aud.replace(/\/+$/, '').toLowerCase()) && !names.includes(aud)) {
      refuse(ENVELOPE_CODES.outsideScope, `the envelope's audience \`${escape(aud, 64)}\` is not the api called${api === undefined ? '' : ` (\`${api.name}\`)`}`);
    }
  }
  const { operations, environments, resources } = chain.scope;
  if (operations !== undefined && !operations.includes(call.operation)) {
    refuse(ENVELOPE_CODES.outsideScope, `operation \`${call.operation}\` is not among the envelope's operations`);
  }
  if (environments !== undefined && (call.environment == null || !environments.includes(call.environment))) {
    refuse(ENVELOPE_CODES.outsideScope, `environment \`${call.environment ?? 'unknown'}\` is not among the envelope's environments`);
  }
  if (resources !== undefined && (call.resource == null || !resources.includes(call.resource))) {
    refuse(ENVELOPE_CODES.outsideScope, `resource \`${call.resource ?? 'unknown'}\` is not among the envelope's resources`);
  }
}
