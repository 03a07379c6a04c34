import { parseTemplate } from '../../core/route-template.js';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/**
 * A path template reads one way only when every parameter is a whole segment, named once, with
 * at most one `{name+}`: two multi-segment parameters could split a path in several places, and
 * `v{version}` or `{a}.{b}` are literal text to the router, which is rarely what was meant.
 */
export const invalidRouteTemplate: ValidationRule = {
  name: 'invalid-route-template',
  codes: [VALIDATION_CODES.invalidRouteTemplate],
  check({ apis }) {
    const out: Diagnostic[] = [];
    for (const api of apis.values()) {
      for (const [name, op] of Object.entries(api.value.spec.operations)) {
        if (!op?.http) continue;
        const path = op.http.path;
        const at = api.locate(['spec', 'operations', name, 'http', 'path']);
        const problem = templateProblem(path);
        if (problem) out.push(diagnostic(VALIDATION_CODES.invalidRouteTemplate, `path \`${path}\` of operation \`${name}\` ${problem.message}`, at, problem.help));
      }
    }
    return out;
  },
};

function templateProblem(path: string): { message: string; help: string } | null {
  const parts = parseTemplate(path);
  const mixed = parts.find((p) => 'literal' in p && /[{}]/.test(p.literal));
  if (mixed && 'literal' in mixed) {
    return {
      message: `has segment \`${mixed.literal}\` that mixes text and a parameter`,
      help: 'a parameter is a whole segment, `{name}` or `{name+}`; match the segment as one parameter and name it',
    };
  }
  const greedy = parts.filter((p) => 'param' in p && p.greedy);
  if (greedy.length > 1) {
    return { message: 'has more than one multi-segment parameter (`{name+}`)', help: 'keep one `{name+}` per path: with two, a path could be split in several ways' };
  }
  const seen = new Set<string>();
  for (const p of parts) {
    if (!('param' in p)) continue;
    if (seen.has(p.param)) return { message: `names parameter \`${p.param}\` twice`, help: 'give each path parameter its own name' };
    seen.add(p.param);
  }
  return null;
}
