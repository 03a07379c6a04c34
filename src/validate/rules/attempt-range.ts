import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/** `attempt: { min: 3, max: 2 }` holds for no call, so the rule is dead code. */
export const attemptRange: ValidationRule = {
  name: 'attempt-range',
  codes: ['BG059'],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.policies) {
      doc.value.spec.rules.forEach((rule, r) => {
        const attempt = rule.match?.attempt;
        if (attempt?.min === undefined || attempt.max === undefined || attempt.min <= attempt.max) return;
        out.push(
          diagnostic(
            'BG059',
            `rule \`${rule.id}\` can never match: \`attempt.min\` ${attempt.min} is greater than \`attempt.max\` ${attempt.max}`,
            doc.locate(['spec', 'rules', r, 'match', 'attempt', 'min']),
            'bounds are inclusive; swap them or drop one',
          ),
        );
      });
    }
    return out;
  },
};
