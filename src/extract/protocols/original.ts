import { headerValues } from '../../core/headers.js';
import type { HeaderMap } from '../../core/headers.js';
import type { IrApi } from '../../ir/types.js';
import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { mediaType } from '../request.js';
import type { NormalizedRequest } from '../request.js';
import type { CanonicalMessage } from './types.js';

/*
 * When the proxy forwards the caller's own bytes instead of its canonical rewrite. AWS Signature
 * Version 4 signs the query string, the payload's hash and (in `SignedHeaders`) the content type:
 * a rewrite that keeps the meaning but changes a byte (`%20` as `+`, `%2A` as `*`, `1.0` as `1`,
 * `; charset=utf-8` dropped or added) makes the upstream refuse the signature. So for the AWS
 * protocols, and for any SigV4-signed request, the original is forwarded whenever it provably
 * reads as exactly what was decided, one way, on every server:
 *
 * - a query string or form body of unreserved characters and `%XX` escapes of UTF-8 only (no `;`,
 *   refused before; no raw byte a parser may encode or drop): every parser splits it at `&` and
 *   `=` and decodes it to the same pairs. A `+` is refused in a query string, which servers read
 *   as a space or a plus, but kept in an `application/x-www-form-urlencoded` body, where it is a
 *   space by the format's definition (WHATWG URL, HTML forms) and on every form parser: botocore
 *   writes query-protocol bodies with `quote_plus`, so a value with a space is always `+` there;
 * - a JSON body whose tokens are the canonical one's, but for whitespace, string escapes that
 *   decode to the same text (`\u00e9` for `é`) and numbers of the same exact decimal value (`70.0`
 *   for `70`): a double or a big-decimal parser reads the same value from either;
 * - a `Content-Type` of the decided media type with no parameter but `charset=utf-8`.
 *
 * Anything else is rewritten canonically, and a signed request that would need that is refused
 * (BG718): forwarding it would only earn a signature error, after the client believed it allowed.
 * A body the protocol never reads (S3 object data, a REST-XML payload) is no parameter at all:
 * it goes as sent, under the caller's own content type.
 */

/** Whether the request carries an AWS signature (SigV4 or V2, in a header or a presigned url). */
export function isAwsSigned(request: NormalizedRequest): boolean {
  const auth = headerValues(request.headers, 'authorization');
  if (auth.some((v) => /^\s*AWS4-|^\s*AWS\s/i.test(v))) return true;
  const names = [...request.url.searchParams.keys()].map((n) => n.toLowerCase());
  return names.includes('x-amz-signature') || (names.includes('signature') && names.includes('awsaccesskeyid'));
}

/** Whether the original bytes are forwarded where they read as decided (the AWS protocols, any AWS-signed request). */
export function keepsOriginal(request: NormalizedRequest, api: IrApi): boolean {
  return api.protocol === 'aws-query' || api.protocol === 'aws-json' || api.protocol === 'rest-xml' || api.protocol === 's3' || isAwsSigned(request);
}

const ONE_WAY_FORM = /^(?:[A-Za-z0-9\-._~!$'()*,:@/?=&]|%[0-9A-Fa-f]{2})*$/;
const ONE_WAY_FORM_BODY = /^(?:[A-Za-z0-9\-._~!$'()*,:@/?=&+]|%[0-9A-Fa-f]{2})*$/;

/** Whether a query string (or, with `body`, a form body) decodes to the same pairs on every parser (rules above). */
export function oneWayForm(raw: string, body = false): boolean {
  if (!(body ? ONE_WAY_FORM_BODY : ONE_WAY_FORM).test(raw)) return false;
  try {
    // `decodeURIComponent` throws on escapes that are not UTF-8, which parsers replace or keep.
    decodeURIComponent(raw);
    return true;
  } catch {
    return false;
  }
}

const JSON_TOKEN = /[ \t\n\r]*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,])/y;

function tokens(text: string): string[] | null {
  const out: string[] = [];
  JSON_TOKEN.lastIndex = 0;
  let end = 0;
  for (let m = JSON_TOKEN.exec(text); m !== null; m = JSON_TOKEN.exec(text)) {
    out.push(m[1]!);
    end = JSON_TOKEN.lastIndex;
  }
  return text.slice(end).trim() === '' ? out : null;
}

/** A JSON number as an exact decimal: sign, significant digits, exponent (`70.0` and `7e1` alike). */
function exactDecimal(token: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (m === null) return token;
  const fraction = m[3] ?? '';
  let digits = `${m[2]!}${fraction}`.replace(/^0+/, '');
  let exponent = Number(m[4] ?? '0') - fraction.length;
  if (digits === '') return '0';
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent++;
  }
  return `${m[1]!}${digits}e${exponent}`;
}

/** Whether the original JSON text reads token for token as the canonical text (rules above). */
export function sameJson(original: string, canonical: string): boolean {
  const a = tokens(original);
  const b = tokens(canonical);
  if (a === null || b === null || a.length !== b.length) return false;
  return a.every((t, i) => {
    const u = b[i]!;
    if (t === u) return true;
    if (t.startsWith('"') && u.startsWith('"')) return JSON.parse(t) === JSON.parse(u);
    if (/^-?\d/.test(t) && /^-?\d/.test(u)) return exactDecimal(t) === exactDecimal(u);
    return false;
  });
}

/** The caller's one `Content-Type` value, or null when there is none or several. */
export function sentContentType(headers: HeaderMap): string | null {
  const values = headerValues(headers, 'content-type');
  return values.length === 1 ? values[0]! : null;
}

/** Whether a sent `Content-Type` names `type` with no parameter but `charset=utf-8`. */
export function plainContentType(sent: string, type: string): boolean {
  const [media = '', ...params] = sent.split(';').map((p) => p.trim());
  if (media.toLowerCase() !== type) return false;
  return params.every((p) => /^charset\s*=\s*"?utf-8"?$/i.test(p));
}

/**
 * The canonical message, or the original in its place where it reads as decided (rules above). A
 * signed request whose original cannot go is refused rather than forwarded with a broken signature.
 */
export function withOriginal(request: NormalizedRequest, api: IrApi, message: CanonicalMessage): CanonicalMessage {
  if (!keepsOriginal(request, api)) return message;
  const signed = isAwsSigned(request);
  const refuse = (what: string): never =>
    fail(EXTRACT_CODES.signedNotForwardable, `the request is aws-signed, but its ${what} reads more than one way and the proxy would have to rewrite it: the signature would no longer match`);
  const search = request.url.search.slice(1);
  let target = message.target;
  if (oneWayForm(search)) target = `${request.url.pathname}${request.url.search}`;
  else if (signed && target !== `${request.url.pathname}${request.url.search}`) refuse('query string');
  const sent = sentContentType(request.headers);
  const type = mediaType(request.headers);
  let contentType = message.contentType;
  if (sent !== null && type !== null && plainContentType(sent, type)) contentType = sent;
  else if (signed && sent !== null && sent !== contentType) refuse(`content type ${quote(sent, 'mediaType', 'of an unexpected form')}`);
  let body = message.body;
  const rewritten = typeof message.body === 'string' ? message.body : null;
  // Other bytes than the text read: a byte-order mark the UTF-8 decoder dropped.
  const bom = Buffer.byteLength(request.text, 'utf8') !== request.bytes.byteLength;
  if (rewritten !== null && (bom || request.text !== rewritten)) {
    const same = !bom && (type === 'application/x-www-form-urlencoded' ? oneWayForm(request.text, true) : sameJson(request.text, rewritten));
    if (same) body = request.bytes;
    else if (signed) refuse('body');
  }
  return { ...message, target, contentType, body };
}

/**
 * A request whose body the protocol never reads (S3 object data; a REST-XML payload, which is the
 * operation's input document and not read for arguments): the body goes byte for byte under the
 * caller's one `Content-Type` (and, for S3, `Content-Encoding`); the target as `withOriginal` keeps it.
 */
export function canonicalAsSent(request: NormalizedRequest, api: IrApi): CanonicalMessage {
  const types = headerValues(request.headers, 'content-type');
  if (new Set(types).size > 1) fail(EXTRACT_CODES.unsupportedContentType, 'the request has several content types');
  const encodings = headerValues(request.headers, 'content-encoding');
  const message: CanonicalMessage = {
    method: request.method,
    target: `${request.url.pathname}${request.url.search === '' ? '' : `?${new URLSearchParams([...request.url.searchParams]).toString()}`}`,
    contentType: types[0] ?? null,
    body: request.bytes,
    ...(encodings.length === 0 || api.protocol !== 's3' ? {} : { contentEncoding: encodings.join(', ') }),
  };
  return withOriginal(request, api, message);
}
