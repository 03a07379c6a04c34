import { DEFAULT_SIGNING_ALGORITHM, parseSigningAlgorithm, type SigningAlgorithm } from '../bundle/index.js';
import { loadSigningKey, type SigningOptions } from '../sign/index.js';
import { asUsage } from './errors.js';
import { BUNDLE_CODES } from '../bundle/codes.js';

/** A signing key as a value: the caller reads it from wherever it lives (a file, an Action secret) and passes it in. */
export interface SigningInput {
  /** The PEM private key (RS/PS/ES) or HMAC secret (HS), as bytes. */
  key: Uint8Array;
  /** How messages name the key, e.g. ``signing key `keys/signing-key.pem` ``; never the key itself. */
  source: string;
  /** RS256 (default) … HS512. */
  alg?: string;
  keyId?: string;
  scope?: string;
  /** Extra JWT claims (`opa build --claims-file`). */
  claims?: Record<string, unknown>;
}

/** The signing algorithm named by an option (default RS256); an unsupported one is a usage error (BG250). */
export function signingAlgorithm(alg: string | undefined): SigningAlgorithm {
  return asUsage(() => parseSigningAlgorithm(alg ?? DEFAULT_SIGNING_ALGORITHM, BUNDLE_CODES.unsupportedSigningAlgorithm));
}

/** Loads the key for its algorithm (an unsupported algorithm is a usage error, BG250) and applies OPA's key-id default. */
export function signingOptions(input: SigningInput): SigningOptions {
  const key = loadSigningKey(input.key, signingAlgorithm(input.alg), input.source);
  // `opa build` signs with key id `default` unless a claims file is given; we do the same.
  const keyId = input.keyId ?? (input.claims === undefined ? 'default' : undefined);
  return { key, keyId, scope: input.scope, claims: input.claims };
}
