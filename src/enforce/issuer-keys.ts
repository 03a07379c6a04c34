import type { FetchedKeys, IssuerPublicKey } from '../extract/index.js';
import type { IrIdentityIssuer } from '../ir/types.js';

/** What one refresh of the issuers' JWKS did, issuer by issuer. */
export interface IssuerKeysRefresh {
  fetched: string[];
  failed: { issuer: string; message: string }[];
}

export interface IssuerKeyStoreOptions {
  /** Injected by tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  /** Per request. Default 5 s. */
  timeoutMs?: number;
}

const MAX_JWKS_BYTES = 256 * 1024;

/**
 * The public keys `IdentityIssuer`s publish at their `jwksUrl`, for `decideRequest`
 * (`createEnforcer({ issuerKeys })`). `refresh` fetches every issuer's JWKS; an issuer whose fetch
 * fails keeps its last good keys. Each refresh that changes anything hands out a new object, which
 * starts a new verified-chain cache (a rotated-out key stops verifying at once).
 */
export class IssuerKeyStore {
  private keys: FetchedKeys = Object.freeze({});
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: IssuerKeyStoreOptions = {}) {
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  current(): FetchedKeys {
    return this.keys;
  }

  async refresh(issuers: readonly IrIdentityIssuer[]): Promise<IssuerKeysRefresh> {
    const next: Record<string, readonly IssuerPublicKey[]> = { ...this.keys };
    const result: IssuerKeysRefresh = { fetched: [], failed: [] };
    for (const issuer of issuers) {
      if (issuer.jwksUrl === null) continue;
      try {
        next[issuer.name] = await this.fetchJwks(issuer.jwksUrl);
        result.fetched.push(issuer.name);
      } catch (e) {
        result.failed.push({ issuer: issuer.name, message: e instanceof Error ? e.message : String(e) });
      }
    }
    if (result.fetched.length > 0) this.keys = Object.freeze(next);
    return result;
  }

  private async fetchJwks(url: string): Promise<IssuerPublicKey[]> {
    const response = await this.fetchImpl(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/jwk-set+json, application/json' }, redirect: 'error' });
    if (!response.ok) throw new Error(`jwks \`${url}\` answered ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error(`jwks \`${url}\` is larger than ${MAX_JWKS_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`jwks \`${url}\` is not json`);
    }
    const keys = typeof body === 'object' && body !== null && Array.isArray((body as { keys?: unknown }).keys) ? ((body as { keys: unknown[] }).keys) : null;
    if (keys === null) throw new Error(`jwks \`${url}\` has no \`keys\` list`);
    // Only public signing keys with a key id; unusable ones are skipped when the trust store imports them.
    return keys.flatMap((k): IssuerPublicKey[] => {
      if (typeof k !== 'object' || k === null) return [];
      const jwk = k as Record<string, unknown>;
      if (typeof jwk.kid !== 'string' || 'd' in jwk || (jwk.use !== undefined && jwk.use !== 'sig')) return [];
      return [{ kid: jwk.kid, pem: null, jwk }];
    });
  }
}
