import { createHash } from 'node:crypto';
import { canonicalJson, type CanonicalValue } from '../core/canonical-json.js';
import { BlastguardError } from '../core/errors.js';
import { JsonSyntaxError, parseJsonPreservingNumbers } from '../core/json.js';
import { hasOwn } from '../core/record.js';
import { BUNDLE_CODES } from './codes.js';

/**
 * OPA's bundle file digests (`v1/bundle/hash.go`): structured files are hashed over their canonical
 * JSON so formatting never changes a digest; everything else over its raw bytes.
 */

/** Hash names exactly as they appear in a signature's `files[].algorithm`. */
export const HASH_ALGORITHMS = {
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
} as const;

export type HashAlgorithm = keyof typeof HASH_ALGORITHMS;

/** OPA also accepts these; we refuse them because a collision would let a changed file keep its signature. */
export const WEAK_HASH_ALGORITHMS: readonly string[] = ['MD5', 'SHA-1'];

export function isHashAlgorithm(name: string): name is HashAlgorithm {
  return hasOwn(HASH_ALGORITHMS, name);
}

const STRUCTURED_BASENAMES = new Set(['data.json', 'data.yaml', 'signatures.json', '.manifest']);

/** Whether OPA hashes this bundle path over canonical JSON rather than raw bytes (by basename, exactly). */
export function isStructuredFile(path: string): boolean {
  const slash = path.lastIndexOf('/');
  return STRUCTURED_BASENAMES.has(path.slice(slash + 1));
}

const BOM = [0xef, 0xbb, 0xbf];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a structured bundle file the way OPA does before hashing or loading it: BOM stripped,
 * numbers kept as written. YAML (OPA's fallback) is refused: its number normalisation is Go's and
 * we cannot promise the same digest.
 */
export function parseStructuredFile(path: string, bytes: Uint8Array): CanonicalValue {
  const body = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.invalidUtf8, `bundle file \`${path}\` is not valid utf-8`, { file: path, help: 'OPA reads `data.json` and `.manifest` as utf-8 json; rebuild the bundle', cause: e });
  }
  try {
    return parseJsonPreservingNumbers(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const yaml = path.endsWith('.yaml') || path.endsWith('.yml');
    throw new BlastguardError(
      yaml ? BUNDLE_CODES.yamlData : BUNDLE_CODES.invalidJson,
      yaml
        ? `bundle file \`${path}\` is yaml; only json content is supported (${e.message})`
        : `bundle file \`${path}\` is not valid json: ${e.message}`,
      { file: path, help: yaml ? 'write the data as json in `data.json`' : 'OPA refuses a bundle whose `data.json` or `.manifest` is not json; rebuild the bundle', cause: e },
    );
  }
}

/** The bytes a file's digest is computed over: canonical JSON for structured files, the raw bytes otherwise. */
export function digestInput(path: string, bytes: Uint8Array): Uint8Array {
  if (!isStructuredFile(path)) return bytes;
  return Buffer.from(canonicalJson(parseStructuredFile(path, bytes)), 'utf8');
}

/** Lowercase hex digest of a bundle file, `path` without a leading `/`. */
export function hashBundleFile(path: string, bytes: Uint8Array, algorithm: HashAlgorithm = 'SHA-256'): string {
  return createHash(HASH_ALGORITHMS[algorithm]).update(digestInput(path, bytes)).digest('hex');
}

/** `bytes` without a UTF-8 BOM and without surrounding JSON whitespace. */
function trimmedJson(bytes: Uint8Array): Uint8Array {
  let start = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  let end = bytes.length;
  const space = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  while (start < end && space(bytes[start])) start++;
  while (end > start && space(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}

/**
 * The digest of a bundle file, for checking it against `expected` (lowercase or uppercase hex).
 * A structured file whose bytes already are canonical JSON (give or take a BOM and surrounding
 * whitespace — what `blastguard build` writes) is hashed as it is, without parsing: if that
 * digest equals the signed one, the bytes are exactly the canonical text the signer hashed, so
 * they mean what was signed. Otherwise (another writer's formatting, or a tampered file) it is
 * parsed and canonicalised as OPA does, and that digest is returned for the comparison.
 */
export function bundleFileDigest(path: string, bytes: Uint8Array, algorithm: HashAlgorithm, expected: string): string {
  const hash = HASH_ALGORITHMS[algorithm];
  if (isStructuredFile(path)) {
    const fast = createHash(hash).update(trimmedJson(bytes)).digest('hex');
    if (fast === expected.toLowerCase()) return fast;
  }
  return createHash(hash).update(digestInput(path, bytes)).digest('hex');
}
