import { parseTemplate, templateShape } from '../../core/route-template.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { placeOf } from '../context.js';
import type { ValidationRule } from '../context.js';

/**
 * Two operations of one API on the same method and path template (parameter names aside:
 * `/v1/{id}` and `/v1/{name}` are one route) can never be told apart: every matching request
 * would be unparseable (BG417), and rules naming either one would never apply as written.
 */
export const duplicateRoute: ValidationRule = {
  name: 'duplicate-route',
  codes: [VALIDATION_CODES.duplicateRoute],
  check({ apis }) {
    const out: Diagnostic[] = [];
    for (const api of apis.values()) {
      const first = new Map<string, string>();
      for (const [name, op] of Object.entries(api.value.spec.operations)) {
        if (!op?.http) continue;
        const key = `${op.http.method} ${templateShape(parseTemplate(op.http.path))}`;
        const earlier = first.get(key);
        if (earlier === undefined) {
          first.set(key, name);
          continue;
        }
        out.push(
          diagnostic(
            VALIDATION_CODES.duplicateRoute,
            `operations \`${earlier}\` and \`${name}\` of api \`${api.name}\` are both \`${key}\`; no request can tell them apart`,
            api.locate(['spec', 'operations', name, 'http']),
            `\`${earlier}\` is declared at ${placeOf(api, ['spec', 'operations', earlier, 'http'])}; keep one operation per method and path`,
          ),
        );
      }
    }
    return out;
  },
};
