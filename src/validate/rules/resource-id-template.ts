import { idTemplateProblem } from '../../core/id-template.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/**
 * A composed resource id (`resource.id: "{owner}/{repo}"`) must read one way: arguments apart by a
 * separator no value may contain, each named once, no stray brace. Extraction refuses a value that
 * contains a separator character (BG456); a template without one could not be read back at all.
 * Whether each argument is a parameter of the route is BG064.
 */
export const resourceIdTemplate: ValidationRule = {
  name: 'resource-id-template',
  codes: [VALIDATION_CODES.malformedIdTemplate],
  check({ apis }) {
    const out: Diagnostic[] = [];
    for (const api of apis.values()) {
      for (const [name, op] of Object.entries(api.value.spec.operations)) {
        const template = op?.resource?.id;
        if (template === undefined) continue;
        const problem = idTemplateProblem(template);
        if (problem === null) continue;
        const at = api.locate(['spec', 'operations', name, 'resource', 'id']);
        out.push(diagnostic(VALIDATION_CODES.malformedIdTemplate, `resource id \`${template}\` of operation \`${name}\` ${problem.message}`, at, problem.help));
      }
    }
    return out;
  },
};
