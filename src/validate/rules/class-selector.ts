import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { catalog, operationSelectors } from '../context.js';
import type { OperationClass, ValidationRule } from '../context.js';

/** A `class:` selector with no catalog operation of that class only ever matches uncatalogued calls. */
export const classSelector: ValidationRule = {
  name: 'class-selector',
  codes: [VALIDATION_CODES.emptyClassSelector],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    for (const site of operationSelectors(set)) {
      if (!site.selector.startsWith('class:')) continue;
      const api = apis.get(site.api);
      if (!api) continue;
      const cls = site.selector.slice('class:'.length);
      if ([...catalog(api.value).values()].includes(cls as OperationClass)) continue;
      out.push(
        diagnostic(
          VALIDATION_CODES.emptyClassSelector,
          `\`${site.selector}\` matches no operation in the catalog of api \`${site.api}\``,
          site.doc.locate(site.path),
          `it only matches operations missing from the catalog that are classified as ${cls} by name; list the ${cls} operations in the Api or remove the selector`,
        ),
      );
    }
    return out;
  },
};
