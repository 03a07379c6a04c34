import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { BlastguardError, isBlastguardError } from '../../core/errors.js';
import {
  DEFAULT_SIGNING_ALGORITHM,
  checkCompressedSize,
  parseSigningAlgorithm,
  readBundle,
  printable,
  readBundleDirectory,
  type Bundle,
  type SigningAlgorithm,
} from '../../bundle/index.js';
import { loadVerificationKey, singleKeyConfig, verifyBundle, type VerificationConfig, type VerificationResult } from '../../verify/index.js';
import { UsageError, asUsage, checkFlagText, type CliIo, type CommandModule } from '../command.js';

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
    throw new UsageError('BG319', '--verification-key must not be empty', { help: 'pass the path of the PEM public key or HMAC secret file' });
  }
  checkFlagText('--key-id', flags.keyId, 'BG322', {
    emptyHelp: 'leave --key-id out to verify with key id `default` (as OPA does), or give the id the bundle was signed with',
  });
  checkFlagText('--scope', flags.scope, 'BG322', { allowEmpty: true });
  return asUsage(() => parseSigningAlgorithm(flags.signingAlg ?? DEFAULT_SIGNING_ALGORITHM, 'BG321'));
}

/** Reads the key file named on the command line and builds the single-key configuration. */
export async function verificationConfigFromFlags(flags: VerificationFlags, io: CliIo): Promise<VerificationConfig> {
  const alg = checkVerificationFlags(flags);
  if (flags.verificationKey === undefined) {
    throw new UsageError('BG300', 'no verification key configured', { help: 'pass --verification-key FILE' });
  }
  const file = path.resolve(io.cwd, flags.verificationKey);
  let material: Buffer;
  try {
    material = await readFile(file);
  } catch (e) {
    throw new BlastguardError('BG319', `cannot read verification key \`${flags.verificationKey}\`: ${errnoText(e)}`, {
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
  if (file === '') throw new UsageError('BG240', 'the bundle path must not be empty', { help: BUNDLE_PATH_HELP });
  try {
    info = await stat(abs);
  } catch (e) {
    throw new BlastguardError('BG240', `cannot read bundle \`${file}\`: ${errnoText(e)}`, { file, help: BUNDLE_PATH_HELP, cause: e });
  }
  if (info.isDirectory()) {
    try {
      return await readBundleDirectory(abs);
    } catch (e) {
      if (isBlastguardError(e)) throw e;
      throw new BlastguardError('BG240', `cannot read bundle directory \`${file}\`: ${errnoText(e)}`, { file, help: BUNDLE_PATH_HELP, cause: e });
    }
  }
  // Before reading it into memory: an oversized file is refused unread.
  checkCompressedSize(info.size);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (e) {
    throw new BlastguardError('BG240', `cannot read bundle \`${file}\`: ${errnoText(e)}`, { file, help: BUNDLE_PATH_HELP, cause: e });
  }
  return readBundle(bytes);
}

const BUNDLE_PATH_HELP = 'pass a bundle `.tar.gz` file or a bundle directory written by `blastguard build --out`';

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'already exists',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EXDEV: 'cannot move a file across file systems',
  EIO: 'input/output error',
};

/** What a file-system error means, in our words (never Node's raw text, which repeats paths and syscalls). */
export function errnoText(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return ERRNO_TEXT[code] ?? `system error ${code.toLowerCase()}`;
  return e instanceof Error ? e.message.toLowerCase() : String(e);
}

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

interface VerifyOptions extends VerificationFlags {
  verificationKey: string;
}

export const verifyCommand: CommandModule = {
  name: 'verify',
  register(program, io, setExit) {
    const command = program
      .command('verify')
      .description('Verify an OPA bundle signature the way OPA does, more strictly: exit 0 verified, 1 rejected')
      .argument('<bundle>', 'bundle `.tar.gz` file or bundle directory');
    addVerificationOptions(command, true).action(async (file: string, options: VerifyOptions) => {
      const config = await verificationConfigFromFlags(options, io);
      let result: VerificationResult;
      try {
        result = await verifyBundle(await readBundleFromPath(file, io), config);
      } catch (e) {
        throw rejected(file, e);
      }
      io.stdout(describeVerification(file, result) + '\n');
      setExit(0);
    });
  },
};
