import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { durationSeconds } from '../../core/duration.js';
import type { ValidationRule } from '../context.js';

const MAX_SECONDS = 24 * 3600;

/** An envelope is a bearer proof carried through retries: it must be short-lived, a day at most. */
export const identityIssuerLifetime: ValidationRule = {
  name: 'identity-issuer-lifetime',
  codes: [VALIDATION_CODES.issuerLifetime],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.identityIssuers ?? []) {
      const lifetime = doc.value.spec.maxLifetime;
      if ((durationSeconds(lifetime) ?? 0) <= MAX_SECONDS) continue;
      out.push(
        diagnostic(
          VALIDATION_CODES.issuerLifetime,
          `identity issuer \`${doc.name}\` has \`maxLifetime\` \`${lifetime}\`, longer than 24h`,
          doc.locate(['spec', 'maxLifetime'], 'value'),
          'keep envelopes short-lived (minutes to hours): a retry re-sends the same envelope, a new job gets a new one',
        ),
      );
    }
    return out;
  },
};
