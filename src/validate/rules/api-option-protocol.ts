import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/** Protocols whose bodies the proxy can read as JSON when they are labelled as a form. */
const JSON_BODIES = new Set(['graphql', 'http', 'rest-json']);

/** An Api option its protocol never reads would look enforced and do nothing. */
export const apiOptionProtocol: ValidationRule = {
  name: 'api-option-protocol',
  codes: [VALIDATION_CODES.apiOptionProtocol],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const api of set.apis) {
      const { protocol, trustedDocuments, http } = api.value.spec;
      if (trustedDocuments !== undefined && protocol !== 'graphql') {
        out.push(
          diagnostic(
            VALIDATION_CODES.apiOptionProtocol,
            `api \`${api.name}\` declares \`trustedDocuments\`, which only a \`graphql\` api reads (its protocol is \`${protocol}\`)`,
            api.locate(['spec', 'trustedDocuments'], 'key'),
            'remove `trustedDocuments`',
          ),
        );
      }
      if (http?.jsonLabelledAsForm !== undefined && !JSON_BODIES.has(protocol)) {
        out.push(
          diagnostic(
            VALIDATION_CODES.apiOptionProtocol,
            `api \`${api.name}\` declares \`http.jsonLabelledAsForm\`, which only graphql, http and rest-json apis read (its protocol is \`${protocol}\`)`,
            api.locate(['spec', 'http', 'jsonLabelledAsForm'], 'key'),
            'remove `http.jsonLabelledAsForm`',
          ),
        );
      }
    }
    return out;
  },
};
