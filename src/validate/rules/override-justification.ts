import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { parseTimestamp } from '../context.js';
import type { ValidationRule } from '../context.js';

/**
 * Flipping the panic flag must say why and until when, so that it is reviewed and does not
 * silently outlive the incident; an expired one no longer applies, which is worth pointing out.
 */
export const overrideJustification: ValidationRule = {
  name: 'override-justification',
  codes: [VALIDATION_CODES.overrideWithoutJustification, VALIDATION_CODES.overrideExpired],
  check({ set, now }) {
    const out: Diagnostic[] = [];
    for (const doc of set.overrides) {
      const { enforcement, reason, expires } = doc.value.spec;
      if (enforcement === 'normal') continue;
      const missing = [reason === undefined || reason.trim() === '' ? '`reason`' : undefined, expires === undefined ? '`expires`' : undefined].filter(
        (m): m is string => m !== undefined,
      );
      if (missing.length > 0) {
        out.push(
          diagnostic(
            VALIDATION_CODES.overrideWithoutJustification,
            `enforcement \`${enforcement}\` needs ${missing.join(' and ')}`,
            doc.locate(['spec', 'enforcement']),
            'say why enforcement is changed and when it returns to normal, e.g. `reason: incident 123` and `expires: 2027-01-31T00:00:00Z`',
          ),
        );
      }
      const at = expires === undefined ? undefined : parseTimestamp(expires);
      if (at !== undefined && at <= now.getTime()) {
        out.push(
          diagnostic(
            VALIDATION_CODES.overrideExpired,
            `override \`${enforcement}\` expired at ${expires ?? ''}; enforcement is back to \`normal\``,
            doc.locate(['spec', 'expires']),
            'set `enforcement: normal` or extend `expires`',
          ),
        );
      }
    }
    return out;
  },
};
