import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';
import { manifestSites } from '../manifests.js';

/** The manifest must be Apollo's persisted-query manifest, version 1: the only format the enforcer reads. */
export const trustedDocumentsFormat: ValidationRule = {
  name: 'trusted-documents-format',
  codes: [VALIDATION_CODES.trustedDocumentsFormat],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const site of manifestSites(set)) {
      if (site.reading === null || !('shape' in site.reading)) continue;
      out.push(
        diagnostic(
          VALIDATION_CODES.trustedDocumentsFormat,
          `trusted-documents manifest \`${site.file}\` of api \`${site.api.name}\` ${site.reading.shape}`,
          site.locate(site.reading.path),
          'use apollo\'s format: {"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name", "type", "body"}]}',
        ),
      );
    }
    return out;
  },
};
