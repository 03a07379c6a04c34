import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { LoadedDocument } from '../../load/types.js';
import { placeOf } from '../context.js';
import type { ValidationRule } from '../context.js';

/**
 * A resource id is listed once per API, across all its `Inventory` documents: two entries could
 * put one resource in two environments, and which one an enforcer believed would depend on file
 * order. For an API whose ids ignore case (`resourceIds.caseInsensitive`), ids that differ only
 * in case are the same resource.
 */
export const duplicateInventoryId: ValidationRule = {
  name: 'duplicate-inventory-id',
  codes: [VALIDATION_CODES.duplicateInventoryId],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    const first = new Map<string, { doc: LoadedDocument<'Inventory'>; index: number }>();
    for (const doc of set.inventories ?? []) {
      const api = doc.value.spec.api;
      const caseless = apis.get(api)?.value.spec.resourceIds?.caseInsensitive === true;
      doc.value.spec.resources.forEach((resource, index) => {
        const key = `${api}\u0000${caseless ? resource.id.toLowerCase() : resource.id}`;
        const earlier = first.get(key);
        if (!earlier) {
          first.set(key, { doc, index });
          return;
        }
        const path = ['spec', 'resources', index, 'id'];
        out.push(
          diagnostic(
            VALIDATION_CODES.duplicateInventoryId,
            `resource \`${resource.id}\` of api \`${api}\` is already listed at ${placeOf(earlier.doc, ['spec', 'resources', earlier.index, 'id'])}${caseless ? ' (ids of this api ignore case)' : ''}`,
            doc.locate(path),
            'list each resource once; merge the two entries',
          ),
        );
      });
    }
    return out;
  },
};
