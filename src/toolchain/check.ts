import { buildIr } from '../ir/build.js';
import type { Ir } from '../ir/types.js';
import { checkPolicyDir, type CheckResult } from '../validate/index.js';

export interface CheckPoliciesOptions {
  /** The policy directory, relative to `cwd`. */
  dir: string;
  cwd: string;
  /** The validation clock (token and override expiry); default now. */
  now?: Date;
}

/** A validated policy directory: its diagnostics and the loader's text, and its IR when it has no errors. */
export interface PolicyCheck extends CheckResult {
  /** null when there are errors: nothing may be built from the set. */
  ir: Ir | null;
}

/** Loads and validates a policy directory and, when it has no errors, builds its IR. Never throws for anything in the files. */
export async function checkPolicies(options: CheckPoliciesOptions): Promise<PolicyCheck> {
  const checked = await checkPolicyDir(options.dir, options.now === undefined ? { cwd: options.cwd } : { cwd: options.cwd, now: options.now });
  return { ...checked, ir: checked.errorCount > 0 ? null : buildIr(checked.set) };
}
