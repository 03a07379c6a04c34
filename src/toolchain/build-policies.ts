import path from 'node:path';
import { buildBundle, type BuiltBundle } from './bundle.js';
import { checkPolicies, type PolicyCheck } from './check.js';
import { checkOptionText } from './errors.js';
import { checkOutPath, writeBundle, type WrittenBundle } from './output.js';
import { gitRevision } from './revision.js';
import { signingOptions, type SigningInput } from './signing.js';
import { BUNDLE_CODES } from '../bundle/codes.js';

export interface BuildPoliciesOptions {
  /** The policy directory, relative to `cwd`. */
  dir: string;
  /** Where to write: `*.tar.gz` / `*.tgz` for a bundle file, any other path for a bundle directory. */
  out: string;
  cwd: string;
  /** The manifest revision; default `git rev-parse HEAD` of the policy directory. */
  revision?: string;
  /** Sign with this key; unsigned when absent. */
  signing?: SigningInput;
}

export interface BuildPoliciesResult {
  /** The validation of the policy directory (print its diagnostics with its `sources`). */
  check: PolicyCheck;
  /** null when the policies have errors: then nothing was written. */
  bundle: BuiltBundle | null;
  written: WrittenBundle | null;
  /** Things the caller should tell the user (an uncommitted policy directory). */
  warnings: string[];
}

/** Progress a caller reports as it happens, so findings print before a later error (a bundle that cannot be written). */
export interface BuildPoliciesHooks {
  /** The policies were validated; nothing is built when they have errors. */
  checked?: (check: PolicyCheck) => void;
  /** Something the user should know that does not stop the build. */
  warning?: (message: string) => void;
}

/**
 * Checks the build options before anything is read (usage errors, so a typo costs no compile),
 * then validates, builds and writes: `blastguard build` and the Action's `build` are this call.
 */
export async function checkBuildOptions(options: Pick<BuildPoliciesOptions, 'dir' | 'out' | 'cwd' | 'revision'> & { keyId?: string; scope?: string }): Promise<void> {
  await checkOutPath(options);
  checkOptionText('--revision', options.revision, BUNDLE_CODES.buildFlagValue, { allowEmpty: true });
  checkOptionText('--key-id', options.keyId, BUNDLE_CODES.buildFlagValue, {
    emptyHelp: 'leave --key-id out for key id `default` (as `opa build`); to sign without a key id, pass --claims-file',
  });
  checkOptionText('--scope', options.scope, BUNDLE_CODES.buildFlagValue, { allowEmpty: true });
}

/** Validates a policy directory, builds its bundle (signed when a key is given) and writes it. */
export async function buildPolicies(options: BuildPoliciesOptions, hooks: BuildPoliciesHooks = {}): Promise<BuildPoliciesResult> {
  await checkBuildOptions({ ...options, keyId: options.signing?.keyId, scope: options.signing?.scope });
  // The key is loaded before any compiling, so a bad key fails fast.
  const signing = options.signing === undefined ? undefined : signingOptions(options.signing);
  const dir = path.resolve(options.cwd, options.dir);
  const check = await checkPolicies({ dir, cwd: options.cwd });
  hooks.checked?.(check);
  const warnings: string[] = [];
  if (check.ir === null) return { check, bundle: null, written: null, warnings };
  const revision =
    options.revision ??
    (await gitRevision(dir, (w) => {
      warnings.push(w);
      hooks.warning?.(w);
    }));
  const bundle = await buildBundle(check.ir, signing === undefined ? { revision } : { revision, signing });
  const written = await writeBundle(bundle, { out: options.out, cwd: options.cwd });
  return { check, bundle, written, warnings };
}
