import { isRecord } from '../../core/record.js';
import { ENVELOPE_CODES } from '../codes.js';
import { refuse } from './error.js';

/** The JWS `typ` of an identity envelope: the Transaction Token media type (draft-ietf-oauth-transaction-tokens). */
export const ENVELOPE_TYP = 'txntoken+jwt';

/** What a hop may still ask for. An absent list does not restrict; a list restricts to its members. */
export interface Attenuation {
  operations?: string[];
  environments?: string[];
  resources?: string[];
}

/** The transaction context (`tctx`): who the transaction is for, and what caused it. Never changes along a chain. */
export interface TransactionContext {
  tenant: string;
  /** The W3C `traceparent` at issuance. */
  causation?: string;
}

/** The claims of one envelope (the JWS payload). Names follow Transaction Tokens where they fit (see README). */
export interface EnvelopeClaims {
  /** The `IdentityIssuer` that signed this level. */
  iss: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  /** This envelope's unique id. */
  jti: string;
  /** The transaction id: the same on every level of a chain and on every retry. */
  txn: string;
  /** The originator: who asked for the transaction. */
  sub: string;
  aud?: string;
  tctx: TransactionContext;
  /** The requester context: which workload asked for this level (`req_wl`). */
  rctx?: { req_wl?: string };
  purp?: string;
  /** Authorization details: the attenuation this level imposes. */
  azd?: Attenuation;
  /** The parent of an attenuation: its compact JWS, and that text's SHA-256 (base64url). */
  parent?: { txn_token: string; sha256: string };
}

export interface EnvelopeHeader {
  alg: string;
  kid: string;
  typ: string;
}

/** One compact JWS split and decoded; the signature is kept as bytes only to verify. */
export interface DecodedEnvelope {
  compact: string;
  header: EnvelopeHeader;
  claims: EnvelopeClaims;
  signingInput: string;
  signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
/** Header parameters that point at keys, or demand understanding: the trust anchors are the policy's, never the token's. */
const FORBIDDEN_HEADER = ['jku', 'jwk', 'x5u', 'x5c', 'crit', 'b64', 'zip'];
/** Longest envelope text read at all (a four-level chain of small claims is far below it). */
export const MAX_ENVELOPE_CHARS = 16384;

export function decodeEnvelope(compact: string): DecodedEnvelope {
  if (compact.length > MAX_ENVELOPE_CHARS) refuse(ENVELOPE_CODES.malformed, `the envelope is longer than ${MAX_ENVELOPE_CHARS} characters`);
  const parts = compact.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p)) || parts[0] === '' || parts[1] === '' || parts[2] === '') {
    refuse(ENVELOPE_CODES.malformed, 'the envelope is not a compact JWS (three base64url parts)');
  }
  const [h, p, s] = parts as [string, string, string];
  const header = json(h, 'header');
  const claims = json(p, 'payload');
  for (const name of FORBIDDEN_HEADER) {
    if (name in header) refuse(ENVELOPE_CODES.malformed, `the envelope header has \`${name}\`, which is never accepted`);
  }
  if (typeof header.alg !== 'string') refuse(ENVELOPE_CODES.malformed, 'the envelope header has no `alg`');
  if (typeof header.kid !== 'string' || header.kid === '') refuse(ENVELOPE_CODES.malformed, 'the envelope header has no `kid`');
  if (header.typ !== ENVELOPE_TYP) refuse(ENVELOPE_CODES.malformed, `the envelope header \`typ\` must be \`${ENVELOPE_TYP}\``);
  return {
    compact,
    header: { alg: header.alg, kid: header.kid, typ: header.typ },
    claims: checkClaims(claims),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

function json(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return refuse(ENVELOPE_CODES.malformed, `the envelope ${what} is not json`);
  }
  if (!isRecord(value)) refuse(ENVELOPE_CODES.malformed, `the envelope ${what} is not a json object`);
  return value;
}

function str(claims: Record<string, unknown>, name: string): string {
  const v = claims[name];
  if (typeof v !== 'string' || v === '') refuse(ENVELOPE_CODES.malformed, `the envelope claim \`${name}\` must be a non-empty string`);
  return v;
}

function seconds(claims: Record<string, unknown>, name: string): number {
  const v = claims[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) refuse(ENVELOPE_CODES.malformed, `the envelope claim \`${name}\` must be whole seconds since the epoch`);
  return v;
}

function list(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((x): x is string => typeof x === 'string' && x !== '')) {
    refuse(ENVELOPE_CODES.malformed, `the envelope claim \`azd.${name}\` must be a list of non-empty strings`);
  }
  return value;
}

function checkClaims(c: Record<string, unknown>): EnvelopeClaims {
  const claims: EnvelopeClaims = {
    iss: str(c, 'iss'),
    iat: seconds(c, 'iat'),
    exp: seconds(c, 'exp'),
    jti: str(c, 'jti'),
    txn: str(c, 'txn'),
    sub: str(c, 'sub'),
    tctx: { tenant: '' },
  };
  if (claims.exp <= claims.iat) refuse(ENVELOPE_CODES.malformed, 'the envelope expires before it is issued');
  if (!isRecord(c.tctx)) refuse(ENVELOPE_CODES.malformed, 'the envelope claim `tctx` must be an object');
  claims.tctx.tenant = str(c.tctx, 'tenant');
  if (c.tctx.causation !== undefined) claims.tctx.causation = str(c.tctx, 'causation');
  if (c.aud !== undefined) claims.aud = str(c, 'aud');
  if (c.purp !== undefined) claims.purp = str(c, 'purp');
  if (c.rctx !== undefined) {
    if (!isRecord(c.rctx)) refuse(ENVELOPE_CODES.malformed, 'the envelope claim `rctx` must be an object');
    claims.rctx = c.rctx.req_wl === undefined ? {} : { req_wl: str(c.rctx, 'req_wl') };
  }
  if (c.azd !== undefined) {
    if (!isRecord(c.azd)) refuse(ENVELOPE_CODES.malformed, 'the envelope claim `azd` must be an object');
    const azd: Attenuation = {};
    for (const dim of ['operations', 'environments', 'resources'] as const) {
      if (c.azd[dim] !== undefined) azd[dim] = list(c.azd[dim], dim);
    }
    claims.azd = azd;
  }
  if (c.parent !== undefined) {
    if (!isRecord(c.parent)) refuse(ENVELOPE_CODES.malformed, 'the envelope claim `parent` must be an object');
    claims.parent = { txn_token: str(c.parent, 'txn_token'), sha256: str(c.parent, 'sha256') };
  }
  return claims;
}
