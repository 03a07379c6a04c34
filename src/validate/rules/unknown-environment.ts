import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { didYouMean, listCode } from '../../diagnostics/suggest.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { JsonPath, LoadedDocument } from '../../load/types.js';
import type { ValidationRule } from '../context.js';

/**
 * Environments in rules and grants are effective environments, which are always one of the API's
 * `spec.environments`: any other name can never match, so it is an error rather than a no-op.
 * An inventory resource in an undeclared environment would be decided as in an unknown one.
 */
export const unknownEnvironment: ValidationRule = {
  name: 'unknown-environment',
  codes: [VALIDATION_CODES.undeclaredEnvironment],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    const sites: { doc: LoadedDocument<'Policy'> | LoadedDocument<'Token'> | LoadedDocument<'Inventory'>; api: string; env: string; path: JsonPath }[] = [];
    for (const doc of set.policies) {
      doc.value.spec.rules.forEach((rule, r) =>
        rule.match?.environments?.forEach((env, i) =>
          sites.push({ doc, api: doc.value.spec.api, env, path: ['spec', 'rules', r, 'match', 'environments', i] }),
        ),
      );
    }
    for (const doc of set.tokens) {
      doc.value.spec.grants.forEach((grant, g) =>
        grant.environments.forEach((env, i) =>
          sites.push({ doc, api: doc.value.spec.api, env, path: ['spec', 'grants', g, 'environments', i] }),
        ),
      );
    }
    for (const doc of set.inventories ?? []) {
      doc.value.spec.resources.forEach((resource, i) => {
        if (resource.environment !== undefined) sites.push({ doc, api: doc.value.spec.api, env: resource.environment, path: ['spec', 'resources', i, 'environment'] });
      });
    }
    for (const site of sites) {
      if (site.env === '*') continue;
      const api = apis.get(site.api);
      if (!api) continue;
      const declared = api.value.spec.environments;
      if (declared.includes(site.env)) continue;
      out.push(
        diagnostic(
          VALIDATION_CODES.undeclaredEnvironment,
          `environment \`${site.env}\` is not declared by api \`${site.api}\``,
          site.doc.locate(site.path),
          didYouMean(site.env, declared) ?? `declared environments: ${listCode(declared)}`,
        ),
      );
    }
    return out;
  },
};
