import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { compactVerify, errors as joseErrors } from 'jose';
import { BlastguardError } from '../core/errors.js';
import { hasOwn } from '../core/record.js';
import {
  HASH_ALGORITHMS,
  WEAK_HASH_ALGORITHMS,
  CATALOG_PATH,
  algorithmFamily,
  bundleFileDigest,
  isHashAlgorithm,
  printable,
  readBundle,
  type Bundle,
  type ReadBundleOptions,
  type SigningAlgorithm,
} from '../bundle/index.js';
import { compileExcludePattern } from './glob.js';
import { decodeCompactJws, type DecodedJws } from './jws.js';
import type { VerificationKey } from './keys.js';
import { VERIFY_CODES } from './codes.js';
import type { VerifyCode } from './codes.js';

/**
 * OPA's bundle verification (`bundle.Read` → `checkSignaturesAndDescriptors`, `verify.go`), one
 * check per step, each failing with its own code. Deliberately stricter than OPA where OPA is
 * lenient in a way that has bitten it: a configured key always requires a signature (no key-id
 * condition, cf. GHSA-g2pf-6v5v-qcc8), the token's `alg` must equal the configured one, custom
 * signer plugins and weak hashes are refused.
 */
export interface VerificationConfig {
  /** Trusted keys by key id. Must not be empty: there is no "verify nothing" configuration. */
  keys: Readonly<Record<string, VerificationKey>>;
  /** The key id to use, whatever the token says (OPA's `signing.keyid` / `--verification-key-id`). */
  keyId?: string;
  /** Required `scope` claim; defaults to the key's own scope. Both unset matches only a token without scope. */
  scope?: string;
  /** Go `filepath.Match` globs of bundle paths (no leading `/`) that need not be signed. */
  excludeFiles?: readonly string[];
}

export interface VerificationResult {
  keyId: string;
  algorithm: SigningAlgorithm;
  scope: string | undefined;
  /** Bundle paths whose digests matched, in the order the signature lists them. */
  files: string[];
  /** Bundle paths skipped by an exclude pattern. */
  excluded: string[];
  revision: string;
  issuer: string | undefined;
  issuedAt: number | undefined;
}

/** A single trusted key under one id (the CLI's `--verification-key` + `--key-id`, default `default`). */
export function singleKeyConfig(
  key: VerificationKey,
  options: { keyId?: string; scope?: string; excludeFiles?: readonly string[] } = {},
): VerificationConfig {
  const keyId = options.keyId ?? 'default';
  return { keys: { [keyId]: key }, keyId, scope: options.scope, excludeFiles: options.excludeFiles };
}

function reject(code: VerifyCode, message: string, help?: string): BlastguardError<VerifyCode> {
  return new BlastguardError(code, message, help === undefined ? {} : { help });
}

const SIGNATURES_HELP = 'OPA writes `{"signatures": ["<jwt>"]}`; re-sign the bundle with `blastguard build --signing-key`';

// ---- the pipeline --------------------------------------------------------------------------------

function requireKeys(config: VerificationConfig): void {
  if (Object.keys(config.keys).length === 0) {
    throw reject(VERIFY_CODES.noVerificationKey, 'no verification key configured', 'give a verification key; to load a bundle without one, skip verification explicitly');
  }
}

function requireSignaturesFile(bundle: Bundle): Uint8Array {
  if (bundle.signatures === null) {
    throw reject(VERIFY_CODES.unsigned, 'bundle is not signed: it has no `.signatures.json`', 'a verification key was given, so an unsigned bundle is rejected; sign it with `blastguard build --signing-key`');
  }
  return bundle.signatures;
}

function singleJwt(signatures: Uint8Array): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(signatures));
  } catch {
    throw reject(VERIFY_CODES.signaturesFile, '`.signatures.json` is not valid json', SIGNATURES_HELP);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw reject(VERIFY_CODES.signaturesFile, '`.signatures.json` is not a json object', SIGNATURES_HELP);
  const { signatures: list, plugin } = parsed as Record<string, unknown>;
  if (plugin !== undefined && plugin !== null && plugin !== '') {
    throw reject(VERIFY_CODES.signerPlugin, `bundle was signed by custom signer plugin \`${printable(String(plugin))}\`, which blastguard cannot verify`, 'sign the bundle with `blastguard build --signing-key` (or `opa build`/`opa sign` without --signing-plugin)');
  }
  if (list !== undefined && list !== null && !Array.isArray(list)) throw reject(VERIFY_CODES.signaturesFile, '`.signatures.json` field `signatures` is not an array', SIGNATURES_HELP);
  const jwts = (list ?? []) as unknown[];
  if (jwts.length === 0) throw reject(VERIFY_CODES.noJwt, '`.signatures.json` has no jwt (expected exactly one)', 'OPA verifies exactly one jwt; re-sign the bundle');
  if (jwts.length > 1) throw reject(VERIFY_CODES.severalJwts, `\`.signatures.json\` has ${jwts.length} jwts (expected exactly one)`, 'OPA supports exactly one jwt per bundle; re-sign the bundle once');
  if (typeof jwts[0] !== 'string') throw reject(VERIFY_CODES.malformedJwt, 'bundle signature is malformed: the jwt is not a string', SIGNATURES_HELP);
  return jwts[0];
}

function resolveKey(jws: DecodedJws, config: VerificationConfig): { keyId: string; key: VerificationKey } {
  const headerKid = typeof jws.header.kid === 'string' && jws.header.kid !== '' ? jws.header.kid : undefined;
  const keyId = config.keyId || headerKid || jws.payload.keyid || '';
  if (keyId === '') throw reject(VERIFY_CODES.noKeyId, 'bundle signature names no key id and none is configured', 'configure the key id to verify with');
  const key = hasOwn(config.keys, keyId) ? config.keys[keyId] : undefined;
  if (key === undefined) throw reject(VERIFY_CODES.unknownKeyId, `no verification key with id \`${printable(keyId)}\``, `known key ids: ${Object.keys(config.keys).map((k) => `\`${k}\``).join(', ')}`);
  return { keyId, key };
}

/** The configured algorithm decides; a token claiming another (`none`, HS256 against an RSA key, …) is refused before any crypto. */
function checkAlgorithm(jws: DecodedJws, key: VerificationKey): void {
  if (jws.header.alg !== key.alg) {
    throw reject(VERIFY_CODES.algorithmMismatch, `bundle signature uses \`${printable(String(jws.header.alg))}\` but the verification key is configured for \`${key.alg}\``, 'pass --signing-alg with the algorithm the bundle was signed with');
  }
}

const PSS_HASH: Record<string, string> = { PS256: 'sha256', PS384: 'sha384', PS512: 'sha512' };

async function checkSignature(token: string, jws: DecodedJws, key: VerificationKey): Promise<void> {
  let ok: boolean;
  if (algorithmFamily(key.alg) === 'PS') {
    // OPA signs PS* with the maximum salt length; WebCrypto (and so jose) insists on a salt as long
    // as the hash. OpenSSL's auto-detection accepts both, as Go's verifier does.
    ok = cryptoVerify(
      PSS_HASH[key.alg]!,
      jws.signingInput,
      { key: key.key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      jws.signature,
    );
  } else {
    try {
      await compactVerify(token, key.key, { algorithms: [key.alg] });
      ok = true;
    } catch (e) {
      if (e instanceof joseErrors.JWSSignatureVerificationFailed) ok = false;
      else if (e instanceof joseErrors.JOSEError) throw reject(VERIFY_CODES.malformedJwt, `bundle signature is malformed: ${e.message.toLowerCase()}`, 'the token was altered or not written by an OPA-compatible signer; re-sign the bundle');
      else throw reject(VERIFY_CODES.verificationKey, `verification key cannot verify ${key.alg}: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`, 'pass the public key that matches the signing key, with --signing-alg set to its algorithm');
    }
  }
  if (!ok) throw reject(VERIFY_CODES.badSignature, 'bundle signature does not verify with the configured key', 'the bundle was signed with another key, or the signature was altered');
}

function checkScope(jws: DecodedJws, key: VerificationKey, config: VerificationConfig): string | undefined {
  const expected = config.scope ?? key.scope;
  const actual = jws.payload.scope;
  if ((expected ?? '') !== (actual ?? '')) {
    const want = (expected ?? '') === '' ? 'no scope was expected' : `the expected scope is \`${printable(expected ?? '')}\``;
    const got = (actual ?? '') === '' ? 'bundle signature has no scope' : `bundle signature scope \`${printable(actual ?? '')}\` does not match`;
    throw reject(
      VERIFY_CODES.scopeMismatch,
      `${got}; ${want}`,
      (expected ?? '') === '' ? 'pass --scope with the scope the bundle was signed for' : 'sign the bundle with this --scope, or verify with the scope it was signed for',
    );
  }
  return actual;
}

function checkFiles(jws: DecodedJws, bundle: Bundle, config: VerificationConfig): { files: string[]; excluded: string[] } {
  const listed = new Map<string, { hash: string; algorithm: string }>();
  for (const f of jws.payload.files) {
    if (listed.has(f.name)) throw reject(VERIFY_CODES.fileListedTwice, `bundle signature lists \`${printable(f.name)}\` more than once`, 'OPA would check only one of the entries; re-sign the bundle');
    listed.set(f.name, f);
  }
  const excludes = (config.excludeFiles ?? []).map(compileExcludePattern);
  const covered = new Set<string>();
  const excluded: string[] = [];
  for (const [path, bytes] of bundle.files) {
    if (excludes.some((m) => m(path))) {
      if (decidesPolicy(path, bundle)) {
        throw reject(VERIFY_CODES.excludesPolicyFile, `exclude pattern matches \`${path}\`, which the policy is loaded from; it must stay signed`, 'exclude only files OPA does not load, such as documentation');
      }
      excluded.push(path);
      continue;
    }
    const entry = listed.get(path);
    if (entry === undefined) throw reject(VERIFY_CODES.uncoveredFile, `bundle file \`${path}\` is not covered by the signature`, 'every file must be signed; re-sign the bundle, or exclude the file explicitly');
    if (entry.algorithm === '') throw reject(VERIFY_CODES.hashAlgorithm, `bundle signature gives no hash algorithm for \`${path}\``, `supported: ${Object.keys(HASH_ALGORITHMS).join(', ')}; re-sign the bundle`);
    if (!isHashAlgorithm(entry.algorithm)) {
      const weak = WEAK_HASH_ALGORITHMS.includes(entry.algorithm);
      throw reject(VERIFY_CODES.hashAlgorithm, `bundle signature hashes \`${path}\` with ${weak ? 'weak' : 'unsupported'} algorithm \`${printable(entry.algorithm)}\``, `supported: ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
    }
    const actual = bundleFileDigest(path, bytes, entry.algorithm, entry.hash);
    if (actual !== entry.hash.toLowerCase()) {
      throw reject(VERIFY_CODES.digestMismatch, `bundle file \`${path}\` does not match its signed digest (want ${printable(entry.hash)}, got ${actual})`, 'the file was changed after signing');
    }
    covered.add(path);
  }
  const missing = [...listed.keys()].filter((name) => !bundle.files.has(name));
  if (missing.length > 0) {
    throw reject(VERIFY_CODES.missingSignedFile, `signed file(s) ${missing.map((m) => `\`${printable(m)}\``).join(', ')} missing from the bundle`, 'a file was removed or renamed after signing');
  }
  return { files: jws.payload.files.map((f) => f.name).filter((n) => covered.has(n)), excluded };
}

const LOADED_BASENAMES = new Set(['data.json', 'data.yaml', 'data.yml', '.manifest', 'policy.wasm', 'plan.json', 'patch.json']);

/**
 * Files OPA loads as policy or data, and the api catalog requests are read with (`decideRequest`
 * extracts operations with it, so it decides as much as the policy): excluding one from the
 * signature would let it be swapped freely.
 */
function decidesPolicy(path: string, bundle: Bundle): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    LOADED_BASENAMES.has(base) ||
    path === CATALOG_PATH ||
    base.endsWith('.rego') ||
    path.endsWith('.manifest') ||
    [...bundle.wasmModules.keys()].some((name) => name.replace(/^\//, '') === path)
  );
}

/**
 * Verifies a bundle's signature against trusted keys. Resolves with what was verified, or throws
 * BlastguardError BG300–BG318. Never returns for an unsigned bundle.
 */
export async function verifyBundle(bundle: Bundle, config: VerificationConfig): Promise<VerificationResult> {
  requireKeys(config);
  const token = singleJwt(requireSignaturesFile(bundle));
  const jws = decodeCompactJws(token);
  const { keyId, key } = resolveKey(jws, config);
  checkAlgorithm(jws, key);
  await checkSignature(token, jws, key);
  const scope = checkScope(jws, key, config);
  const { files, excluded } = checkFiles(jws, bundle, config);
  return { keyId, algorithm: key.alg, scope, files, excluded, revision: bundle.revision, issuer: jws.payload.iss, issuedAt: jws.payload.iat };
}

/**
 * How a caller loads a bundle: verified against a config, or — only by saying so — not at all.
 * There is no default that skips verification.
 */
export type OpenBundleOptions = ReadBundleOptions & ({ verification: VerificationConfig } | { skipVerification: true });

/** Reads and (unless told `skipVerification: true`) verifies a bundle; `verification` is null only when skipped. */
export async function openBundle(bytes: Uint8Array, options: OpenBundleOptions): Promise<{ bundle: Bundle; verification: VerificationResult | null }> {
  const bundle = await readBundle(bytes, options);
  if ('verification' in options) return { bundle, verification: await verifyBundle(bundle, options.verification) };
  if (options.skipVerification !== true) throw reject(VERIFY_CODES.noVerificationKey, 'no verification key configured', 'pass `verification`, or `skipVerification: true` to load the bundle unverified');
  return { bundle, verification: null };
}
