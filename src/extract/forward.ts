import { gunzipSync } from 'node:zlib';
import { headerValues, normalizeHeaders } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';
import type { IrCatalog } from '../ir/catalog.js';
import type { IrApi } from '../ir/types.js';
import { quote } from '../core/untrusted.js';
import { apiFor } from './api.js';
import { bodyIsData, canonicalData } from './data-route.js';
import { EXTRACT_CODES } from './codes.js';
import { ExtractFailure, fail } from './failure.js';
import { declaredBodyType } from './form-json.js';
import { decisionInputsOf, decisionInputsOfRequest, extractDecisionInputs } from './index.js';
import type { Context } from './input.js';
import { withCompressedOriginal } from './protocols/aws-compressed.js';
import { canonicalHttp } from './protocols/canonical-http.js';
import { PROTOCOLS } from './protocols/index.js';
import type { Message } from './protocols/index.js';
import { hostOf, normalizeRequest, parseUrl } from './request.js';
import { forwardsCookie } from './undecided-credentials.js';
import { isRoutingHeader } from './url-override.js';
import type { ExtractedOperation, ForwardExtraction, ForwardLimits, ForwardOptions, ForwardRequest, HttpRequest } from './types.js';
import type { RequestUrl } from './plain-url.js';

/*
 * "Forward what was decided" (issue 11): the egress proxy never forwards the bytes it parsed. The
 * request is read once, written back in the one canonical form its protocol defines, and the
 * decision inputs are extracted from that canonical request — the one the upstream receives:
 * from the structure the protocol wrote it from when it gives one (`CanonicalMessage.decided`),
 * else by reading the written request back.
 */

export const DEFAULT_FORWARD_LIMITS: Readonly<ForwardLimits> = { maxBodyBytes: 1024 * 1024, maxDataBytes: 64 * 1024 * 1024, maxDepth: 30, maxAliases: 100, maxTokens: 10_000 };

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1), the framing and encoding the proxy recomputes, and the
 * method overrides it refuses: never forwarded from the caller.
 */
const DROPPED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'content-length', 'content-encoding', 'content-type', 'expect', 'http2-settings',
  'x-http-method-override', 'x-http-method', 'x-method-override',
]);

/**
 * Reads a request, writes it back canonically and extracts the decision inputs of what is
 * forwarded. Pure: no I/O, no clock. Never throws for anything a client can send: a request that
 * cannot be read or written back one way yields one input without `operation` and `forward: null`.
 */
export function extractForwarding(request: HttpRequest, ir: IrCatalog, options: ForwardOptions): ForwardExtraction {
  return extractForwardingOf(request, normalizeHeaders(request.headers), ir, options);
}

/**
 * `extractForwarding` of a request whose headers were already read into a `HeaderMap` (what
 * `normalizeHeaders(request.headers)` makes of them); `request.headers` is not read. The proxy
 * builds that map from the raw header list the server received, without the objects in between.
 */
export function extractForwardingOf(request: HttpRequest, headers: HeaderMap, ir: IrCatalog, options: ForwardOptions): ForwardExtraction {
  const limits = limitsOf(options.limits);
  const context: Context = { api: 'unknown', time: typeof options.time === 'string' ? options.time : options.time.toISOString() };
  let forward: ForwardRequest;
  let canonicalUrl: RequestUrl;
  let direct: { messages: readonly Message[]; headers: HeaderMap; api: IrApi; search: string } | null = null;
  let limit = limits.maxBodyBytes;
  try {
    const url = parseUrl(request.url, headers);
    const api = apiFor(ir, hostOf(url), url, context);
    // A body the protocol never reads (S3 object data) is forwarded as sent, encoding included.
    const opaque = bodyIsData(api, request.method, url);
    limit = opaque ? limits.maxDataBytes : limits.maxBodyBytes;
    const size = request.body === undefined || request.body === null ? 0 : typeof request.body === 'string' ? Buffer.byteLength(request.body, 'utf8') : request.body.byteLength;
    if (size > limit) fail(EXTRACT_CODES.limitExceeded, `the request body has more than ${limit} bytes, the proxy's limit`);
    const plain = opaque || !headers.has('content-encoding') ? headers : withoutEncoding(headers);
    const body = opaque ? (request.body ?? '') : decodeBody(request.body, headers, limits.maxBodyBytes);
    const normalized = normalizeRequest(request.clientHost === undefined ? { method: request.method, url: request.url, body } : { method: request.method, url: request.url, body, clientHost: request.clientHost }, url, opaque ? plain : declaredBodyType(plain, api), limit, opaque);
    // A data route of an api whose protocol reads bodies (Railway's `up` upload) goes as sent.
    const writer = opaque && PROTOCOLS[api.protocol].bodyIsData !== true ? canonicalData : (PROTOCOLS[api.protocol].canonical ?? canonicalHttp);
    const message = withCompressedOriginal(request.body, headers, normalized, api, writer(normalized, api, limits));
    const bytes = typeof message.body === 'string' ? Buffer.from(message.body, 'utf8') : message.body;
    const out: Record<string, string | string[]> = {};
    // The forwarded headers as `normalizeHeaders(out)` reads them, built alongside: the names
    // copied below are lowercase and distinct, and none of them is one set after the loop.
    const sent = new Map<string, readonly string[]>();
    const connection = connectionNames(headers);
    // `Connection` may name any header as hop-by-hop, and a proxy drops what it names. Naming an
    // end-to-end header (a `Txn-Token`, the credential, baggage) would make the proxy decide on a
    // request without it: a present envelope that fails would become a silent absence.
    for (const name of connection) {
      if (name !== '' && !DROPPED.has(name) && name !== 'close') fail(EXTRACT_CODES.notForwardable, `\`Connection\` names the end-to-end header ${quote(name, 'key', 'of another name')}; only hop-by-hop headers may be named there`);
    }
    // A session cookie is a credential the decision does not read, unless the api declares it (undecided-credentials.ts).
    const cookie = forwardsCookie(api);
    for (const [name, values] of headers) {
      // A routing header reached here agreeing with what was decided, and is not forwarded (url-override.ts).
      if (DROPPED.has(name) || connection.has(name) || (name === 'cookie' && !cookie) || isRoutingHeader(name, values)) continue;
      // One value (nearly every header) is forwarded as a string, and read from the caller's own
      // list, which nothing here changes; several are copied, so the forwarded list is the proxy's.
      if (values.length === 1) {
        out[name] = values[0]!;
        sent.set(name, values);
      } else {
        const copy = [...values];
        out[name] = copy;
        sent.set(name, copy);
      }
    }
    if (message.headers !== undefined) {
      for (const [name, value] of Object.entries(message.headers)) {
        out[name] = value;
        sent.set(name, [value]);
      }
    }
    if (message.contentType !== null) {
      out['content-type'] = message.contentType;
      sent.set('content-type', [message.contentType]);
    }
    if (message.contentEncoding !== undefined) {
      out['content-encoding'] = message.contentEncoding;
      sent.set('content-encoding', [message.contentEncoding]);
    }
    if (bytes.byteLength > 0 || message.method === 'POST' || message.method === 'PUT' || message.method === 'PATCH') {
      const length = String(bytes.byteLength);
      out['content-length'] = length;
      sent.set('content-length', [length]);
    }
    forward = { method: message.method, path: message.target, headers: out, body: bytes };
    canonicalUrl = url;
    // Reading the written request back would refuse a body past its own size bound; only within
    // it do the messages built from what was written stand in for that reading.
    if (message.decided !== undefined && bytes.byteLength <= limit) direct = { messages: message.decided, headers: sent, api, search: url.search };
  } catch (e) {
    if (!(e instanceof ExtractFailure)) throw e;
    return { api: context.api === 'unknown' ? null : context.api, operations: [refused(request, headers, ir, options, context, e)], forward: null };
  }
  // The written request, read back when no messages were built from what was written.
  const operations = direct === null
    ? extractDecisionInputs({ method: forward.method, url: `${canonicalUrl.protocol}//${canonicalUrl.host}${forward.path}`, headers: forward.headers, body: forward.body }, ir, { ...options, maxBodyBytes: limit }) : decisionInputsOf(direct.messages, direct.headers, direct.api, ir, options, direct.search);
  // A canonical request that does not read one way is not forwarded either.
  return { api: context.api, operations, forward: operations.every((o) => o.operation !== null) ? forward : null };
}

/** The one refused input, carrying who called (token, identity, attempt) as extraction of the original request read it. */
function refused(request: HttpRequest, headers: HeaderMap, ir: IrCatalog, options: ForwardOptions, context: Context, failure: ExtractFailure): ExtractedOperation {
  const [first] = decisionInputsOfRequest(request, headers, ir, { ...options, maxBodyBytes: 0 });
  const { token, identity, attempt } = first?.input ?? {};
  return {
    input: { api: context.api, ...(token ? { token } : {}), ...(identity ? { identity } : {}), ...(attempt !== undefined ? { attempt } : {}), time: context.time, error: failure.message },
    operation: null,
    error: { code: failure.code, message: failure.message },
  };
}

/**
 * The header names `Connection` lists, lowercase; the same empty set for a request without one,
 * and for one whose single value names one header the proxy drops anyway (`keep-alive`): both
 * read the same below.
 */
function connectionNames(headers: HeaderMap): ReadonlySet<string> {
  const values = headers.get('connection');
  if (values === undefined) return NO_NAMES;
  if (values.length === 1 && !values[0]!.includes(',')) {
    const name = values[0]!.trim().toLowerCase();
    if (name === '' || DROPPED.has(name)) return NO_NAMES;
    // `close` names itself: a request header spelled `Close` is hop-by-hop too, and dropped.
    if (name === 'close') return CLOSE_ONLY;
  }
  return new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()));
}

// The limits of the last `options.limits` read, kept while its values stay the same: the proxy
// passes one object with every request.
let lastLimits: { given: Partial<ForwardLimits>; copy: Partial<ForwardLimits>; merged: Readonly<ForwardLimits> } | null = null;

/** The defaults with `given` over them, merged once for a `given` whose values do not change. */
function limitsOf(given: Partial<ForwardLimits> | undefined): Readonly<ForwardLimits> {
  if (given === undefined) return DEFAULT_FORWARD_LIMITS;
  const known = lastLimits;
  if (known !== null && known.given === given && sameLimits(known.copy, given)) return known.merged;
  const merged: Readonly<ForwardLimits> = { ...DEFAULT_FORWARD_LIMITS, ...given };
  lastLimits = { given, copy: { ...given }, merged };
  return merged;
}

function sameLimits(a: Partial<ForwardLimits>, b: Partial<ForwardLimits>): boolean {
  const keys = Object.keys(b);
  if (Object.keys(a).length !== keys.length) return false;
  for (const key of keys) if (!Object.prototype.hasOwnProperty.call(a, key) || a[key as keyof ForwardLimits] !== b[key as keyof ForwardLimits]) return false;
  return true;
}

const NO_NAMES: ReadonlySet<string> = new Set();
const CLOSE_ONLY: ReadonlySet<string> = new Set(['close']);

function withoutEncoding(headers: HeaderMap): HeaderMap {
  const out = new Map(headers);
  out.delete('content-encoding');
  return out;
}

/** The body as the server would read it: identity, or one `gzip` coding inflated within the limit. */
function decodeBody(body: HttpRequest['body'], headers: HeaderMap, limit: number): Uint8Array | string {
  if (body === undefined || body === null) return '';
  if (!headers.has('content-encoding')) return body;
  const codings = headerValues(headers, 'content-encoding')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '' && v !== 'identity');
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (codings.length === 0 || size === 0) return body;
  if (codings.length > 1 || (codings[0] !== 'gzip' && codings[0] !== 'x-gzip')) {
    return fail(EXTRACT_CODES.unsupportedContentType, 'the request body has a content encoding other than one `gzip`: the proxy forwards only what it can inflate');
  }
  if (size > limit) fail(EXTRACT_CODES.bodyTooLarge, `the request body has ${size} bytes, more than the limit of ${limit}`);
  try {
    return gunzipSync(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, { maxOutputLength: limit });
  } catch (e) {
    if (e instanceof RangeError) return fail(EXTRACT_CODES.limitExceeded, `the gzip body inflates past the limit of ${limit} bytes`);
    return fail(EXTRACT_CODES.invalidBody, 'the gzip body cannot be inflated');
  }
}
