import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { DEFAULT_ALGORITHMS, algorithmsOf, importKey, keyProblem } from '../../identity/index.js';
import type { ValidationRule } from '../context.js';

/**
 * An issuer's keys are what the enforcer trusts: each must be a public EC P-256/P-384 or Ed25519
 * key (never private material, which would then sit in Git and in every bundle), usable with an
 * algorithm the issuer allows, under a `kid` of its own.
 */
export const identityIssuerKeys: ValidationRule = {
  name: 'identity-issuer-keys',
  codes: [VALIDATION_CODES.issuerKey, VALIDATION_CODES.issuerPrivateKey, VALIDATION_CODES.issuerKeyAlgorithm, VALIDATION_CODES.issuerDuplicateKid, VALIDATION_CODES.issuerWithoutKeys],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.identityIssuers ?? []) {
      const spec = doc.value.spec;
      if ((spec.keys ?? []).length === 0 && spec.jwksUrl === undefined) {
        out.push(diagnostic(VALIDATION_CODES.issuerWithoutKeys, `identity issuer \`${doc.name}\` has neither \`keys\` nor \`jwksUrl\``, doc.locate(['spec']), 'list its public keys under `keys:`, or give the `jwksUrl` enforcers fetch them from'));
        continue;
      }
      const allowed = spec.algorithms ?? DEFAULT_ALGORITHMS;
      const seen = new Set<string>();
      (spec.keys ?? []).forEach((k, i) => {
        const declared = { kid: k.kid, pem: k.pem ?? null, jwk: k.jwk === undefined ? null : (k.jwk as Record<string, unknown>) };
        if (seen.has(k.kid)) {
          out.push(diagnostic(VALIDATION_CODES.issuerDuplicateKid, `identity issuer \`${doc.name}\` declares key id \`${k.kid}\` twice`, doc.locate(['spec', 'keys', i, 'kid']), 'give every key its own `kid`: envelopes name their key by it'));
        }
        seen.add(k.kid);
        const problem = keyProblem(declared);
        if (problem !== null) {
          const isPrivate = problem.includes('private');
          out.push(
            diagnostic(
              isPrivate ? VALIDATION_CODES.issuerPrivateKey : VALIDATION_CODES.issuerKey,
              `key \`${k.kid}\` of identity issuer \`${doc.name}\` ${problem}`,
              doc.locate(['spec', 'keys', i, k.pem !== undefined ? 'pem' : 'jwk']),
              isPrivate ? 'put the public key here (`openssl pkey -pubout`) and keep the private key with the issuer, rotated now' : 'give an SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or a public JWK of an EC P-256/P-384 or Ed25519 key',
            ),
          );
          return;
        }
        const algs = algorithmsOf(importKey(declared));
        if (!algs.some((a) => allowed.includes(a))) {
          out.push(
            diagnostic(
              VALIDATION_CODES.issuerKeyAlgorithm,
              `key \`${k.kid}\` of identity issuer \`${doc.name}\` signs with \`${algs.join('`, `')}\`, which the issuer does not allow`,
              doc.locate(['spec', 'keys', i]),
              `add \`${algs[0] ?? 'EdDSA'}\` to \`algorithms\`, or replace the key`,
            ),
          );
        }
      });
    }
    return out;
  },
};
