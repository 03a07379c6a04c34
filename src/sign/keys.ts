import { createPrivateKey, type KeyObject } from 'node:crypto';
import { BlastguardError } from '../core/errors.js';
import { readKeyMaterial, type KeyProblem, type SigningAlgorithm } from '../bundle/index.js';
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
  const read = readKeyMaterial(bytes, alg, createPrivateKey, 'private key');
  if ('problem' in read) {
    const { kind, message, cause } = read.problem;
    const help: Record<KeyProblem['kind'], string> = {
      pemSecret: 'use a random secret (`blastguard keygen --alg HS256`) or an asymmetric algorithm with --signing-alg',
      shortSecret: `generate one with \`blastguard keygen --alg ${alg} --out DIR\``,
      unreadable: 'pass an unencrypted PKCS#8, PKCS#1 or SEC1 pem private key; the public key goes to `blastguard verify`',
      mismatch: 'pick the matching --signing-alg or generate a key with `blastguard keygen`',
    };
    const code = kind === 'pemSecret' || kind === 'shortSecret' ? BUNDLE_CODES.hmacSecret : BUNDLE_CODES.signingKey;
    throw new BlastguardError(code, `${source} ${message}`, { help: help[kind], ...(cause === undefined ? {} : { cause }) });
  }
  return new SigningKey(CREATE, alg, read.key);
}
