import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { BlastguardError, isBlastguardError } from '../core/errors.js';
import {
  DEFAULT_SIGNING_ALGORITHM,
  checkCompressedSize,
  parseSigningAlgorithm,
  readBundle,
  printable,
  readBundleDirectory,
  type Bundle,
  type SigningAlgorithm,
} from '../bundle/index.js';
import { loadVerificationKey, singleKeyConfig, type VerificationConfig, type VerificationResult } from '../verify/index.js';
import { UsageError, asUsage, checkFlagText, errnoText } from './command.js';
import type { CliIo } from './io.js';
import { BUNDLE_CODES } from '../bundle/codes.js';
import { VERIFY_CODES } from '../verify/codes.js';

/** Verification flags, shared with `eval --bundle`. */
export interface VerificationFlags {
  verificationKey?: string;
  keyId?: string;
  signingAlg?: string;
  scope?: string;
  excludeFiles?: string[];
}

export function addVerificationOptions(command: Command, keyRequired: boolean): Command {
  const key = new Option('--verification-key <file>', 'PEM public key (RS/PS/ES) or HMAC secret file (HS) the bundle must be signed with');
  if (keyRequired) key.makeOptionMandatory();
  return command
    .addOption(key)
    .option('--key-id <id>', 'key id to verify with, whatever the token names (default: `default`)')
    .option('--signing-alg <alg>', `algorithm the key verifies, never taken from the token (default: ${DEFAULT_SIGNING_ALGORITHM})`)
    .option('--scope <scope>', 'required `scope` claim (default: none)')
    .option('--exclude-files <glob...>', 'bundle paths that need not be signed (Go filepath.Match globs)');
}

/**
 * Checks the verification flag values (usage errors, exit 2): a supported `--signing-alg`, a
 * non-empty `--key-id`, no control characters in `--key-id` / `--scope`, a non-empty key path.
 */
export function checkVerificationFlags(flags: VerificationFlags): SigningAlgorithm {
  if (flags.verificationKey === '') {
    throw new UsageError(VERIFY_CODES.verificationKeyUnreadable, '--verification-key must not be empty', { help: 'pass the path of the PEM public key or HMAC secret file' });
  }
  checkFlagText('--key-id', flags.keyId, VERIFY_CODES.verifyFlagValue, {
    emptyHelp: 'leave --key-id out to verify with key id `default` (as OPA does), or give the id the bundle was signed with',
  });
  checkFlagText('--scope', flags.scope, VERIFY_CODES.verifyFlagValue, { allowEmpty: true });
  return asUsage(() => parseSigningAlgorithm(flags.signingAlg ?? DEFAULT_SIGNING_ALGORITHM, VERIFY_CODES.unsupportedVerificationAlgorithm));
}

/** Reads the key file named on the command line and builds the single-key configuration. */
export async function verificationConfigFromFlags(flags: VerificationFlags, io: CliIo): Promise<VerificationConfig> {
  const alg = checkVerificationFlags(flags);
  if (flags.verificationKey === undefined) {
    throw new UsageError(VERIFY_CODES.noVerificationKey, 'no verification key configured', { help: 'pass --verification-key FILE' });
  }
  const file = path.resolve(io.cwd, flags.verificationKey);
  let material: Buffer;
  try {
    material = await readFile(file);
  } catch (e) {
    throw new BlastguardError(VERIFY_CODES.verificationKeyUnreadable, `cannot read verification key \`${flags.verificationKey}\`: ${errnoText(e)}`, {
      file: flags.verificationKey,
      help: 'pass the PEM public key (`verification-key.pem` from `blastguard keygen`) or, for HS*, the secret file',
      cause: e,
    });
  }
  const key = loadVerificationKey(material, alg, { source: `verification key \`${flags.verificationKey}\`` });
  return singleKeyConfig(key, { keyId: flags.keyId, scope: flags.scope, excludeFiles: flags.excludeFiles });
}

/** A bundle from a `.tar.gz` file or a bundle directory. */
export async function readBundleFromPath(file: string, io: CliIo): Promise<Bundle> {
  const abs = path.resolve(io.cwd, file);
  let info: Awaited<ReturnType<typeof stat>>;
  if (file === '') throw new UsageError(BUNDLE_CODES.unreadable, 'the bundle path must not be empty', { help: BUNDLE_PATH_HELP });
  try {
    info = await stat(abs);
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.unreadable, `cannot read bundle \`${file}\`: ${errnoText(e)}`, { file, help: BUNDLE_PATH_HELP, cause: e });
  }
  if (info.isDirectory()) {
    try {
      return await readBundleDirectory(abs);
    } catch (e) {
      if (isBlastguardError(e)) throw e;
      throw new BlastguardError(BUNDLE_CODES.unreadable, `cannot read bundle directory \`${file}\`: ${errnoText(e)}`, { file, help: BUNDLE_PATH_HELP, cause: e });
    }
  }
  // Before reading it into memory: an oversized file is refused unread.
  checkCompressedSize(info.size);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.unreadable, `cannot read bundle \`${file}\`: ${errnoText(e)}`, { file, help: BUNDLE_PATH_HELP, cause: e });
  }
  return readBundle(bytes);
}

const BUNDLE_PATH_HELP = 'pass a bundle `.tar.gz` file or a bundle directory written by `blastguard build --out`';

export function describeVerification(file: string, result: VerificationResult): string {
  const excluded = result.excluded.length > 0 ? `; excluded: ${result.excluded.join(', ')}` : '';
  return (
    `verified ${printable(file)}: revision ${result.revision === '' ? '(none)' : printable(result.revision)}, key \`${printable(result.keyId)}\` (${result.algorithm})` +
    `${result.scope === undefined ? '' : `, scope \`${printable(result.scope)}\``}, ${result.files.length} files covered: ${result.files.join(', ')}${excluded}`
  );
}

/** Wraps a verification failure so the one error line is also the verdict. */
export function rejected(file: string, e: unknown): unknown {
  if (!isBlastguardError(e)) return e;
  return new BlastguardError(e.code, `rejected \`${file}\`: ${e.message}`, { help: e.help, cause: e });
}
