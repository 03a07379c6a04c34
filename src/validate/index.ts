import { countDiagnostics, sortDiagnostics } from '../diagnostics/create.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { loadPolicySet } from '../load/index.js';
import type { PolicySet } from '../load/types.js';
import { createContext } from './context.js';
import { RULES } from './rules/index.js';

export type { RuleContext, ValidationRule } from './context.js';
export { RULES } from './rules/index.js';

/** Runs every cross-document rule over a loaded set. `now` (default: the clock) drives expiry checks. */
export function validatePolicySet(set: PolicySet, options: { now?: Date } = {}): Diagnostic[] {
  const ctx = createContext(set, options.now ?? new Date());
  return RULES.flatMap((rule) => rule.check(ctx));
}

export interface CheckResult {
  set: PolicySet;
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** The text of every file read, by relative path: what code frames may show (see LoadResult). */
  sources: ReadonlyMap<string, string>;
}

/** Loads a policy directory and validates it: everything `blastguard validate` reports. */
export async function checkPolicyDir(dir: string, options: { cwd: string; now?: Date }): Promise<CheckResult> {
  const loaded = await loadPolicySet(dir, { cwd: options.cwd });
  const validated = validatePolicySet(loaded.set, options.now === undefined ? {} : { now: options.now });
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...validated]);
  return { set: loaded.set, diagnostics, ...countDiagnostics(diagnostics), sources: loaded.sources };
}
