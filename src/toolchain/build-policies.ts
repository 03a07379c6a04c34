import path from 'node:path';
import { buildBundle, type BuiltBundle } from './bundle.js';
import { checkPolicies, type PolicyCheck } from './check.js';
import { UsageError, checkOptionText } from './errors.js';
import { checkOutPath, writeBundle, type WrittenBundle } from './output.js';
import { gitCommitTime, gitRevision } from './revision.js';
import { signingOptions, type SigningInput } from './signing.js';
import { BUNDLE_CODES } from '../bundle/codes.js';
import { printable } from '../bundle/index.js';

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
  /** `metadata.sequence`: a number, or `commit-time` for HEAD's committer time in seconds; none when absent. */
  sequence?: BuildSequence;
}

/** What `--sequence` / the Action's `sequence` input may say. */
export type BuildSequence = number | 'commit-time';

const SEQUENCE_HELP = 'give a non-negative integer that grows with every published bundle (a CI run number), or `commit-time`';

/** Reads `--sequence` (a flag or input value) as a sequence; BG264 when it is neither a non-negative integer nor `commit-time`. */
export function parseSequence(text: string, flag = '--sequence'): BuildSequence {
  if (text === 'commit-time') return text;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new UsageError(BUNDLE_CODES.buildFlagValue, `${flag} \`${printable(text)}\` is not a non-negative integer or \`commit-time\``, { help: SEQUENCE_HELP });
  }
  return n;
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
export async function checkBuildOptions(options: Pick<BuildPoliciesOptions, 'dir' | 'out' | 'cwd' | 'revision' | 'sequence'> & { keyId?: string; scope?: string }): Promise<void> {
  await checkOutPath(options);
  const sequence = options.sequence;
  if (sequence !== undefined && sequence !== 'commit-time' && !(typeof sequence === 'number' && Number.isSafeInteger(sequence) && sequence >= 0)) {
    throw new UsageError(BUNDLE_CODES.buildFlagValue, `--sequence \`${printable(String(sequence))}\` is not a non-negative integer or \`commit-time\``, { help: SEQUENCE_HELP });
  }
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
  const sequence = options.sequence === 'commit-time' ? await gitCommitTime(dir) : options.sequence;
  const bundle = await buildBundle(check.ir, { revision, ...(signing === undefined ? {} : { signing }), ...(sequence === undefined ? {} : { sequence }) });
  const written = await writeBundle(bundle, { out: options.out, cwd: options.cwd });
  return { check, bundle, written, warnings };
}
