import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { placeOf } from '../context.js';
import type { ValidationRule } from '../context.js';

/** There is one panic flag; two would make it unclear which one is in effect. */
export const singleOverrides: ValidationRule = {
  name: 'single-overrides',
  codes: [VALIDATION_CODES.severalOverrides],
  check({ set }) {
    const [first, ...rest] = set.overrides;
    if (!first) return [];
    return rest.map(
      (doc): Diagnostic =>
        diagnostic(
          VALIDATION_CODES.severalOverrides,
          `more than one \`Overrides\` document; the first is at ${placeOf(first, ['kind'])}`,
          doc.locate(['kind']),
          'keep a single `Overrides` document (conventionally `policies/overrides.yaml`)',
        ),
    );
  },
};
