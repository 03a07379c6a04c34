import type { Ir, IrToken } from '../ir/types.js';

/**
 * The operation names a token's grants cover, resolved against its API's catalog: names as
 * written, `class:<c>` as every catalog operation of that class, `*` as all of them. Environment,
 * project and resource limits narrow where, not what, and are left to the YAML.
 */
export function grantedOperations(ir: Ir, token: IrToken): string[] {
  const api = ir.apis.find((a) => a.name === token.api);
  const catalog = api?.operations ?? [];
  const out = new Set<string>();
  for (const grant of token.grants) {
    for (const selector of grant.operations) {
      if (selector === '*') for (const op of catalog) out.add(op.name);
      else if (selector.startsWith('class:')) {
        const cls = selector.slice('class:'.length);
        for (const op of catalog) if (op.class === cls) out.add(op.name);
      } else out.add(selector);
    }
  }
  return [...out].sort();
}
