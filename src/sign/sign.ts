import { CompactSign } from 'jose';
import { canonicalJson, goJsonString } from '../core/canonical-json.js';
import { BlastguardError } from '../core/errors.js';
import { bundleFiles, hashBundleFile, packBundle, type BundleContent, type BundleEntry } from '../bundle/index.js';
import type { SigningKey } from './keys.js';
import { BUNDLE_CODES } from '../bundle/codes.js';

export interface SigningOptions {
  key: SigningKey;
  /** Goes to the JWT header `kid`, and to the `keyid` claim when there are no custom claims (OPA's rule). */
  keyId?: string;
  /** The `scope` claim; verifiers configured with a scope require it to match exactly. */
  scope?: string;
  /** Extra top-level claims (OPA's `--claims-file`); `files` is reserved. */
  claims?: Readonly<Record<string, unknown>>;
}

/** The claims OPA decodes with fixed types; a wrong type would make OPA's verifier fail to decode the token. */
const STRING_CLAIMS = ['keyid', 'scope', 'iss'];

function claimsError(message: string): BlastguardError {
  return new BlastguardError(BUNDLE_CODES.claimsFile, message, { help: 'the claims file must be a json object of extra jwt claims' });
}

/**
 * The JWT payload OPA's signer writes: a Go map, so keys sorted; each `files[]` item as a Go struct,
 * so `name`, `hash`, `algorithm` in that order; names without a leading `/`.
 */
export function signaturePayload(files: readonly BundleEntry[], options: Omit<SigningOptions, 'key'>): string {
  const claims: Record<string, unknown> = {};
  if (options.claims !== undefined) {
    for (const [k, v] of Object.entries(options.claims)) claims[k] = v;
    if ('files' in claims) throw claimsError('claims may not set `files`; blastguard lists the bundle files itself');
    for (const k of STRING_CLAIMS) {
      if (k in claims && typeof claims[k] !== 'string') throw claimsError(`claim \`${k}\` must be a string`);
    }
    if ('iat' in claims && !Number.isSafeInteger(claims.iat)) throw claimsError('claim `iat` must be an integer (seconds since the epoch)');
  } else if (options.keyId !== undefined) {
    claims.keyid = options.keyId;
  }
  if (options.scope !== undefined) {
    if (claims.scope !== undefined && claims.scope !== options.scope) {
      throw claimsError(`claim \`scope\` is \`${String(claims.scope)}\` but --scope is \`${options.scope}\``);
    }
    claims.scope = options.scope;
  }
  const names = new Set<string>();
  const fileItems = files.map((f) => {
    if (names.has(f.path)) {
      throw new BlastguardError(BUNDLE_CODES.unwritable, `bundle file \`${f.path}\` is listed twice`, { help: 'a bundle names each file once; pass each file to the signer once' });
    }
    names.add(f.path);
    return `{"name":${goJsonString(f.path)},"hash":"${hashBundleFile(f.path, f.bytes)}","algorithm":"SHA-256"}`;
  });
  const members: [string, string][] = Object.entries(claims).map(([k, v]) => [k, canonicalJson(v)]);
  members.push(['files', `[${fileItems.join(',')}]`]);
  members.sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return `{${members.map(([k, v]) => `${goJsonString(k)}:${v}`).join(',')}}`;
}

/** A compact JWS over `files`, header `{"alg","kid"?}` exactly as OPA writes it (no `typ`). */
export async function signFiles(files: readonly BundleEntry[], options: SigningOptions): Promise<string> {
  const payload = Buffer.from(signaturePayload(files, options), 'utf8');
  const header: { alg: string; kid?: string } = { alg: options.key.alg };
  if (options.keyId !== undefined) header.kid = options.keyId;
  return new CompactSign(payload).setProtectedHeader(header).sign(options.key.key);
}

/** `.signatures.json` as OPA writes it: Go `json.MarshalIndent` with a one-space indent. */
export function serializeSignatures(jws: string): Uint8Array {
  return Buffer.from(JSON.stringify({ signatures: [jws] }, null, 1), 'utf8');
}

/** Signs the files and returns the `.signatures.json` bytes. */
export async function signBundleFiles(files: readonly BundleEntry[], options: SigningOptions): Promise<Uint8Array> {
  return serializeSignatures(await signFiles(files, options));
}

/**
 * The gzip tar bytes of a bundle from content already compiled, signed when `signing` is given (the
 * toolchain builds bundles from policies: src/toolchain/bundle.ts; this only packs and signs). Unsigned,
 * RS* and HS* bundles are byte-identical for identical content; PS* and ES* signatures are
 * randomised, so only `.signatures.json` differs between two such builds.
 */
export async function packSignedBundle(content: BundleContent, options: { signing?: SigningOptions } = {}): Promise<Uint8Array> {
  const files = bundleFiles(content);
  const signatures = options.signing === undefined ? undefined : await signBundleFiles(files, options.signing);
  return packBundle(files, signatures);
}
