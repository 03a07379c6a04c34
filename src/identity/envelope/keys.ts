import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** The JWS algorithms an envelope may be signed with. `none`, HMAC (a shared secret) and RSA never are. */
export const ENVELOPE_ALGORITHMS = ['ES256', 'ES384', 'EdDSA'] as const;
export type EnvelopeAlgorithm = (typeof ENVELOPE_ALGORITHMS)[number];
export const DEFAULT_ALGORITHMS: readonly EnvelopeAlgorithm[] = ['ES256', 'EdDSA'];

/** One public key of an issuer as the policy declares it: exactly one of `pem` and `jwk`. */
export interface DeclaredKey {
  kid: string;
  pem: string | null;
  jwk: Readonly<Record<string, unknown>> | null;
}

/** Why a declared key cannot be used, or null. Private key material is refused outright. */
export function keyProblem(key: DeclaredKey): string | null {
  if ((key.pem === null) === (key.jwk === null)) return 'give exactly one of `pem` and `jwk`';
  if (key.pem !== null && /PRIVATE KEY/.test(key.pem)) return 'is a private key; only the public key belongs in the policy';
  if (key.jwk !== null && 'd' in key.jwk) return 'is a private jwk (it has `d`); only the public key belongs in the policy';
  try {
    const object = importKey(key);
    return algorithmsOf(object).length === 0 ? 'is neither an EC P-256/P-384 nor an Ed25519 key' : null;
  } catch (e) {
    return `cannot be read as a public key (${e instanceof Error ? e.message.toLowerCase() : 'unknown error'})`;
  }
}

/** The key object of a declared public key (synchronous: node's own parser, no async import). */
export function importKey(key: DeclaredKey): KeyObject {
  if (key.pem !== null) return createPublicKey(key.pem);
  return createPublicKey({ key: key.jwk as JsonWebKey, format: 'jwk' });
}

/** The algorithms a key can verify: the curve decides. */
export function algorithmsOf(key: KeyObject): EnvelopeAlgorithm[] {
  if (key.asymmetricKeyType === 'ed25519') return ['EdDSA'];
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return ['ES256'];
    if (curve === 'secp384r1') return ['ES384'];
  }
  return [];
}
