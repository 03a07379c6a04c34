import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { looksLikeCredential, looksLikeTokenValue, maskSecret } from '../../core/credentials.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

export const FINGERPRINT_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const FINGERPRINT_HELP =
  'a fingerprint is `sha256:` followed by the 64 lowercase hex digits of the token\'s SHA-256: `printf %s "$TOKEN" | sha256sum`';
export const RAW_TOKEN_FINGERPRINT_HELP =
  'this looks like the token itself: revoke it and declare its sha256 fingerprint (`printf %s "$TOKEN" | sha256sum`): the value is now in your history';

/** Fingerprints must be exactly what enforcers compute, or the token can never be recognised. */
export const fingerprintFormat: ValidationRule = {
  name: 'fingerprint-format',
  codes: [VALIDATION_CODES.malformedFingerprint],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.tokens) {
      const fp = doc.value.spec.fingerprint;
      if (fp === undefined) continue;
      // A raw token in this field is reported (masked) by raw-credential; do not echo it here.
      if (FINGERPRINT_PATTERN.test(fp) || looksLikeCredential(fp)) continue;
      if (looksLikeTokenValue(fp)) {
        out.push(
          diagnostic(
            VALIDATION_CODES.malformedFingerprint,
            `fingerprint of token \`${doc.name}\` is \`${maskSecret(fp)}\`, not \`sha256:\` and 64 hex digits`,
            doc.locate(['spec', 'fingerprint']),
            RAW_TOKEN_FINGERPRINT_HELP,
          ),
        );
        continue;
      }
      const what = /^sha256:[0-9a-fA-F]{64}$/.test(fp)
        ? 'uses uppercase hex digits'
        : fp.startsWith('sha256:')
          ? `has ${fp.length - 7} characters after \`sha256:\`, not 64 hex digits`
          : 'does not start with `sha256:`';
      out.push(diagnostic(VALIDATION_CODES.malformedFingerprint, `fingerprint of token \`${doc.name}\` ${what}`, doc.locate(['spec', 'fingerprint']), FINGERPRINT_HELP));
    }
    return out;
  },
};
