import type { KeyObject } from 'node:crypto';
import { BlastguardError } from '../core/errors.js';

/** The JWS algorithms OPA accepts for bundle signatures (`none` is not one of them). */
export const SIGNING_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
] as const;

export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'RS256';

export function isSigningAlgorithm(alg: string): alg is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(alg);
}

export function algorithmFamily(alg: SigningAlgorithm): 'RS' | 'PS' | 'ES' | 'HS' {
  return alg.slice(0, 2) as 'RS' | 'PS' | 'ES' | 'HS';
}

/** Digest size in bytes; also the least HMAC secret length RFC 7518 §3.2 allows. */
export function algorithmHashBytes(alg: SigningAlgorithm): number {
  return Number(alg.slice(2)) / 8;
}

const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const CURVE_NAMES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/**
 * Parses an algorithm name given by a user, with `code` for the error (signing and verification
 * each report under their own range).
 */
export function parseSigningAlgorithm(name: string, code: string): SigningAlgorithm {
  const upper = name.toUpperCase();
  if (!isSigningAlgorithm(upper)) {
    throw new BlastguardError(code, `unsupported signing algorithm \`${name}\``, {
      help: `use one of ${SIGNING_ALGORITHMS.join(', ')}`,
    });
  }
  return upper;
}

/**
 * Checks that an asymmetric key can be used with `alg` (RSA for RS/PS with at least 2048 bits,
 * the matching curve for ES). Returns a problem description, or null when the key fits.
 */
export function keyMismatch(key: KeyObject, alg: SigningAlgorithm): string | null {
  const family = algorithmFamily(alg);
  const type = key.asymmetricKeyType;
  if (family === 'RS' || family === 'PS') {
    if (type !== 'rsa' && !(family === 'PS' && type === 'rsa-pss')) return `${alg} needs an rsa key, got ${type ?? 'a symmetric key'}`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) return `${alg} needs an rsa key of at least 2048 bits, got ${bits}`;
    return null;
  }
  if (family === 'ES') {
    if (type !== 'ec') return `${alg} needs an ec key on ${CURVE_NAMES[alg]}, got ${type ?? 'a symmetric key'}`;
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== CURVES[alg]) return `${alg} needs an ec key on ${CURVE_NAMES[alg]}, got curve ${curve ?? 'unknown'}`;
    return null;
  }
  return `${alg} uses a shared secret, not a key pair`;
}

/** Whether bytes look like PEM: an HMAC "secret" that is a PEM file is the classic alg-confusion key. */
export function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 4096)).toString('latin1').includes('-----BEGIN ');
}

/** Why key material cannot be used for an algorithm; `message` follows the material's name. */
export interface KeyProblem {
  /** A PEM key as an HMAC secret (the public-key-as-secret confusion), a secret shorter than the digest (RFC 2104 §3), no PEM key, or a key of another type or size. */
  kind: 'pemSecret' | 'shortSecret' | 'unreadable' | 'mismatch';
  message: string;
  cause?: unknown;
}

/**
 * Key material read for `alg` the way OPA reads it: the raw bytes for HS, a PEM key read by `read`
 * (`createPrivateKey` to sign, `createPublicKey` to verify) for RS/PS/ES, checked against `alg`.
 * Signer and verifier give each problem their own code and help.
 */
export function readKeyMaterial(
  bytes: Uint8Array,
  alg: SigningAlgorithm,
  read: (input: { key: Buffer; format: 'pem' }) => KeyObject,
  pemKind: string,
): { key: KeyObject | Uint8Array } | { problem: KeyProblem } {
  if (algorithmFamily(alg) === 'HS') {
    if (looksLikePem(bytes)) return { problem: { kind: 'pemSecret', message: `is a pem key, but ${alg} needs a shared secret` } };
    const min = algorithmHashBytes(alg);
    if (bytes.length < min) return { problem: { kind: 'shortSecret', message: `is ${bytes.length} bytes; ${alg} needs a secret of at least ${min} bytes` } };
    return { key: Uint8Array.from(bytes) };
  }
  let key: KeyObject;
  try {
    key = read({ key: Buffer.from(bytes), format: 'pem' });
  } catch (e) {
    return { problem: { kind: 'unreadable', message: `is not a pem ${pemKind}`, cause: e } };
  }
  const mismatch = keyMismatch(key, alg);
  return mismatch === null ? { key } : { problem: { kind: 'mismatch', message: `does not fit the algorithm: ${mismatch}` } };
}
