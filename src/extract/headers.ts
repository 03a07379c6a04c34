import { createHash } from 'node:crypto';
import type { IrApi } from '../ir/types.js';
import type { HttpHeaders } from './types.js';

/** Header name (lowercase) → every value it was sent with, in order. */
export type HeaderMap = ReadonlyMap<string, readonly string[]>;

export function normalizeHeaders(headers: HttpHeaders | undefined): HeaderMap {
  const out = new Map<string, string[]>();
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const list = out.get(key) ?? [];
    if (typeof value === 'string') list.push(value);
    else for (const v of value) if (typeof v === 'string') list.push(v);
    out.set(key, list);
  }
  return out;
}

export function headerValues(headers: HeaderMap, name: string): readonly string[] {
  return headers.get(name.toLowerCase()) ?? [];
}

export function fingerprintOf(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

export type TokenResult = { fingerprint: string } | { fingerprint: null } | { conflict: string };

/**
 * A header name as CGI, Rack, WSGI and PHP servers key it: they read `Project_Access_Token` and
 * `Project-Access-Token` into the same variable (`HTTP_PROJECT_ACCESS_TOKEN`), whichever is sent.
 */
function cgiName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/**
 * The credential the configured headers carry, hashed on the spot so the raw value never leaves
 * this function. Every configured header is read, under every name a server may take for it
 * (case-insensitive, `_` and `-` alike): one header sent with different values, or two configured
 * headers carrying different credentials, is a conflict. Which one the upstream honours is
 * unknowable (a server may prefer another header than the configuration's first), so the caller
 * treats the request as unparseable. The same credential in several places is one token.
 *
 * A value that does not carry the configured scheme (`Token x`, `Bearerx`, a bare token) is still
 * a credential to a lenient server: it counts as one (its whole value), so it conflicts with any
 * other credential, and alone it is fingerprinted whole, which no Token declares unless its value
 * really is that string (then it is the credential the server sees). It is never "no credential".
 */
export function extractToken(headers: HeaderMap, config: IrApi['tokens']['headers']): TokenResult {
  const tokens = new Set<string>();
  const carriers: string[] = [];
  for (const { name, scheme } of config) {
    const own = new Set<string>();
    const key = cgiName(name);
    for (const [sent, values] of headers) {
      if (cgiName(sent) !== key) continue;
      for (const raw of values) {
        const token = credentialOf(raw, scheme);
        if (token !== null) own.add(token);
      }
    }
    if (own.size > 1) return { conflict: `header \`${name}\` is sent several times with different values` };
    for (const token of own) {
      tokens.add(token);
      carriers.push(name);
    }
  }
  if (tokens.size > 1) {
    return { conflict: `headers ${carriers.map((c) => `\`${c}\``).join(' and ')} carry different credentials` };
  }
  const [token] = tokens;
  return token === undefined ? { fingerprint: null } : { fingerprint: fingerprintOf(token) };
}

// Optional whitespace around a field value is SP and HTAB only (RFC 9110 §5.6.3).
function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * The credential a header value carries: after the configured scheme (case-insensitive, RFC 9110
 * §11.1) when it has it, else the whole value. An empty value, or the scheme with nothing after
 * it, carries none.
 */
function credentialOf(raw: string, scheme: string | null): string | null {
  const value = trimOws(raw);
  if (value === '') return null;
  if (scheme === null) return value;
  const space = value.search(/[ \t]/);
  const head = space < 0 ? value : value.slice(0, space);
  if (head.toLowerCase() !== scheme.toLowerCase()) return value;
  const token = space < 0 ? '' : trimOws(value.slice(space));
  return token === '' ? null : token;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(.*)$/s;

/**
 * A W3C `traceparent` validated as Trace Context says: lowercase hex, version `ff` invalid,
 * all-zero trace or parent ids invalid, version 00 exactly 55 characters; a higher version is
 * read at the fixed positions and its trailing fields dropped. Anything invalid is ignored (null).
 */
export function parseTraceparent(headers: HeaderMap): string | null {
  const values = headerValues(headers, 'traceparent');
  if (values.length !== 1) return null;
  const value = (values[0] ?? '').trim();
  const m = TRACEPARENT.exec(value);
  if (!m) return null;
  const [, version, traceId, parentId, flags, rest] = m as unknown as [string, string, string, string, string, string];
  if (version === 'ff') return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  if (version === '00') return rest === '' ? value : null;
  if (rest !== '' && !rest.startsWith('-')) return null;
  return `${version}-${traceId}-${parentId}-${flags}`;
}

// RFC 7230 token characters, the baggage key syntax.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * W3C baggage list-members, percent-decoded, first occurrence of a key winning. Members that do
 * not parse are skipped: baggage is an unauthenticated hint, and one bad member must not hide the rest.
 */
export function parseBaggage(headers: HeaderMap): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of headerValues(headers, 'baggage')) {
    for (const member of header.split(',')) {
      const [pair] = member.split(';');
      if (pair === undefined) continue;
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const key = pair.slice(0, eq).trim();
      const rawValue = pair.slice(eq + 1).trim();
      if (!TOKEN.test(key) || out.has(key)) continue;
      const value = percentDecode(rawValue);
      if (value === null) continue;
      out.set(key, value);
    }
  }
  return out;
}

function percentDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

export type AttemptResult = { attempt: number | null } | { malformed: string };

/** The retry attempt: a decimal integer from 1 to 1,000,000,000, sent once (or repeated identically). */
export function parseAttempt(headers: HeaderMap, header: string | null): AttemptResult {
  if (header === null) return { attempt: null };
  const values = [...new Set(headerValues(headers, header).map((v) => v.trim()))];
  if (values.length === 0) return { attempt: null };
  const [value] = values;
  if (values.length > 1 || value === undefined || !/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > 1_000_000_000) {
    return { malformed: values.join(', ') };
  }
  return { attempt: Number(value) };
}
