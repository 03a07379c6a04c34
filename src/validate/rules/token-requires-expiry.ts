import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/** Long-lived credentials caused the incident this tool exists for: expiry is required by default. */
export const tokenRequiresExpiry: ValidationRule = {
  name: 'token-requires-expiry',
  codes: [VALIDATION_CODES.tokenWithoutExpiry],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    for (const doc of set.tokens) {
      if (doc.value.spec.expires !== undefined) continue;
      const api = apis.get(doc.value.spec.api);
      if (api?.value.spec.tokens?.requireExpiry === false) continue;
      out.push(
        diagnostic(
          VALIDATION_CODES.tokenWithoutExpiry,
          `token \`${doc.name}\` has no \`expires\``,
          doc.locate(['spec', 'expires']),
          api
            ? `add \`expires:\` (e.g. \`2027-01-31T00:00:00Z\`), or set \`tokens.requireExpiry: false\` in api \`${api.name}\``
            : 'add `expires:` (e.g. `2027-01-31T00:00:00Z`)',
        ),
      );
    }
    return out;
  },
};
