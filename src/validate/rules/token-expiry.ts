import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { parseTimestamp } from '../context.js';
import type { ValidationRule } from '../context.js';

export const EXPIRY_WARNING_DAYS = 14;
const DAY = 24 * 60 * 60 * 1000;

/**
 * An expired token is denied on every call, so declaring one is a mistake; one expiring soon
 * deserves a heads-up so that its rotation is planned rather than discovered.
 */
export const tokenExpiry: ValidationRule = {
  name: 'token-expiry',
  codes: [VALIDATION_CODES.tokenExpired, VALIDATION_CODES.tokenExpiresSoon],
  check({ set, now }) {
    const out: Diagnostic[] = [];
    for (const doc of set.tokens) {
      const expires = doc.value.spec.expires;
      if (expires === undefined) continue;
      const at = parseTimestamp(expires);
      if (at === undefined) continue;
      const left = at - now.getTime();
      if (left <= 0) {
        out.push(
          diagnostic(
            VALIDATION_CODES.tokenExpired,
            `token \`${doc.name}\` expired at ${expires}`,
            doc.locate(['spec', 'expires']),
            'every call with it is denied: rotate the credential and declare the new fingerprint and expiry',
          ),
        );
      } else if (left < EXPIRY_WARNING_DAYS * DAY) {
        const days = Math.ceil(left / DAY);
        out.push(
          diagnostic(
            VALIDATION_CODES.tokenExpiresSoon,
            `token \`${doc.name}\` expires in ${days} ${days === 1 ? 'day' : 'days'} (${expires})`,
            doc.locate(['spec', 'expires']),
            'plan its rotation: after that time every call with it is denied',
          ),
        );
      }
    }
    return out;
  },
};
