import { inflateRawSync } from 'node:zlib';
import { headerValues } from '../../core/headers.js';
import type { HeaderMap } from '../../core/headers.js';
import type { IrApi } from '../../ir/types.js';
import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import type { NormalizedRequest } from '../request.js';
import type { HttpRequest } from '../types.js';
import { PROTOCOLS } from './index.js';
import { isAwsSigned } from './original.js';
import type { CanonicalMessage } from './types.js';

/*
 * AWS SDKs gzip some request bodies before they sign them (the Smithy `requestCompression` trait:
 * CloudWatch `PutMetricData` past 10 KiB, sent with `Content-Encoding: gzip`), so SigV4 covers
 * the compressed bytes. The proxy decides on the body it inflated; forwarding that inflated body
 * would only earn a signature error. For a signed request it forwards the compressed bytes as
 * sent, under the caller's `Content-Encoding`, when they inflate one way on every server:
 *
 * - one `Content-Encoding` value, one `gzip` coding (a list or a repeated header joins differently);
 * - one gzip member (RFC 1952) with no flag bits but the defined ones, whose deflate stream ends
 *   exactly eight bytes (CRC-32 and size) before the body does: a second member or trailing bytes
 *   are inflated by some decoders (Go, Node), dropped by others (a single-member zlib reader),
 *   refused by the rest;
 * - the inflated bytes are the body the protocol forwards as decided (original.ts): the original
 *   text itself, not a rewrite of it.
 *
 * Any other signed gzip body is refused (BG718). An unsigned one is forwarded inflated, as decided.
 */

/** The FLG bits RFC 1952 defines (FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT); the others are reserved. */
const DEFINED_FLAGS = 0x1f;

/**
 * The message with the caller's compressed body in place of the inflated one, where the request
 * is AWS-signed and the body was gzip-encoded (rules above). `sent` is the body as received,
 * `headers` the caller's headers (its `Content-Encoding` included), `request` the request as read
 * from the inflated body.
 */
export function withCompressedOriginal(sent: HttpRequest['body'], headers: HeaderMap, request: NormalizedRequest, api: IrApi, message: CanonicalMessage): CanonicalMessage {
  const encodings = headerValues(headers, 'content-encoding');
  if (encodings.length === 0 || sent === undefined || sent === null || PROTOCOLS[api.protocol].bodyIsData === true) return message;
  const raw = typeof sent === 'string' ? Buffer.from(sent, 'utf8') : sent;
  if (raw.byteLength === 0 || !isAwsSigned(request)) return message;
  const refuse = (why: string): never => fail(EXTRACT_CODES.signedNotForwardable, `the request is aws-signed and gzip-encoded, but ${why}: forwarded inflated, the signature would no longer match`);
  const [encoding = ''] = encodings;
  if (encodings.length > 1 || !/^[ \t]*(?:x-)?gzip[ \t]*$/i.test(encoding)) refuse(`its \`Content-Encoding\` is ${quote(encodings.join(', '), 'mediaType', 'of an unexpected form')}, not one \`gzip\``);
  if (!oneGzipMember(raw, request.limit)) refuse('its body is not one gzip member that ends where the body does (several members, trailing bytes or reserved flags)');
  const forwarded = typeof message.body === 'string' ? Buffer.from(message.body, 'utf8') : message.body;
  if (!Buffer.from(forwarded.buffer, forwarded.byteOffset, forwarded.byteLength).equals(Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength))) {
    refuse('its inflated body reads more than one way and the proxy would have to rewrite it');
  }
  // The written request is never read back: its body is compressed, which extraction refuses to read.
  return { ...message, body: raw, contentEncoding: encoding, decided: message.decided ?? PROTOCOLS[api.protocol].messages(request, api) };
}

/** Whether `bytes` are exactly one gzip member: header, one deflate stream, CRC-32 and size, nothing after. */
export function oneGzipMember(bytes: Uint8Array, limit: number): boolean {
  if (bytes.byteLength < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8) return false;
  const flags = bytes[3]!;
  if ((flags & ~DEFINED_FLAGS) !== 0) return false;
  let at = 10;
  if ((flags & 0x04) !== 0) {
    if (at + 2 > bytes.byteLength) return false;
    at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
  }
  // FNAME and FCOMMENT: zero-terminated.
  for (const flag of [0x08, 0x10]) {
    if ((flags & flag) === 0) continue;
    while (at < bytes.byteLength && bytes[at] !== 0) at++;
    at++;
  }
  if ((flags & 0x02) !== 0) at += 2;
  if (at >= bytes.byteLength) return false;
  let consumed: number;
  try {
    // `info` makes zlib answer with its engine too, whose `bytesWritten` is the input the stream used.
    const inflated = inflateRawSync(bytes.subarray(at), { info: true, maxOutputLength: Math.max(1, limit) }) as unknown as { engine: { bytesWritten: number } };
    consumed = inflated.engine.bytesWritten;
  } catch {
    return false;
  }
  return at + consumed + 8 === bytes.byteLength;
}
