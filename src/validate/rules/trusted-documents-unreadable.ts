import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';
import { manifestSites } from '../manifests.js';

/** A manifest the enforcer would carry must exist inside the policy directory and be JSON. */
export const trustedDocumentsUnreadable: ValidationRule = {
  name: 'trusted-documents-unreadable',
  codes: [VALIDATION_CODES.trustedDocumentsUnreadable],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const site of manifestSites(set)) {
      if (site.problem !== null) {
        out.push(
          diagnostic(
            VALIDATION_CODES.trustedDocumentsUnreadable,
            `api \`${site.api.name}\` names the trusted-documents manifest \`${site.file}\`, which ${site.problem}`,
            site.at,
            'the path is relative to the file declaring the api and must stay inside the policy directory',
          ),
        );
      } else if (site.reading !== null && 'syntax' in site.reading) {
        const { line, column, reason } = site.reading.syntax;
        out.push(
          diagnostic(
            VALIDATION_CODES.trustedDocumentsUnreadable,
            `trusted-documents manifest of api \`${site.api.name}\` is not json: ${reason}`,
            { file: site.file, line, column, endLine: line, endColumn: column + 1 },
            'write the manifest your graphql client generates (e.g. `npx generate-persisted-query-manifest`)',
          ),
        );
      }
    }
    return out;
  },
};
