// Shared helpers of the diff tests: the example repository's IR and small edits of it.
import { buildIr } from '../../src/ir/build.js';
import type { Ir } from '../../src/ir/types.js';
import type { PolicySet } from '../../src/load/types.js';
import { checkPolicyDir } from '../../src/validate/index.js';
import { REPO } from '../helpers/cli.js';

/** The IR of `dir` (default: the example repository's policies), failing on validation errors. */
export async function irOf(dir = 'policies', cwd = REPO): Promise<Ir> {
  const result = await checkPolicyDir(dir, { cwd, now: new Date('2026-06-01T00:00:00Z') });
  if (result.errorCount > 0) throw new Error(`policies do not validate: ${JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error'))}`);
  return buildIr(result.set);
}

/** The IR of the example repository after `edit` changes its loaded documents (selectors re-resolve, as in a real change). */
export async function irWith(edit: (set: PolicySet) => void): Promise<Ir> {
  const result = await checkPolicyDir('policies', { cwd: REPO, now: new Date('2026-06-01T00:00:00Z') });
  edit(result.set);
  return buildIr(result.set);
}

/** A deep copy to edit. */
export const clone = (ir: Ir): Ir => structuredClone(ir);

/** The rule `id` (`policy/rule`) of `ir`, to edit in place. */
export function ruleOf(ir: Ir, id: string): Ir['policies'][number]['rules'][number] {
  const rule = ir.policies.flatMap((p) => p.rules).find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}
