import type { IncomingMessage } from 'node:http';
import type { Upstream } from './upstream.js';

/*
 * AWS Signature V4 signs the `Host` header whenever `SignedHeaders` names it (AWS requires it
 * always). The reverse proxy sends an upstream the host of its `--upstream` url, so a signature
 * made for the host the client addressed (the proxy's, with `--endpoint-url`) can never match:
 * the call would be decided, forwarded, and only then fail upstream with `SignatureDoesNotMatch`.
 * Refusing it here names the cause and the way that keeps the signed host (forward mode).
 */

const SIGNED_HEADERS = /(?:^|[\s,])SignedHeaders=([^,\s]*)/i;

/** The headers a SigV4 request signs (from `Authorization` or a presigned url's `X-Amz-SignedHeaders`), lowercased. */
function signedHeaders(req: IncomingMessage): readonly string[] {
  // Made only for a request that signs something: nearly every request signs nothing, and shares `NONE`.
  let names: string[] | null = null;
  // Every `Authorization` the client sent, in order (what `headersDistinct` lists), read from the
  // raw list: building that object for each request only to look at one header costs more.
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length !== 13 || raw[i]!.toLowerCase() !== 'authorization') continue;
    const value = raw[i + 1]!;
    if (!/^\s*AWS4-/i.test(value)) continue;
    const m = SIGNED_HEADERS.exec(value);
    if (m !== null) (names ??= []).push(...m[1]!.split(';'));
  }
  const url = req.url ?? '';
  const at = url.indexOf('?');
  if (at !== -1) {
    // The query up to a second `?`, as `split('?')[1]` reads it.
    const end = url.indexOf('?', at + 1);
    const query = url.slice(at + 1, end === -1 ? undefined : end);
    for (const [name, value] of new URLSearchParams(query)) if (name.toLowerCase() === 'x-amz-signedheaders') (names ??= []).push(...value.split(';'));
  }
  return names === null ? NONE : names.map((n) => n.trim().toLowerCase());
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Why an AWS-signed request cannot go to `upstream` unchanged: it signs a `Host` other than the
 * one the upstream receives (`upstream.origin.host`, what `forwardUpstream` sends). Null when it
 * signs no host, or the same one.
 */
export function signedHostRefusal(req: IncomingMessage, upstream: Upstream): string | null {
  if (!signedHeaders(req).includes('host')) return null;
  const sent = (req.headers.host ?? '').trim().toLowerCase();
  const received = upstream.origin.host.toLowerCase();
  if (sent === received) return null;
  return `the request's aws signature covers \`Host: ${sent}\`, but the upstream \`${upstream.api}\` receives \`Host: ${received}\`: it would refuse the signature, so nothing is forwarded; run \`blastguard proxy --forward\` (clients keep the api's own host through HTTPS_PROXY), or point the upstream at the host the client signs`;
}
