import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { BlastguardError, isBlastguardError } from '../../core/errors.js';
import { DEFAULT_SIGNING_ALGORITHM, checkCompressedSize, parseSigningAlgorithm, readBundle, readBundleDirectory, type Bundle } from '../../bundle/index.js';
import { loadVerificationKey, singleKeyConfig, verifyBundle, type VerificationConfig, type VerificationResult } from '../../verify/index.js';
import type { CliIo, CommandModule } from '../command.js';

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
    .option('--key-id <id>', 'key id to verify with, whatever the token names', 'default')
    .option('--signing-alg <alg>', 'algorithm the key verifies (never taken from the token)', DEFAULT_SIGNING_ALGORITHM)
    .option('--scope <scope>', 'required `scope` claim (default: none)')
    .option('--exclude-files <glob...>', 'bundle paths that need not be signed (Go filepath.Match globs)');
}

/** Reads the key file named on the command line and builds the single-key configuration. */
export async function verificationConfigFromFlags(flags: VerificationFlags, io: CliIo): Promise<VerificationConfig> {
  if (flags.verificationKey === undefined) throw new BlastguardError('BG300', 'no verification key configured');
  const alg = parseSigningAlgorithm(flags.signingAlg ?? DEFAULT_SIGNING_ALGORITHM, 'BG315');
  const file = path.resolve(io.cwd, flags.verificationKey);
  let material: Buffer;
  try {
    material = await readFile(file);
  } catch (e) {
    throw new BlastguardError('BG319', `cannot read verification key \`${flags.verificationKey}\`: ${errnoText(e)}`, { file: flags.verificationKey, cause: e });
  }
  const key = loadVerificationKey(material, alg, { source: `verification key \`${flags.verificationKey}\`` });
  return singleKeyConfig(key, { keyId: flags.keyId, scope: flags.scope, excludeFiles: flags.excludeFiles });
}

/** A bundle from a `.tar.gz` file or a bundle directory. */
export async function readBundleFromPath(file: string, io: CliIo): Promise<Bundle> {
  const abs = path.resolve(io.cwd, file);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(abs);
  } catch (e) {
    throw new BlastguardError('BG240', `cannot read bundle \`${file}\`: ${errnoText(e)}`, { file, cause: e });
  }
  if (info.isDirectory()) return readBundleDirectory(abs);
  // Before reading it into memory: an oversized file is refused unread.
  checkCompressedSize(info.size);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (e) {
    throw new BlastguardError('BG240', `cannot read bundle \`${file}\`: ${errnoText(e)}`, { file, cause: e });
  }
  return readBundle(bytes);
}

export function errnoText(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message.toLowerCase() : String(e);
}

export function describeVerification(file: string, result: VerificationResult): string {
  const excluded = result.excluded.length > 0 ? `; excluded: ${result.excluded.join(', ')}` : '';
  return (
    `verified ${file}: revision ${result.revision === '' ? '(none)' : result.revision}, key \`${result.keyId}\` (${result.algorithm})` +
    `${result.scope === undefined ? '' : `, scope \`${result.scope}\``}, ${result.files.length} files covered: ${result.files.join(', ')}${excluded}`
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
