/** OPA bundle format: tar read/write, manifest, file hashing. Knows nothing of signing keys or the CLI. */
export {
  BLASTGUARD_ROOT,
  CATALOG_PATH,
  DATA_PATH,
  MANIFEST_PATH,
  REGO_VERSION,
  SIGNATURES_PATH,
  WASM_PATH,
  bundleFiles,
  bundleFromEntries,
  packBundle,
  readBundle,
  wasmForEntrypoint,
} from './bundle.js';
export type { Bundle, BundleContent, ReadBundleOptions } from './bundle.js';
export { readBundleDirectory } from './directory.js';
export { DEFAULT_BUNDLE_BYTES, DEFAULT_READ_LIMITS, checkCompressedSize, gunzipBounded, gzipDeterministic, readLimitsFor, readTarGz, writeTar } from './tar.js';
export type { BundleEntry, ReadLimits } from './tar.js';
export { effectiveRoots, isUnderRoot, manifestFromJson, serializeManifest, validateManifest } from './manifest.js';
export type { Manifest, WasmResolver } from './manifest.js';
export {
  HASH_ALGORITHMS,
  WEAK_HASH_ALGORITHMS,
  bundleFileDigest,
  digestInput,
  hashBundleFile,
  isHashAlgorithm,
  isStructuredFile,
  parseStructuredFile,
} from './hash.js';
export type { HashAlgorithm } from './hash.js';
export { JsonSyntaxError, parseJsonPreservingNumbers } from '../core/json.js';
export { bundlePathFromEntryName } from './paths.js';
/** An untrusted value for a one-line message (the CLI's name for `core/untrusted`'s `escape`). */
export { escape as printable } from '../core/untrusted.js';
export {
  DEFAULT_SIGNING_ALGORITHM,
  SIGNING_ALGORITHMS,
  algorithmFamily,
  algorithmHashBytes,
  isSigningAlgorithm,
  keyMismatch,
  looksLikePem,
  parseSigningAlgorithm,
  readKeyMaterial,
} from './algorithms.js';
export type { KeyProblem, SigningAlgorithm } from './algorithms.js';
export { BUNDLE_CODES, BUNDLE_CODE_TITLES } from './codes.js';
export type { BundleCode } from './codes.js';
