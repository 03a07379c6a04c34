import { headerValues } from '../../core/headers.js';
import type { HeaderMap } from '../../core/headers.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';

/*
 * S3 `CopyObject` and `UploadPartCopy` (S3 API reference) read the object they copy from a header:
 *
 *   PUT /{Bucket}/{Key+}
 *   x-amz-copy-source: /{SourceBucket}/{SourceKey}[?versionId={VersionId}]
 *
 * "The value must be URL-encoded"; the leading `/` is optional, and an access point or Outposts
 * ARN may stand for the bucket. The source is another object the upstream reads (and the
 * destination's reader may then read), so it is read here one way — exactly one header; a bucket
 * name; a non-empty key percent-decoded once; at most one `?versionId=` — and decided as a read of
 * its own. An ARN, another query member, an invalid escape, a raw `+` (a space to some decoders), a
 * space or a byte outside visible ASCII is refused: which object S3 would copy is not one thing.
 *
 * The proxy forwards the header written back from what was read (`writeCopySource`: botocore's
 * encoding, the sent leading `/` kept), never the caller's text; but an AWS-signed request keeps its
 * bytes, which the reader accepted only because they decode one way to what was decided: a rewrite
 * would break the signature.
 */

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
  /** Whether the value was sent with a leading `/`: kept when written back. */
  slash: boolean;
}

/** Bucket names as S3 has allowed them (the legacy us-east-1 rules are the widest): no `:`, so no ARN. */
const BUCKET = /^[A-Za-z0-9._-]{1,255}$/;
/** What a one-way value may hold raw: unreserved and sub-delimiter characters, `:`, `@`, `/`, `%XX` escapes. */
const ONE_WAY = /^(?:[A-Za-z0-9\-._~!$&'()*,;=:@/]|%[0-9A-Fa-f]{2})*$/;

function unreadable(message: string): never {
  return fail(EXTRACT_CODES.unreadableCopySource, `\`x-amz-copy-source\` ${message}`);
}

function decodeOnce(text: string, what: string): string {
  if (!ONE_WAY.test(text)) unreadable(`has a raw character in its ${what} that servers may read otherwise (a space, \`+\`, \`?\`, \`#\`, a byte outside visible ascii): percent-encode it`);
  try {
    return decodeURIComponent(text);
  } catch {
    return unreadable(`has an invalid percent escape in its ${what}`);
  }
}

/** The one copy source the request names, or null when it sends none. */
export function readCopySource(headers: HeaderMap): CopySource | null {
  const values = headerValues(headers, 'x-amz-copy-source');
  if (values.length === 0) return null;
  if (values.length > 1) unreadable('is sent more than once: servers differ on which one they copy');
  const value = values[0]!;
  const [path = '', query, ...more] = value.split('?');
  if (more.length > 0) unreadable('has more than one `?`');
  const slash = path.startsWith('/');
  const rest = slash ? path.slice(1) : path;
  const cut = rest.indexOf('/');
  if (cut <= 0) unreadable('is not `/bucket/key` or `bucket/key`');
  const bucket = decodeOnce(rest.slice(0, cut), 'bucket');
  if (/^arn%3a|^arn:/i.test(rest)) unreadable('names an access point or outposts arn: only a bucket name is read here');
  if (!BUCKET.test(bucket)) unreadable('does not start with a bucket name');
  const key = decodeOnce(rest.slice(cut + 1), 'key');
  if (key === '') unreadable('names no key');
  // A server that decodes before it looks for `?versionId=` would split `key%3FversionId=…` there.
  if (key.includes('?')) unreadable('has an encoded `?` in its key: servers differ on whether it starts the version id');
  const source: CopySource = { bucket, key, slash };
  if (query !== undefined) {
    if (!/^versionId=[^&=]*$/.test(query)) unreadable('has a query other than one `versionId=`');
    const versionId = decodeOnce(query.slice('versionId='.length), 'version id');
    if (versionId === '') unreadable('has an empty `versionId`');
    source.versionId = versionId;
  }
  return source;
}

/** A key as botocore encodes it: every byte but unreserved characters and `/` as `%XX`. */
function encodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The header value written back from what was read. */
export function writeCopySource(source: CopySource): string {
  const path = `${source.slash ? '/' : ''}${source.bucket}/${encodeKey(source.key)}`;
  return source.versionId === undefined ? path : `${path}?versionId=${encodeKey(source.versionId).replace(/\//g, '%2F')}`;
}

/**
 * The value the proxy forwards: written back from what was read; for an AWS-signed request the
 * sent text, which the strict reader above has just read as exactly `source` (a rewrite would break
 * the signature, and every raw character it lets through decodes one way).
 */
export function forwardedCopySource(sent: string, source: CopySource, signed: boolean): string {
  return signed ? sent : writeCopySource(source);
}
