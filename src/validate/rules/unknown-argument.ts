import { parseTemplate, templateParameters } from '../../core/route-template.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { JsonPath, LoadedDocument } from '../../load/types.js';
import type { ApiDocument, ArgumentConditions } from '../../schemas/types.generated.js';
import type { ValidationRule } from '../context.js';

type Operation = NonNullable<ApiDocument['spec']['operations'][string]>;

/** The parameters an HTTP route declares: path template names, `http.query` and `http.body`. */
function routeParameters(op: Operation): string[] | null {
  if (!op.http) return null;
  return [...templateParameters(parseTemplate(op.http.path)), ...(op.http.query ?? []), ...(op.http.body ?? [])];
}

/** The catalog operations a list of selectors names (every one for none, `*` or a class). */
function selected(api: ApiDocument, selectors: readonly string[] | undefined): [string, Operation][] {
  const all = Object.entries(api.spec.operations).filter((e): e is [string, Operation] => e[1] !== undefined);
  if (!selectors || selectors.includes('*')) return all;
  return all.filter(([name, op]) => selectors.includes(name) || selectors.includes(`class:${op.class}`));
}

/**
 * An argument condition reads a parameter by name. Where the catalog knows an operation's
 * parameters — an HTTP route: its path template and the `http.query` and `http.body` it declares
 * (as `idArg` must, BG064) — a condition whose first path segment no selected route declares
 * reads a value that is never there: `absent` always holds and every other form never does, so
 * the rule or grant silently does something else than it says.
 */
export const unknownArgument: ValidationRule = {
  name: 'unknown-argument',
  codes: [VALIDATION_CODES.unknownArgument],
  check({ set, apis }) {
    const out: Diagnostic[] = [];
    const visit = (doc: LoadedDocument<'Policy'> | LoadedDocument<'Token'>, apiName: string, selectors: readonly string[] | undefined, args: ArgumentConditions | undefined, at: JsonPath): void => {
      const api = apis.get(apiName);
      if (!args || !api || api.value.spec.protocol !== 'http') return;
      const routes = selected(api.value, selectors);
      const params = routes.map(([, op]) => routeParameters(op));
      if (routes.length === 0 || params.some((p) => p === null)) return;
      const known = [...new Set(params.flat() as string[])];
      for (const path of Object.keys(args)) {
        const top = path.split('.')[0] ?? path;
        if (known.includes(top)) continue;
        const names = routes.map(([n]) => `\`${n}\``).slice(0, 3).join(', ') + (routes.length > 3 ? ` and ${routes.length - 3} more` : '');
        out.push(
          diagnostic(
            VALIDATION_CODES.unknownArgument,
            `argument \`${top}\` is not a parameter of ${names} in api \`${apiName}\`; the condition on \`${path}\` reads a value that is never there`,
            doc.locate([...at, path]),
            didYouMean(top, known) ?? 'declare the parameter under `http.query` or `http.body` of the route, or name one the route has',
          ),
        );
      }
    };
    for (const doc of set.policies) {
      doc.value.spec.rules.forEach((rule, r) => visit(doc, doc.value.spec.api, rule.match?.operations, rule.match?.arguments, ['spec', 'rules', r, 'match', 'arguments']));
    }
    for (const doc of set.tokens) {
      doc.value.spec.grants.forEach((grant, g) => visit(doc, doc.value.spec.api, grant.operations, grant.arguments, ['spec', 'grants', g, 'arguments']));
    }
    return out;
  },
};
