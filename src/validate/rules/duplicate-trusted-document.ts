import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { escape } from '../../core/untrusted.js';
import type { ValidationRule } from '../context.js';
import { manifestSites } from '../manifests.js';

/** An id listed twice could name two bodies: which one a server keeps is its own choice. */
export const duplicateTrustedDocument: ValidationRule = {
  name: 'duplicate-trusted-document',
  codes: [VALIDATION_CODES.duplicateTrustedDocument],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const site of manifestSites(set)) {
      if (site.reading === null || !('operations' in site.reading)) continue;
      const first = new Map<string, number>();
      site.reading.operations.forEach((op, i) => {
        const seen = first.get(op.id);
        if (seen === undefined) {
          first.set(op.id, i);
          return;
        }
        out.push(
          diagnostic(
            VALIDATION_CODES.duplicateTrustedDocument,
            `trusted-documents manifest \`${site.file}\` lists id \`${escape(op.id.slice(0, 80))}\` at \`operations[${seen}]\` and \`operations[${i}]\``,
            site.locate(['operations', i, 'id']),
            'keep one entry per id',
          ),
        );
      });
    }
    return out;
  },
};
