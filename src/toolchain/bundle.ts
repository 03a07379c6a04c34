import { createHash } from 'node:crypto';
import { bundleFiles, packBundle, type BundleEntry } from '../bundle/index.js';
import { compileIr } from '../compile/index.js';
import { VERSION } from '../core/version.js';
import { irDigest } from '../ir/build.js';
import { catalogOfIr } from '../ir/catalog.js';
import type { Ir } from '../ir/types.js';
import { signBundleFiles, type SigningOptions } from '../sign/index.js';

export interface BuildBundleOptions {
  /** The manifest revision (`blastguard build` takes the git commit; tests take the IR digest). */
  revision: string;
  /** Sign the bundle; unsigned when absent. */
  signing?: SigningOptions;
  /**
   * `metadata.sequence`: a non-negative integer the publisher increases with every bundle (a CI
   * run number, a commit time in seconds). Enforcers refuse a bundle with a lower sequence than
   * the active one as a rollback; the signature covers it (it is in the signed `.manifest`).
   */
  sequence?: number;
}

/** A bundle in memory, as `blastguard build` writes it and as `blastguard test` runs it. */
export interface BuiltBundle {
  revision: string;
  /** `metadata.sequence`, when the build was given one. */
  sequence: number | undefined;
  /** The digest of the IR it was compiled from (also in the manifest's metadata). */
  irDigest: string;
  /** data.json, catalog.json, policy.wasm and .manifest, in archive order. */
  files: BundleEntry[];
  /** `.signatures.json`, or undefined when unsigned. */
  signatures: Uint8Array | undefined;
  /** The key that signed it, for the report line; undefined when unsigned. */
  signedWith: { alg: string; keyId: string | undefined } | undefined;
}

/**
 * The one way a bundle is built: compile the IR, lay out the OPA bundle files with the compiler
 * and IR digest (and the sequence, when given) in the manifest metadata, the api catalog an
 * enforcer reads requests with in `catalog.json`, and sign them when asked. `build` writes the result;
 * `test` packs it, reads it back and runs its Wasm, so replays exercise the artifact that ships.
 */
export async function buildBundle(ir: Ir, options: BuildBundleOptions): Promise<BuiltBundle> {
  const compiled = compileIr(ir);
  const digest = irDigest(ir);
  const files = bundleFiles({
    wasm: compiled.wasm,
    data: compiled.data,
    revision: options.revision,
    entrypoints: compiled.entrypoints,
    metadata: { compiler: `blastguard ${VERSION}`, ir_digest: digest, ...(options.sequence === undefined ? {} : { sequence: options.sequence }) },
    catalog: catalogOfIr(ir),
  });
  const signing = options.signing;
  const signatures = signing === undefined ? undefined : await signBundleFiles(files, signing);
  return {
    revision: options.revision,
    sequence: options.sequence,
    irDigest: digest,
    files,
    signatures,
    signedWith: signing === undefined ? undefined : { alg: signing.key.alg, keyId: signing.keyId },
  };
}

/** The bundle as one gzip tar (`.tar.gz` bytes). */
export function packBuiltBundle(built: BuiltBundle): Uint8Array {
  return packBundle(built.files, built.signatures);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
