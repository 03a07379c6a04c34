import { MAX_ATTEMPT } from '../../core/attempt.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { Rule, ValidationRule } from '../context.js';

/** Whether a rule's `attempt` condition holds for no valid input. */
export function attemptNeverHolds(rule: Rule): boolean {
  const attempt = rule.match?.attempt;
  if (attempt === undefined) return false;
  return (attempt.min !== undefined && attempt.min > MAX_ATTEMPT) || (attempt.min !== undefined && attempt.max !== undefined && attempt.min > attempt.max);
}

/**
 * `attempt: { min: 3, max: 2 }` holds for no call, and neither does a `min` above the largest
 * attempt an input may carry (a larger `attempt` fails the input check): the rule is dead code.
 */
export const attemptRange: ValidationRule = {
  name: 'attempt-range',
  codes: [VALIDATION_CODES.attemptNeverMatches],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.policies) {
      doc.value.spec.rules.forEach((rule, r) => {
        const attempt = rule.match?.attempt;
        if (attempt?.min !== undefined && attempt.min > MAX_ATTEMPT) {
          out.push(
            diagnostic(
              VALIDATION_CODES.attemptNeverMatches,
              `rule \`${rule.id}\` can never match: \`attempt.min\` ${attempt.min} is above ${MAX_ATTEMPT}, the largest attempt an input may carry`,
              doc.locate(['spec', 'rules', r, 'match', 'attempt', 'min']),
              `a call with a larger \`attempt\` fails the input check and is denied as \`input:invalid\`; lower \`min\` or remove the rule`,
            ),
          );
          return;
        }
        if (attempt?.min === undefined || attempt.max === undefined || attempt.min <= attempt.max) return;
        out.push(
          diagnostic(
            VALIDATION_CODES.attemptNeverMatches,
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
