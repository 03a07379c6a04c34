import { classifyOperationName } from '../../core/classify.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { catalog, isClosedCatalog, operationSelectors } from '../context.js';
import type { ValidationRule } from '../context.js';

/**
 * An operation named in a rule or grant that the API catalog does not list is legal (it is
 * classified by name at decision time) but is usually a typo, so warn and say what it becomes.
 * In a closed catalog (an `http` API, whose calls are always its routes) it can never be called:
 * the rule or grant is dead, so that is an error, or CI stays green with a deny that never applies.
 */
export const unknownOperation: ValidationRule = {
  name: 'unknown-operation',
  codes: [VALIDATION_CODES.unknownOperation, VALIDATION_CODES.unknownClosedOperation],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    for (const site of operationSelectors(set)) {
      const { selector } = site;
      if (selector === '*' || selector.startsWith('class:')) continue;
      const api = apis.get(site.api);
      if (!api) continue;
      const operations = catalog(api.value);
      if (operations.has(selector)) continue;
      if (isClosedCatalog(api.value)) {
        out.push(
          diagnostic(
            VALIDATION_CODES.unknownClosedOperation,
            `operation \`${selector}\` is not in api \`${site.api}\`, whose calls are always one of its routes; this can never apply`,
            site.doc.locate(site.path),
            didYouMean(selector, operations.keys()) ?? `name an operation of api \`${site.api}\`, or add a route for it to its \`spec.operations\``,
          ),
        );
        continue;
      }
      const byName = classifyOperationName(selector, null);
      const becomes =
        byName === 'destructive'
          ? 'it will be classified as destructive by its name'
          : api.value.spec.protocol === 'graphql'
            ? 'it will be classified as write by its name (read when called as a query)'
            : 'it will be classified as write by its name';
      out.push(
        diagnostic(
          VALIDATION_CODES.unknownOperation,
          `operation \`${selector}\` is not in api \`${site.api}\`; ${becomes}`,
          site.doc.locate(site.path),
          didYouMean(selector, operations.keys()) ??
            `add it to \`spec.operations\` of api \`${site.api}\` with its class`,
        ),
      );
    }
    return out;
  },
};
