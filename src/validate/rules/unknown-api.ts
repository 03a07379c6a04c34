import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { didYouMean, listCode } from '../../diagnostics/suggest.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { isRejected } from '../context.js';
import type { ValidationRule } from '../context.js';

/** `spec.api` of a Policy, Token or Inventory must name a declared `Api` (an invalid one is reported where it is). */
export const unknownApi: ValidationRule = {
  name: 'unknown-api',
  codes: [VALIDATION_CODES.undeclaredApi],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    const names = [...apis.keys()];
    for (const doc of [...set.policies, ...set.tokens, ...(set.inventories ?? [])]) {
      const api = doc.value.spec.api;
      if (apis.has(api) || isRejected(set, 'Api', api)) continue;
      out.push(
        diagnostic(
          VALIDATION_CODES.undeclaredApi,
          `${doc.kind.toLowerCase()} \`${doc.name}\` refers to api \`${api}\`, which no \`Api\` declares`,
          doc.locate(['spec', 'api']),
          didYouMean(api, names) ??
            (names.length > 0 ? `declared apis: ${listCode(names)}` : 'declare it in an `Api` document (conventionally under `policies/apis/`)'),
        ),
      );
    }
    return out;
  },
};
