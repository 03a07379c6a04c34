import { gunzipSync } from 'node:zlib';
import { headerValues, normalizeHeaders } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';
import type { IrCatalog } from '../ir/catalog.js';
import type { IrApi } from '../ir/types.js';
import { quote } from '../core/untrusted.js';
import { apiFor } from './api.js';
import { bodyLimitOf } from './body-limit.js';
import { EXTRACT_CODES } from './codes.js';
import { ExtractFailure, fail } from './failure.js';
import { declaredBodyType } from './form-json.js';
import { decisionInputsOf, extractDecisionInputs } from './index.js';
import type { Context } from './input.js';
import { withCompressedOriginal } from './protocols/aws-compressed.js';
import { canonicalHttp } from './protocols/canonical-http.js';
import { PROTOCOLS } from './protocols/index.js';
import type { Message } from './protocols/index.js';
import { hostOf, normalizeRequest, parseUrl } from './request.js';
import { isRoutingHeader } from './url-override.js';
import type { ExtractedOperation, ForwardExtraction, ForwardLimits, ForwardOptions, ForwardRequest, HttpRequest } from './types.js';

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
  const limits: ForwardLimits = { ...DEFAULT_FORWARD_LIMITS, ...(options.limits ?? {}) };
  const context: Context = { api: 'unknown', time: typeof options.time === 'string' ? options.time : options.time.toISOString() };
  let forward: ForwardRequest;
  let canonical: HttpRequest;
  let direct: { messages: readonly Message[]; headers: HeaderMap; api: IrApi; search: string } | null = null;
  let limit = limits.maxBodyBytes;
  try {
    const headers = normalizeHeaders(request.headers);
    const url = parseUrl(request.url, headers);
    const api = apiFor(ir, hostOf(url), url, context);
    // A body the protocol never reads (S3 object data) is forwarded as sent, encoding included.
    const opaque = PROTOCOLS[api.protocol].bodyIsData === true;
    limit = bodyLimitOf(api, limits);
    const size = request.body === undefined || request.body === null ? 0 : typeof request.body === 'string' ? Buffer.byteLength(request.body, 'utf8') : request.body.byteLength;
    if (size > limit) fail(EXTRACT_CODES.limitExceeded, `the request body has more than ${limit} bytes, the proxy's limit`);
    const plain = opaque || !headers.has('content-encoding') ? headers : withoutEncoding(headers);
    const body = opaque ? (request.body ?? '') : decodeBody(request.body, headers, limits.maxBodyBytes);
    const normalized = normalizeRequest({ method: request.method, url: request.url, body, ...(request.clientHost === undefined ? {} : { clientHost: request.clientHost }) }, url, opaque ? plain : declaredBodyType(plain, api), limit, opaque);
    const writer = PROTOCOLS[api.protocol].canonical ?? canonicalHttp;
    const message = withCompressedOriginal(request.body, headers, normalized, api, writer(normalized, api, limits));
    const bytes = typeof message.body === 'string' ? Buffer.from(message.body, 'utf8') : message.body;
    const out: Record<string, string | string[]> = {};
    const connection = new Set(headerValues(headers, 'connection').flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()));
    // `Connection` may name any header as hop-by-hop, and a proxy drops what it names. Naming an
    // end-to-end header (a `Txn-Token`, the credential, baggage) would make the proxy decide on a
    // request without it: a present envelope that fails would become a silent absence.
    for (const name of connection) {
      if (name !== '' && !DROPPED.has(name) && name !== 'close') fail(EXTRACT_CODES.notForwardable, `\`Connection\` names the end-to-end header ${quote(name, 'key', 'of another name')}; only hop-by-hop headers may be named there`);
    }
    for (const [name, values] of headers) {
      // A routing header reached here agreeing with what was decided, and is not forwarded (url-override.ts).
      if (DROPPED.has(name) || connection.has(name) || isRoutingHeader(name, values)) continue;
      out[name] = values.length === 1 ? values[0]! : [...values];
    }
    if (message.contentType !== null) out['content-type'] = message.contentType;
    if (message.contentEncoding !== undefined) out['content-encoding'] = message.contentEncoding;
    if (bytes.byteLength > 0 || message.method === 'POST' || message.method === 'PUT' || message.method === 'PATCH') out['content-length'] = String(bytes.byteLength);
    forward = { method: message.method, path: message.target, headers: out, body: bytes };
    canonical = { method: message.method, url: `${url.protocol}//${url.host}${message.target}`, headers: out, body: bytes };
    // Reading the written request back would refuse a body past its own size bound; only within
    // it do the messages built from what was written stand in for that reading.
    if (message.decided !== undefined && bytes.byteLength <= limit) direct = { messages: message.decided, headers: normalizeHeaders(out), api, search: url.search };
  } catch (e) {
    if (!(e instanceof ExtractFailure)) throw e;
    return { api: context.api === 'unknown' ? null : context.api, operations: [refused(request, ir, options, context, e)], forward: null };
  }
  const operations = direct === null ? extractDecisionInputs(canonical, ir, { ...options, maxBodyBytes: limit }) : decisionInputsOf(direct.messages, direct.headers, direct.api, ir, options, direct.search);
  // A canonical request that does not read one way is not forwarded either.
  return { api: context.api, operations, forward: operations.every((o) => o.operation !== null) ? forward : null };
}

/** The one refused input, carrying who called (token, identity, attempt) as extraction of the original request read it. */
function refused(request: HttpRequest, ir: IrCatalog, options: ForwardOptions, context: Context, failure: ExtractFailure): ExtractedOperation {
  const [first] = extractDecisionInputs(request, ir, { ...options, maxBodyBytes: 0 });
  const { token, identity, attempt } = first?.input ?? {};
  return {
    input: { api: context.api, ...(token ? { token } : {}), ...(identity ? { identity } : {}), ...(attempt !== undefined ? { attempt } : {}), time: context.time, error: failure.message },
    operation: null,
    error: { code: failure.code, message: failure.message },
  };
}

function withoutEncoding(headers: HeaderMap): HeaderMap {
  const out = new Map(headers);
  out.delete('content-encoding');
  return out;
}

/** The body as the server would read it: identity, or one `gzip` coding inflated within the limit. */
function decodeBody(body: HttpRequest['body'], headers: HeaderMap, limit: number): Uint8Array | string {
  if (body === undefined || body === null) return '';
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
