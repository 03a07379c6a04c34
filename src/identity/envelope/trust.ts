import type { KeyObject } from 'node:crypto';
import { ChainCache } from './cache.js';
import { DEFAULT_ALGORITHMS, ENVELOPE_ALGORITHMS, algorithmsOf, importKey, keyProblem, type DeclaredKey, type EnvelopeAlgorithm } from './keys.js';

/** An `IdentityIssuer` as the policy declares it (the IR's `identityIssuers` entries have this shape). */
export interface TrustedIssuer {
  name: string;
  keys: readonly DeclaredKey[];
  jwksUrl: string | null;
  tenants: readonly string[];
  originators: readonly string[];
  maxLifetimeSeconds: number;
  algorithms: readonly string[];
}

/** Keys an enforcer fetched from issuers' `jwksUrl`, by issuer name (used with the declared ones). */
export type FetchedKeys = Readonly<Record<string, readonly DeclaredKey[]>>;

export interface IssuerEntry {
  issuer: TrustedIssuer;
  keys: ReadonlyMap<string, { key: KeyObject; algorithms: readonly EnvelopeAlgorithm[] }>;
  algorithms: ReadonlySet<EnvelopeAlgorithm>;
  /** Its keys are published only at its `jwksUrl`, and none were fetched yet. */
  awaitingJwks: boolean;
}

/** The issuers with their keys imported once, and the verified-chain cache that belongs to them. */
export interface TrustStore {
  issuers: ReadonlyMap<string, IssuerEntry>;
  cache: ChainCache;
}

const stores = new WeakMap<readonly TrustedIssuer[], WeakMap<FetchedKeys, TrustStore>>();
const NO_FETCHED: FetchedKeys = Object.freeze({});

/**
 * The trust store of an issuer list, built once per list (the IR an enforcer or a replay holds) and
 * per set of fetched keys: a new bundle or a JWKS refresh gets a fresh store and an empty cache.
 */
export function trustStoreOf(issuers: readonly TrustedIssuer[], fetched: FetchedKeys = NO_FETCHED): TrustStore {
  let byFetched = stores.get(issuers);
  if (!byFetched) stores.set(issuers, (byFetched = new WeakMap()));
  let store = byFetched.get(fetched);
  if (!store) byFetched.set(fetched, (store = buildStore(issuers, fetched)));
  return store;
}

function buildStore(issuers: readonly TrustedIssuer[], fetched: FetchedKeys): TrustStore {
  const entries = new Map<string, IssuerEntry>();
  for (const issuer of issuers) {
    if (entries.has(issuer.name)) continue;
    const keys = new Map<string, { key: KeyObject; algorithms: readonly EnvelopeAlgorithm[] }>();
    const wasFetched = Object.prototype.hasOwnProperty.call(fetched, issuer.name);
    const extra = wasFetched ? (fetched[issuer.name] ?? []) : [];
    for (const declared of [...issuer.keys, ...extra]) {
      // A key validation rejected (or a fetched one that is unusable) verifies nothing.
      if (keys.has(declared.kid) || keyProblem(declared) !== null) continue;
      const key = importKey(declared);
      keys.set(declared.kid, { key, algorithms: algorithmsOf(key) });
    }
    const allowed = issuer.algorithms.length === 0 ? DEFAULT_ALGORITHMS : issuer.algorithms;
    const algorithms = new Set(ENVELOPE_ALGORITHMS.filter((a) => allowed.includes(a)));
    entries.set(issuer.name, { issuer, keys, algorithms, awaitingJwks: issuer.jwksUrl !== null && issuer.keys.length === 0 && !wasFetched });
  }
  return { issuers: entries, cache: new ChainCache() };
}
