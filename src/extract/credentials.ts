import crypto, { createHash } from 'node:crypto';
import type { HeaderMap } from '../core/headers.js';
import type { IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';

/*
 * Credentials in request headers (RFC 9110 §11.6.2): `Authorization: <scheme> <credentials>` with
 * one of several schemes (GitHub takes `Bearer` and `token`), AWS Signature V4, or an API's own
 * header (`Project-Access-Token: <token>`), as the API's `tokens.headers` configures.
 */

export function fingerprintOf(value: string): string {
  // A caller sends one credential with every request: its fingerprint is hashed once and kept,
  // keyed on the credential's exact text (the fingerprint is a function of that text alone).
  if (value.length > MAX_CACHED_CREDENTIAL) return `sha256:${sha256Hex(value)}`;
  const known = fingerprints.get(value);
  if (known !== undefined) return known;
  const fingerprint = `sha256:${sha256Hex(value)}`;
  // Bounded: a stream of distinct credentials empties the cache and starts it again.
  if (fingerprints.size >= MAX_FINGERPRINTS) fingerprints.clear();
  fingerprints.set(value, fingerprint);
  return fingerprint;
}

/**
 * The fingerprints of recent credentials. The cap is on entries and on each credential's length,
 * so it holds at most `MAX_FINGERPRINTS` credentials of up to `MAX_CACHED_CREDENTIAL` characters;
 * a longer one is hashed every time.
 */
const fingerprints = new Map<string, string>();
const MAX_FINGERPRINTS = 256;
const MAX_CACHED_CREDENTIAL = 1024;

/**
 * Node's one-shot `crypto.hash` (20.12+) where there is one: it skips the Hash object a
 * `createHash` chain builds, a good part of hashing a short credential on every request.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex: (value: string) => string =
  typeof oneShot === 'function' ? (value) => oneShot('sha256', value, 'hex') : (value) => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * A header name as CGI, Rack, WSGI and PHP servers key it: they read `Project_Access_Token` and
 * `Project-Access-Token` into the same variable (`HTTP_PROJECT_ACCESS_TOKEN`), whichever is sent.
 */
function cgiName(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes('_') ? lower.replace(/_/g, '-') : lower;
}

// `cgiName` and `toLowerCase` of the configured names and schemes, which every request reads
// again: kept by their text (both are functions of it alone), bounded like the fingerprints.
const cgiNames = new Map<string, string>();
const lowerSchemes = new Map<string, string>();
const MAX_NAMES = 256;

function memo(cache: Map<string, string>, text: string, of: (text: string) => string): string {
  let out = cache.get(text);
  if (out === undefined) {
    if (cache.size >= MAX_NAMES) cache.clear();
    cache.set(text, (out = of(text)));
  }
  return out;
}

const lower = (text: string): string => text.toLowerCase();

/**
 * The credential the configured headers carry, hashed on the spot so the raw value never leaves
 * this function. Every configured header is read, under every name a server may take for it
 * (case-insensitive, `_` and `-` alike): one header sent with different values, or two configured
 * headers carrying different credentials, is a conflict. Which one the upstream honours is
 * unknowable (a server may prefer another header than the configuration's first), so the caller
 * treats the request as unparseable (`fail`). The same credential in several places is one token.
 *
 * A value that does not carry one of the configured schemes (`Token x` where only Bearer is
 * configured, `Bearerx`, a bare token) is still a credential to a lenient server: it counts as one
 * (its whole value), so it conflicts with any other credential, and alone it is fingerprinted
 * whole, which no Token declares unless its value really is that string (then it is the
 * credential the server sees). It is never "no credential".
 *
 * `family` resolves a credential that no Token declares by fingerprint to the key of the token
 * family its prefix names (see core/token-family.ts); it sees the raw value here and nowhere else.
 */
export function extractToken(headers: HeaderMap, config: IrApi['tokens']['headers'], family: (credential: string, fingerprint: string) => string | null = () => null, presigned: string | null = null): string | null {
  // Nearly every request carries one credential once: read without the sets and lists the
  // general reading builds, which runs only for a request whose carriers disagree (it fails).
  let token = presigned;
  let underscored: boolean | undefined;
  for (const { name, schemes } of config) {
    const key = memo(cgiNames, name, cgiName);
    let own: string | null = null;
    // A CGI name never holds `_`: only the header sent under that very name, and names with `_`, may read as it.
    const values = headers.get(key);
    if (values !== undefined) {
      for (const raw of values) {
        const found = credentialOf(raw, schemes);
        if (found === null) continue;
        if (own === null) own = found;
        else if (own !== found) return conflictingToken(headers, config, family, presigned);
      }
    }
    underscored ??= anyUnderscored(headers);
    if (underscored) {
      for (const [sent, sentValues] of headers) {
        if (!sent.includes('_') || cgiName(sent) !== key) continue;
        for (const raw of sentValues) {
          const found = credentialOf(raw, schemes);
          if (found === null) continue;
          if (own === null) own = found;
          else if (own !== found) return conflictingToken(headers, config, family, presigned);
        }
      }
    }
    if (own === null) continue;
    if (token === null) token = own;
    else if (token !== own) return conflictingToken(headers, config, family, presigned);
  }
  if (token === null) return null;
  const fingerprint = fingerprintOf(token);
  return family(token, fingerprint) ?? fingerprint;
}

function anyUnderscored(headers: HeaderMap): boolean {
  for (const name of headers.keys()) if (name.includes('_')) return true;
  return false;
}

/** `extractToken` as sets of every credential found: the reading that names the carriers that disagree. */
function conflictingToken(headers: HeaderMap, config: IrApi['tokens']['headers'], family: (credential: string, fingerprint: string) => string | null, presigned: string | null): string | null {
  const tokens = new Set<string>();
  const carriers: string[] = [];
  // A presigned url's access key id (presigned.ts) is one more carrier: with a header naming another credential, a conflict.
  if (presigned !== null) tokens.add(presigned);
  for (const { name, schemes } of config) {
    const own = new Set<string>();
    const key = cgiName(name);
    for (const [sent, values] of headers) {
      // Names in a HeaderMap are lowercase: one without `_` is its own CGI name.
      if (sent !== key && (!sent.includes('_') || cgiName(sent) !== key)) continue;
      for (const raw of values) {
        const token = credentialOf(raw, schemes);
        if (token !== null) own.add(token);
      }
    }
    if (own.size > 1) fail(EXTRACT_CODES.conflictingHeader, `header \`${name}\` is sent several times with different values`);
    for (const token of own) {
      tokens.add(token);
      carriers.push(name);
    }
  }
  if (tokens.size > 1) {
    if (presigned !== null) fail(EXTRACT_CODES.conflictingHeader, 'the presigned url and a credential header carry different credentials');
    fail(EXTRACT_CODES.conflictingHeader, `headers ${carriers.map((c) => `\`${c}\``).join(' and ')} carry different credentials`);
  }
  const [token] = tokens;
  if (token === undefined) return null;
  const fingerprint = fingerprintOf(token);
  return family(token, fingerprint) ?? fingerprint;
}

// Optional whitespace around a field value is SP and HTAB only (RFC 9110 §5.6.3).
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** The index of the first SP or HTAB, or -1. */
function firstOws(value: string): number {
  for (let i = 0; i < value.length; i++) if (isOws(value.charCodeAt(i))) return i;
  return -1;
}

const SIGV4 = 'aws4-hmac-sha256';

/**
 * The credential a header value carries: after one of the configured schemes (case-insensitive,
 * RFC 9110 §11.1) when it has one, else the whole value. An empty value, or a scheme with nothing
 * after it, carries none. AWS Signature V4 (`AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/
 * rds/aws4_request, SignedHeaders=…, Signature=…`) is identified by its access key id: the
 * signature changes with every request and the secret key is never sent.
 */
function credentialOf(raw: string, schemes: readonly string[]): string | null {
  const value = trimOws(raw);
  if (value === '') return null;
  if (schemes.length === 0) return value;
  const space = firstOws(value);
  const head = (space < 0 ? value : value.slice(0, space)).toLowerCase();
  if (!hasScheme(schemes, head)) return value;
  const rest = space < 0 ? '' : trimOws(value.slice(space));
  if (rest === '') return null;
  return head === SIGV4 ? (sigv4AccessKey(rest) ?? value) : rest;
}

/** Whether one of the configured schemes is `head` (lowercase) without case. */
function hasScheme(schemes: readonly string[], head: string): boolean {
  for (const scheme of schemes) if (memo(lowerSchemes, scheme, lower) === head) return true;
  return false;
}

/**
 * The access key id of a Signature V4 authorization: the first component of `Credential=`, in a
 * comma-separated parameter list. A list that repeats `Credential`, or one without it, names no
 * key the server would agree on: the whole value is then the credential (an unknown one).
 */
function sigv4AccessKey(params: string): string | null {
  const credentials = params
    .split(',')
    .map((p) => trimOws(p))
    .filter((p) => p.slice(0, p.indexOf('=')).toLowerCase() === 'credential');
  if (credentials.length !== 1) return null;
  const scope = (credentials[0] ?? '').slice('credential='.length);
  const key = scope.split('/')[0] ?? '';
  return /^[A-Za-z0-9]{1,128}$/.test(key) && scope.split('/').length === 5 ? key : null;
}
