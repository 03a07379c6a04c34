import { parseTemplate, templateParameters } from '../../core/route-template.js';
import { templateArguments } from '../../core/id-template.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

const ARGUMENTS = ['id', 'idArg', 'environmentArg', 'projectArg'] as const;

/**
 * A resource argument of an HTTP route (`idArg`, each `{argument}` of an `id` template,
 * `environmentArg`, `projectArg`) must be one of its parameters: a path template name, or a
 * query or body parameter the route declares (`http.query`, `http.body`). One that names none is
 * never found in a call, so the resource (and its environment) would silently stay unknown.
 */
export const unknownRouteArgument: ValidationRule = {
  name: 'unknown-route-argument',
  codes: [VALIDATION_CODES.unknownRouteArgument],
  check({ apis }) {
    const out: Diagnostic[] = [];
    for (const api of apis.values()) {
      for (const [name, op] of Object.entries(api.value.spec.operations)) {
        if (!op?.http || !op.resource) continue;
        const params = [...templateParameters(parseTemplate(op.http.path)), ...(op.http.query ?? []), ...(op.http.body ?? [])];
        for (const key of ARGUMENTS) {
          const written = op.resource[key];
          if (written === undefined) continue;
          for (const arg of key === 'id' ? templateArguments(written) : [written]) {
            const top = arg.split('.')[0] ?? arg;
            if (params.includes(top)) continue;
            const what = key === 'id' ? `argument \`${arg}\` of \`id: ${written}\`` : `\`${key}: ${arg}\``;
            out.push(
              diagnostic(
                VALIDATION_CODES.unknownRouteArgument,
                `${what} of operation \`${name}\` names no parameter of its route \`${op.http.method} ${op.http.path}\``,
                api.locate(['spec', 'operations', name, 'resource', key]),
                didYouMean(top, params) ?? `use a path parameter of \`${op.http.path}\`, or declare the parameter under \`http.query\` or \`http.body\``,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
