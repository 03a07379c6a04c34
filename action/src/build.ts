import * as core from '@actions/core';
import { formatBuilt } from '../../src/report/index.js';
import { UsageError, buildPolicies, checkBuildOptions, parseSequence, type BuildSequence, type SigningInput } from '../../src/toolchain/index.js';
import { annotate, input, type ActionIo } from './io.js';

export interface BuiltFile {
  out: string;
  /** undefined for a directory bundle. */
  sha256: string | undefined;
  irDigest: string;
}

/**
 * Builds (and signs, with `signing-key`) the bundle the inputs describe; null when the policies
 * have errors. `defaultSequence` is the `metadata.sequence` when the `sequence` input is empty.
 */
export async function buildFromInputs(io: ActionIo, defaultRevision: string | undefined, defaultSequence?: BuildSequence): Promise<BuiltFile | null> {
  const dir = input('dir') || 'policies';
  const out = input('out') || 'bundle.tar.gz';
  const revision = input('revision') || defaultRevision;
  const sequenceInput = input('sequence');
  const sequence = sequenceInput ? parseSequence(sequenceInput, 'input `sequence`') : defaultSequence;
  const secret = input('signing-key');
  const alg = input('signing-alg');
  const keyId = input('key-id');
  await checkBuildOptions({ dir, out, cwd: io.cwd, revision, keyId: keyId || undefined });
  let signing: SigningInput | undefined;
  if (secret) {
    // The secret is passed on as a value, never through the environment or a file.
    signing = { key: Buffer.from(secret, 'utf8'), source: 'signing key from input `signing-key`' };
    if (alg) signing.alg = alg;
    if (keyId) signing.keyId = keyId;
  } else if (alg || keyId) {
    const stray = [...(alg ? ['`signing-alg`'] : []), ...(keyId ? ['`key-id`'] : [])];
    throw new UsageError('BG255', `${stray.join(', ')} given without \`signing-key\`; the bundle would not be signed`, { help: 'add the `signing-key` input' });
  }
  const result = await buildPolicies(
    { dir, out, cwd: io.cwd, ...(revision === undefined ? {} : { revision }), ...(sequence === undefined ? {} : { sequence }), ...(signing === undefined ? {} : { signing }) },
    { checked: (check) => annotate(io, check.diagnostics), warning: (message) => io.stderr(`warning: ${message}\n`) },
  );
  if (result.bundle === null || result.written === null) {
    io.stderr(`error: policies in \`${dir}\` have ${result.check.errorCount} error(s); nothing was written\n`);
    return null;
  }
  io.stdout(formatBuilt({ ...result.bundle, ...result.written }));
  core.setOutput('bundle', result.written.out);
  if (result.written.sha256 !== undefined) core.setOutput('bundle-sha256', result.written.sha256);
  return { out: result.written.out, sha256: result.written.sha256, irDigest: result.bundle.irDigest };
}

export async function build(io: ActionIo): Promise<number> {
  return (await buildFromInputs(io, io.env['GITHUB_SHA'] || undefined)) === null ? 1 : 0;
}
