import { createPrivateKey, type KeyObject } from 'node:crypto';
import { BlastguardError } from '../core/errors.js';
import { algorithmFamily, algorithmHashBytes, keyMismatch, looksLikePem, type SigningAlgorithm } from '../bundle/index.js';
import { BUNDLE_CODES } from '../bundle/codes.js';

/**
 * A private key (or HMAC secret) bound to the one algorithm it signs with. Built only by
 * `loadSigningKey`, so a key that does not fit its algorithm never reaches the signer.
 */
const CREATE = Symbol('SigningKey');

export class SigningKey {
  constructor(
    token: typeof CREATE,
    readonly alg: SigningAlgorithm,
    readonly key: KeyObject | Uint8Array,
  ) {
    if (token !== CREATE) throw new TypeError('use loadSigningKey() to make a SigningKey');
  }
}

/**
 * Loads a signing key for `alg`: a PEM private key (PKCS#8, PKCS#1 or SEC1) for RS/PS/ES, or the
 * raw bytes of an HMAC secret for HS (as OPA uses them: the file's bytes, unchanged). `source`
 * names where it came from in errors; the key itself is never printed.
 */
export function loadSigningKey(material: string | Uint8Array, alg: SigningAlgorithm, source = 'signing key'): SigningKey {
  const bytes = typeof material === 'string' ? Buffer.from(material, 'utf8') : material;
  if (algorithmFamily(alg) === 'HS') {
    if (looksLikePem(bytes)) {
      throw new BlastguardError(BUNDLE_CODES.hmacSecret, `${source} is a pem key, but ${alg} needs a shared secret`, {
        help: 'use a random secret (`blastguard keygen --alg HS256`) or an asymmetric algorithm with --signing-alg',
      });
    }
    const min = algorithmHashBytes(alg);
    if (bytes.length < min) {
      throw new BlastguardError(BUNDLE_CODES.hmacSecret, `${source} is ${bytes.length} bytes; ${alg} needs a secret of at least ${min} bytes`, {
        help: `generate one with \`blastguard keygen --alg ${alg} --out DIR\``,
      });
    }
    return new SigningKey(CREATE, alg, Uint8Array.from(bytes));
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(bytes), format: 'pem' });
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.signingKey, `${source} is not a pem private key`, {
      help: 'pass an unencrypted PKCS#8, PKCS#1 or SEC1 pem private key; the public key goes to `blastguard verify`',
      cause: e,
    });
  }
  const problem = keyMismatch(key, alg);
  if (problem !== null) {
    throw new BlastguardError(BUNDLE_CODES.signingKey, `${source} does not fit the algorithm: ${problem}`, {
      help: 'pick the matching --signing-alg or generate a key with `blastguard keygen`',
    });
  }
  return new SigningKey(CREATE, alg, key);
}
