import { headerValues } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';
import { parseJsonNotingDuplicates } from '../core/json.js';
import { isRecord } from '../core/record.js';
import { labelled, quote } from '../core/untrusted.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';
import { plainUrl, type RequestUrl } from './plain-url.js';
import { refuseTargetOverrides, type DecidedTarget } from './url-override.js';
import type { HttpRequest } from './types.js';

/*
 * HTTP/1.1 request framing as servers read it (RFC 9110, RFC 9112): the target URI, in absolute
 * or origin form with `Host`; the body, UTF-8, identity-encoded; the methods frameworks may run
 * it as instead (`X-HTTP-Method-Override`, `_method`).
 */

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A request reduced to what every protocol reads, once it is known to read one way. */
export interface NormalizedRequest {
  /** Uppercase. */
  method: string;
  url: RequestUrl;
  headers: HeaderMap;
  /** The body as UTF-8 text, '' when there is none, or when the protocol never reads it (`opaque`). */
  text: string;
  /** The body's bytes as received (inflated, when the proxy inflated them): what may be forwarded as is. */
  bytes: Uint8Array;
  /** The size bound a body, or a GET's query string, must keep. */
  limit: number;
  /**
   * `readJson(text)` once `jsonBody` read it, with the text it was read from (a copy with another
   * `text` reads its own), and whether that text is `JSON.stringify(value)` itself.
   */
  json?: { text: string; value: unknown; stable: boolean };
}

/** The host a request names, as the API catalog lists hosts: lowercase, without a trailing dot. */
export function hostOf(url: Pick<RequestUrl, 'hostname'>): string {
  const host = url.hostname.toLowerCase();
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * The request URL, or why it is unparseable. Which host a request goes to must read one way: one
 * `Host` header, agreeing with an absolute-form URL's authority (servers behind a proxy may route
 * by either), and no userinfo (`user@host`), which parsers split at different `@`s.
 */
export function parseUrl(raw: string, headers: HeaderMap): RequestUrl {
  const invalid = (message: string): never => fail(EXTRACT_CODES.invalidUrl, message);
  const hosts = headerValues(headers, 'host');
  if (hosts.length > 1 || hosts.some((h) => h.includes(','))) invalid('the request has several `Host` headers: servers differ on which one they read');
  const [hostHeader] = hosts;
  const header = hostHeader?.trim();
  if (header !== undefined && (header === '' || /[@/\\?#\s]/.test(header))) {
    invalid('the `Host` header is not a plain host and port (userinfo, a path or spaces): servers read it differently');
  }
  // A plain origin-form target under a plain `Host` (nearly every request) reads as written.
  if (header !== undefined && raw.charCodeAt(0) === 0x2f) {
    const plain = plainUrl(header, raw);
    if (plain !== null) return plain;
  }
  let url: URL;
  try {
    if (raw.startsWith('/')) {
      if (header === undefined) return invalid('the request url cannot be parsed');
      // An origin-form target is a path: `new URL('//other.host/x', base)` would read `other.host`
      // as the authority (and `/\host`, or `/<tab>/host` once WHATWG drops tabs, alike), so the
      // request would be decided for one api and routed to another. The authority is the `Host`
      // header's, always; a path that opens with two slashes is refused, since servers and
      // proxies in front of the upstream may read it as an authority too.
      url = new URL(`http://${header}${raw}`);
      if (/^[/\\]{2}/.test(raw) || url.pathname.startsWith('//')) {
        invalid('the request target opens with `//`: some servers read it as another host, not a path');
      }
    } else {
      url = new URL(raw);
    }
  } catch {
    return invalid('the request url cannot be parsed');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid('the request url cannot be parsed');
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/*([^/?#]*)/.exec(raw)?.[1] ?? '';
  if (url.username !== '' || url.password !== '' || (!raw.startsWith('/') && authority.includes('@'))) {
    invalid('the request url carries userinfo (`user@host`): parsers differ on which host it names');
  }
  if (!raw.startsWith('/') && header !== undefined) {
    let fromHeader: URL;
    try {
      fromHeader = new URL(`${url.protocol}//${header}`);
    } catch {
      return invalid('the `Host` header cannot be parsed');
    }
    const plain = (u: URL): string => `${hostOf(u)}:${u.port}`;
    if (plain(fromHeader) !== plain(url)) {
      invalid('the `Host` header names another host than the request url: servers differ on which one they route by');
    }
  }
  return url;
}

/**
 * The request's method, body and headers once they read one way: a body within the limit, valid
 * UTF-8 and identity-encoded, and nothing that asks the server to run it as another method. An
 * `opaque` body (one the protocol never reads: an S3 object's data) is only bounded: it may be any
 * bytes in any encoding, and is never decoded as text.
 */
export function normalizeRequest(request: HttpRequest, url: RequestUrl, headers: HeaderMap, limit: number, opaque = false): NormalizedRequest {
  const bytes = bodyBytes(request.body, limit);
  if (opaque) {
    const normalized: NormalizedRequest = { method: upperMethod(request.method), url, headers, text: '', bytes, limit };
    const override = methodOverride(normalized);
    if (override !== null) fail(EXTRACT_CODES.methodOverride, override);
    refuseTargetOverrides(headers, () => decidedTarget(request, url));
    return normalized;
  }
  const text = readBody(request.body, limit);
  // A server that inflates `Content-Encoding: gzip` (Express, nginx modules) reads other bytes than
  // the ones the enforcer would parse: only an identity-encoded body is read.
  if (text !== '' && headers.has('content-encoding')) {
    const codings = headerValues(headers, 'content-encoding')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim().toLowerCase())
      .filter((v) => v !== '' && v !== 'identity');
    if (codings.length > 0) {
      fail(EXTRACT_CODES.unsupportedContentType, 'the request body has a content encoding other than `identity`: the server may decode it into other bytes');
    }
  }
  const normalized: NormalizedRequest = { method: upperMethod(request.method), url, headers, text, bytes, limit };
  const override = methodOverride(normalized);
  if (override !== null) fail(EXTRACT_CODES.methodOverride, override);
  refuseTargetOverrides(headers, () => decidedTarget(request, url));
  return normalized;
}

/** `method.toUpperCase()`, without the call for a method that is uppercase ASCII already (nearly every one). */
function upperMethod(method: string): string {
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if (c < 0x41 || c > 0x5a) return method.toUpperCase();
  }
  return method;
}

/** What routing headers must read as (url-override.ts): the host the request is read under, the one its client named, and its target as sent. */
function decidedTarget(request: HttpRequest, url: RequestUrl): DecidedTarget {
  const target = request.url.startsWith('/') ? request.url : request.url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/, '') || '/';
  return { host: hostOf(url), target, ...(request.clientHost === undefined ? {} : { aliases: [request.clientHost] }) };
}

function bodyBytes(body: HttpRequest['body'], limit: number): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array(0);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.byteLength > limit) fail(EXTRACT_CODES.bodyTooLarge, `the request body has ${bytes.byteLength} bytes, more than the limit of ${limit}`);
  return bytes;
}

// Decoding whole bodies keeps no state between calls: one decoder serves every request.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function readBody(body: HttpRequest['body'], limit: number): string {
  if (body === undefined || body === null) return '';
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > limit) fail(EXTRACT_CODES.bodyTooLarge, `the request body has ${size} bytes, more than the limit of ${limit}`);
  if (typeof body === 'string') return body;
  try {
    return UTF8.decode(body);
  } catch {
    return fail(EXTRACT_CODES.invalidBody, 'the request body is not valid utf-8');
  }
}

/** The media type, lowercase without parameters; several different ones are never a supported type. */
export function mediaType(headers: HeaderMap): string | null {
  const values = headerValues(headers, 'content-type');
  // One value (nearly every request) is its own type: no set of one to build.
  if (values.length === 1) return typeOf(values[0]!);
  const types = new Set(values.map(typeOf));
  if (types.size === 0) return null;
  if (types.size > 1) return [...types].join(', ');
  const [type] = types;
  return type ?? null;
}

function typeOf(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

export function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** Whether the path is the API's one endpoint (GraphQL, MCP); a trailing slash reads the same. */
export function pathMatchesEndpoint(url: Pick<RequestUrl, 'pathname'>, endpoint: string | null): boolean {
  if (endpoint === null) return true;
  const path = url.pathname;
  if (path === endpoint) return true;
  const strip = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  return strip(path) === strip(endpoint);
}

/**
 * `readJson` of the request's body, read once per request (for the method override, then by its
 * protocol) and kept on the request itself; the value is shared, never change it.
 */
export function jsonBody(request: NormalizedRequest): unknown {
  return readBodyJson(request).value;
}

/**
 * The request's body text when it is `JSON.stringify(jsonBody(request))` exactly (json-duplicates.ts,
 * `stable`): the text of each value in it is then `JSON.stringify` of that value. Undefined otherwise.
 */
export function stableJsonText(request: NormalizedRequest): string | undefined {
  return readBodyJson(request).stable ? request.text : undefined;
}

function readBodyJson(request: NormalizedRequest): { value: unknown; stable: boolean } {
  const known = request.json;
  if (known !== undefined && known.text === request.text) return known;
  const read = readJsonNoting(request.text);
  request.json = { text: request.text, value: read.value, stable: read.stable };
  return request.json;
}

/** A JSON body as servers read it: JSON, and no object that repeats a member name. */
export function readJson(text: string): unknown {
  return readJsonNoting(text).value;
}

function readJsonNoting(text: string): { value: unknown; stable: boolean } {
  // Text `JSON.parse` accepts but Go's decoder would not (nested past its depth) is unreadable too.
  const json = parseJsonNotingDuplicates(text) ?? fail(EXTRACT_CODES.invalidBody, 'the request body is not valid json');
  if (json.duplicate !== null) {
    fail(EXTRACT_CODES.invalidBody, `the json body repeats ${labelled('the member', json.duplicate, 'key', 'a member name')} in one object: parsers differ on which copy they keep`);
  }
  if (json.inexact !== null) inexactNumber('the json body', json.inexact);
  return json;
}

/** Refuses a number the reader would change (core/exact-number.ts): what is decided and forwarded must be what was sent. */
export function inexactNumber(where: string, literal: string): never {
  return fail(EXTRACT_CODES.inexactNumber, `${where} has the number ${quote(literal.slice(0, 40), 'number', 'a long number')}, which a javascript number does not hold exactly: it would be decided and forwarded as another value`);
}

/** Headers frameworks read to run a request as another method than the one it was sent with. */
const OVERRIDE_HEADERS: ReadonlySet<string> = new Set(['x-http-method-override', 'x-http-method', 'x-method-override']);

/**
 * Why the request may be run as another method than its own, or null. Frameworks (Rails, Laravel,
 * Express method-override, ASP.NET, Google APIs) honour these; whether this upstream or a proxy in
 * between does is unknowable, so any of them makes the request unparseable.
 */
function methodOverride(request: NormalizedRequest): string | null {
  const { headers, url, text } = request;
  // CGI, Rack and PHP servers read `X_HTTP_Method_Override` as `X-HTTP-Method-Override`.
  for (const sent of headers.keys()) {
    const name = sent.includes('_') ? sent.replace(/_/g, '-') : sent;
    if (OVERRIDE_HEADERS.has(name)) return `header \`${name}\` may make the server run the request as another method`;
  }
  if (url.search !== '' && [...url.searchParams.keys()].some(isMethodParam)) return 'url parameter `_method` may make the server run the request as another method';
  if (text.trim() === '') return null;
  const type = mediaType(headers);
  let inBody = false;
  if (type === 'application/x-www-form-urlencoded') {
    inBody = [...new URLSearchParams(text).keys()].some(isMethodParam);
  } else if (type !== null && type.startsWith('multipart/')) {
    inBody = /name\s*=\s*"?_method"?/i.test(text);
  } else {
    let value: unknown;
    try {
      value = jsonBody(request);
    } catch {
      // An unreadable body is refused by the protocol that reads it, with its own code.
      value = undefined;
    }
    inBody = Array.isArray(value) ? (value as unknown[]).some(namesMethod) : namesMethod(value);
  }
  return inBody ? 'body parameter `_method` may make the server run the request as another method' : null;
}

/** Whether `value` is an object with a member `isMethodParam` names (its own keys, as `Object.keys` lists them). */
function namesMethod(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const name in value) if (Object.prototype.hasOwnProperty.call(value, name) && isMethodParam(name)) return true;
  return false;
}

function isMethodParam(name: string): boolean {
  // Only ASCII letters lowercase to `_method`'s letters, one for one: another length never reads as it.
  return name.length === 7 && name.toLowerCase() === '_method';
}
