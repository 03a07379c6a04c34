import { createPublicKey, type KeyObject } from 'node:crypto';
import { BlastguardError } from '../core/errors.js';
import { algorithmFamily, readKeyMaterial, type KeyProblem, type SigningAlgorithm } from '../bundle/index.js';
import { VERIFY_CODES } from './codes.js';

const CREATE = Symbol('VerificationKey');

/**
 * A public key (or HMAC secret) bound to the one algorithm it verifies. The algorithm comes from
 * here — the operator's configuration — and never from a token header. Built by
 * `loadVerificationKey` only.
 */
export class VerificationKey {
  constructor(
    token: typeof CREATE,
    readonly alg: SigningAlgorithm,
    readonly key: KeyObject | Uint8Array,
    /** The scope this key expects when the verification config sets none (OPA's `keys[id].scope`). */
    readonly scope: string | undefined,
  ) {
    if (token !== CREATE) throw new TypeError('use loadVerificationKey() to make a VerificationKey');
  }
}

/**
 * Loads a verification key for `alg`: a PEM public key (SPKI) for RS/PS/ES, the raw secret bytes
 * for HS. A PEM "secret" for HS is refused: that is the RSA-public-key-as-HMAC-secret confusion.
 */
export function loadVerificationKey(
  material: string | Uint8Array,
  alg: SigningAlgorithm,
  options: { scope?: string; source?: string } = {},
): VerificationKey {
  const source = options.source ?? 'verification key';
  const bytes = typeof material === 'string' ? Buffer.from(material, 'utf8') : material;
  if (algorithmFamily(alg) !== 'HS' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(Buffer.from(bytes).toString('latin1'))) {
    throw new BlastguardError(VERIFY_CODES.verificationKey, `${source} is a private key`, {
      help: 'verify with the public key (`verification-key.pem` from `blastguard keygen`); keep the private key with the signer',
    });
  }
  const read = readKeyMaterial(bytes, alg, createPublicKey, 'public key');
  if ('problem' in read) {
    const { kind, message, cause } = read.problem;
    const help: Record<KeyProblem['kind'], string> = {
      pemSecret: 'pass --signing-alg with the algorithm the bundle was signed with (for a public key: RS256, PS256, ES256, …)',
      shortSecret: 'pass the secret file the bundle was signed with (`blastguard keygen --alg HS256` makes one)',
      unreadable: 'pass an spki pem (`-----BEGIN PUBLIC KEY-----`), or a secret file with --signing-alg HS256',
      mismatch: 'pass --signing-alg with the algorithm the bundle was signed with',
    };
    throw new BlastguardError(VERIFY_CODES.verificationKey, `${source} ${message}`, { help: help[kind], ...(cause === undefined ? {} : { cause }) });
  }
  return new VerificationKey(CREATE, alg, read.key, options.scope);
}
