import { verify, type KeyObject } from 'node:crypto';
import type { EnvelopeAlgorithm } from './keys.js';

/**
 * Verifies a JWS signature synchronously with node:crypto. Extraction is synchronous and pure, and
 * only three algorithms are allowed, each one call into OpenSSL, so the envelope is checked where
 * the call is read (no second async pass over the request). Issuing uses `jose`; the tests check
 * this verifier against `jose.compactVerify`.
 */
export function verifySignature(alg: EnvelopeAlgorithm, key: KeyObject, signingInput: string, signature: Buffer): boolean {
  const data = Buffer.from(signingInput, 'ascii');
  try {
    switch (alg) {
      case 'EdDSA':
        return signature.length === 64 && verify(null, data, key, signature);
      case 'ES256':
        // JWS carries ECDSA signatures as r‖s (IEEE P1363), not DER.
        return signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'ES384':
        return signature.length === 96 && verify('sha384', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
  } catch {
    // A key of another type than the algorithm (validated away, but never trusted): not a signature.
    return false;
  }
}
