import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { LoadedDocument } from '../../load/types.js';
import { placeOf } from '../context.js';
import type { ValidationRule } from '../context.js';

/** One credential, one Token: a fingerprint (or a family prefix) declared twice would make its grants ambiguous. */
export const duplicateFingerprint: ValidationRule = {
  name: 'duplicate-fingerprint',
  codes: [VALIDATION_CODES.duplicateFingerprint],
  check({ set }) {
    const out: Diagnostic[] = [];
    const first = new Map<string, LoadedDocument<'Token'>>();
    for (const doc of set.tokens) {
      const { fingerprint, family } = doc.value.spec;
      const fp = fingerprint !== undefined ? fingerprint.toLowerCase() : family !== undefined ? `${doc.value.spec.api}\u0000${family.prefix}` : undefined;
      if (fp === undefined) continue;
      const path = fingerprint !== undefined ? ['spec', 'fingerprint'] : ['spec', 'family', 'prefix'];
      const earlier = first.get(fp);
      if (!earlier) {
        first.set(fp, doc);
        continue;
      }
      out.push(
        diagnostic(
          VALIDATION_CODES.duplicateFingerprint,
          `token \`${doc.name}\` has the same ${fingerprint !== undefined ? 'fingerprint' : 'family prefix'} as token \`${earlier.name}\` (${placeOf(earlier, path)})`,
          doc.locate(path),
          'declare each credential once and put all of its grants in that Token',
        ),
      );
    }
    return out;
  },
};
