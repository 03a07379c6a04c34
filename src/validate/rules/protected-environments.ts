import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { didYouMean, listCode } from '../../diagnostics/suggest.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/**
 * A call with an unknown environment is evaluated in `protectedEnvironments[0]`; that only works
 * when every protected environment is one of the API's environments.
 */
export const protectedEnvironments: ValidationRule = {
  name: 'protected-environments',
  codes: [VALIDATION_CODES.undeclaredProtectedEnvironment],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.apis) {
      const declared = doc.value.spec.environments;
      doc.value.spec.protectedEnvironments.forEach((env, i) => {
        if (declared.includes(env)) return;
        out.push(
          diagnostic(
            VALIDATION_CODES.undeclaredProtectedEnvironment,
            `protected environment \`${env}\` is not in \`spec.environments\` of api \`${doc.name}\``,
            doc.locate(['spec', 'protectedEnvironments', i]),
            didYouMean(env, declared) ?? `add it to \`spec.environments\` (now ${listCode(declared)})`,
          ),
        );
      });
    }
    return out;
  },
};
