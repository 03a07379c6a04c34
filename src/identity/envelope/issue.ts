import { randomUUID, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { ENVELOPE_CODES } from '../codes.js';
import { ENVELOPE_TYP, decodeEnvelope, type Attenuation, type EnvelopeClaims } from './claims.js';
import { parentHash } from './chain.js';
import { refuse } from './error.js';
import { algorithmsOf, type EnvelopeAlgorithm } from './keys.js';

/** The key a hop signs with: a private key object and the `kid` its issuer declares for the public half. */
export interface SigningKey {
  key: KeyObject;
  kid: string;
  /** Required only for keys that could sign with several algorithms (none today: the curve decides). */
  alg?: EnvelopeAlgorithm;
}

export interface IssueOptions {
  /** The `IdentityIssuer` name (`iss`). */
  issuer: string;
  originator: string;
  tenant: string;
  /** The `traceparent` at issuance. */
  causation?: string;
  lifetimeSeconds: number;
  /** Issuance time; defaults to now. */
  now?: Date;
  /** The transaction id; a fresh UUID by default. */
  txn?: string;
  audience?: string;
  purpose?: string;
  workload?: string;
  attenuation?: Attenuation;
}

export interface AttenuateOptions {
  /** The hop's `IdentityIssuer` name. */
  issuer: string;
  /** Shorter than what is left of the parent's lifetime, or the parent's expiry is kept. */
  lifetimeSeconds?: number;
  now?: Date;
  workload?: string;
  attenuation: Attenuation;
}

/** Signs a new envelope (Transaction Token style compact JWS) with `jose`. */
export async function issueEnvelope(options: IssueOptions, signer: SigningKey): Promise<string> {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: EnvelopeClaims = {
    iss: options.issuer,
    iat,
    exp: iat + options.lifetimeSeconds,
    jti: randomUUID(),
    txn: options.txn ?? randomUUID(),
    sub: options.originator,
    ...(options.audience === undefined ? {} : { aud: options.audience }),
    tctx: { tenant: options.tenant, ...(options.causation === undefined ? {} : { causation: options.causation }) },
    ...(options.workload === undefined ? {} : { rctx: { req_wl: options.workload } }),
    ...(options.purpose === undefined ? {} : { purp: options.purpose }),
    ...(options.attenuation === undefined ? {} : { azd: options.attenuation }),
  };
  return sign(claims, signer);
}

/**
 * Wraps `parent` in a narrower envelope signed by the hop's own key: same originator, tenant,
 * causation and transaction, the parent embedded and named by hash. The enforcer refuses it if it
 * asks for more than the parent (or outlives it); this function does not check the parent's signature.
 */
export async function attenuateEnvelope(parent: string, options: AttenuateOptions, signer: SigningKey): Promise<string> {
  const { claims: p } = decodeEnvelope(parent);
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = options.lifetimeSeconds === undefined ? p.exp : Math.min(p.exp, iat + options.lifetimeSeconds);
  const claims: EnvelopeClaims = {
    iss: options.issuer,
    iat,
    exp,
    jti: randomUUID(),
    txn: p.txn,
    sub: p.sub,
    ...(p.aud === undefined ? {} : { aud: p.aud }),
    tctx: { ...p.tctx },
    ...(options.workload === undefined ? {} : { rctx: { req_wl: options.workload } }),
    azd: options.attenuation,
    parent: { txn_token: parent, sha256: parentHash(parent) },
  };
  return sign(claims, signer);
}

async function sign(claims: EnvelopeClaims, signer: SigningKey): Promise<string> {
  const algs = algorithmsOf(signer.key);
  const alg = signer.alg ?? algs[0];
  if (alg === undefined || !algs.includes(alg)) refuse(ENVELOPE_CODES.keyFile, 'the signing key is neither an EC P-256/P-384 nor an Ed25519 private key');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg, kid: signer.kid, typ: ENVELOPE_TYP }).sign(signer.key);
}
