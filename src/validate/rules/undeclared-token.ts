import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { didYouMean, listCode } from '../../diagnostics/suggest.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { isRejected } from '../context.js';
import type { ValidationRule } from '../context.js';

/**
 * `match.tokens` names Tokens: an undeclared name can never match (error); a token of another API
 * can never be used on this API's calls (warning).
 */
export const undeclaredToken: ValidationRule = {
  name: 'undeclared-token',
  codes: [VALIDATION_CODES.undeclaredToken, VALIDATION_CODES.tokenOfAnotherApi],
  check({ set, tokens }) {
    const out: Diagnostic[] = [];
    for (const doc of set.policies) {
      const apiName = doc.value.spec.api;
      doc.value.spec.rules.forEach((rule, r) => {
        rule.match?.tokens?.forEach((name, i) => {
          const at = doc.locate(['spec', 'rules', r, 'match', 'tokens', i]);
          const token = tokens.get(name);
          if (!token) {
            if (isRejected(set, 'Token', name)) return;
            const sameApi = [...tokens.values()].filter((t) => t.value.spec.api === apiName).map((t) => t.name);
            out.push(
              diagnostic(
                VALIDATION_CODES.undeclaredToken,
                `rule \`${rule.id}\` names token \`${name}\`, which no \`Token\` declares`,
                at,
                didYouMean(name, sameApi) ??
                  (sameApi.length > 0 ? `tokens of api \`${apiName}\`: ${listCode(sameApi)}` : `declare it in a \`Token\` for api \`${apiName}\``),
              ),
            );
          } else if (token.value.spec.api !== apiName) {
            out.push(
              diagnostic(
                VALIDATION_CODES.tokenOfAnotherApi,
                `token \`${name}\` belongs to api \`${token.value.spec.api}\`, so it never matches calls to api \`${apiName}\``,
                at,
              ),
            );
          }
        });
      });
    }
    return out;
  },
};
