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
