import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { LoadedDocument } from '../../load/types.js';
import { allDocuments, placeOf } from '../context.js';
import type { ValidationRule } from '../context.js';

/** `metadata.name` is unique per kind: decisions, tokens and policies are referred to by it. */
export const duplicateName: ValidationRule = {
  name: 'duplicate-name',
  codes: [VALIDATION_CODES.duplicateName],
  check({ set }) {
    const out: Diagnostic[] = [];
    const first = new Map<string, LoadedDocument>();
    for (const doc of allDocuments(set)) {
      const key = `${doc.kind}/${doc.name}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, doc);
        continue;
      }
      out.push(
        diagnostic(
          VALIDATION_CODES.duplicateName,
          `duplicate ${doc.kind} name \`${doc.name}\`; it is already declared at ${placeOf(earlier, ['metadata', 'name'])}`,
          doc.locate(['metadata', 'name']),
          `rename one of them: names are unique per kind`,
        ),
      );
    }
    return out;
  },
};
