import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/** Rule ids are unique within a policy: decisions name rules as `<policy>/<id>`. */
export const duplicateRuleId: ValidationRule = {
  name: 'duplicate-rule-id',
  codes: [VALIDATION_CODES.duplicateRuleId],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.policies) {
      const first = new Map<string, number>();
      doc.value.spec.rules.forEach((rule, i) => {
        const earlier = first.get(rule.id);
        if (earlier === undefined) {
          first.set(rule.id, i);
          return;
        }
        const line = doc.locate(['spec', 'rules', earlier, 'id']).line;
        out.push(
          diagnostic(
            VALIDATION_CODES.duplicateRuleId,
            `duplicate rule id \`${rule.id}\` in policy \`${doc.name}\`; the first is on line ${line}`,
            doc.locate(['spec', 'rules', i, 'id']),
            `decisions name rules as \`${doc.name}/<id>\`, so ids must be unique within a policy`,
          ),
        );
      });
    }
    return out;
  },
};
