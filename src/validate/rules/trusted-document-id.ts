import { createHash } from 'node:crypto';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { escape } from '../../core/untrusted.js';
import type { ValidationRule } from '../context.js';
import { manifestSites } from '../manifests.js';

/**
 * Each `id` is the sha256 hex of its `body` (UTF-8): clients send that hash (Apollo's
 * `sha256Hash`, `documentId: "sha256:…"`), so an id that is not it would expand a request to a
 * document other than the one the client hashed.
 */
export const trustedDocumentId: ValidationRule = {
  name: 'trusted-document-id',
  codes: [VALIDATION_CODES.trustedDocumentId],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const site of manifestSites(set)) {
      if (site.reading === null || !('operations' in site.reading)) continue;
      site.reading.operations.forEach((op, i) => {
        const hash = createHash('sha256').update(op.body, 'utf8').digest('hex');
        if (op.id === hash) return;
        out.push(
          diagnostic(
            VALIDATION_CODES.trustedDocumentId,
            `trusted document \`operations[${i}]\` (\`${escape(op.name)}\`) of \`${site.file}\` has id \`${escape(op.id.slice(0, 80))}\`, not the sha256 of its body \`${hash}\``,
            site.locate(['operations', i, 'id']),
            'regenerate the manifest; ids are the lowercase sha256 hex of the body text',
          ),
        );
      });
    }
    return out;
  },
};
