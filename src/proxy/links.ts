import type { ServerResponse } from 'node:http';
import { hostReading } from '../extract/index.js';
import type { IrApi } from '../ir/types.js';
import { repositoryAlias } from './link-alias.js';

/*
 * Reverse mode: an upstream names its own origin in `Link` (GitHub's pagination: `<https://api.
 * github.com/repositories/1/issues?page=2>; rel="next"`) and `Location` (redirects, created
 * resources). A client that follows them leaves the proxy after the first page: its next call goes
 * straight to the api, undecided. These URLs are written back onto the proxy's origin, under the
 * path segment the request was routed by. Forward mode needs none of it: the client already uses
 * the api's own origin, through the proxy.
 */

/**
 * Rewrites absolute URLs on one of `from` (origins, each with its path prefix, no trailing `/`) onto
 * `to`; `alias` may rewrite the path that follows the prefix (link-alias.ts).
 */
export function urlRewriter(from: readonly string[], to: string): (url: string, alias?: (rest: string) => string) => string {
  const bases = from.map((b) => b.replace(/\/+$/, '').toLowerCase());
  return (url, alias = (rest) => rest) => {
    const lower = url.toLowerCase();
    for (const base of bases) {
      if (!lower.startsWith(base)) continue;
      const rest = url.slice(base.length);
      if (rest === '' || /^[/?#]/.test(rest)) return `${to}${rest === '' || rest.startsWith('/') ? alias(rest) : `/${rest}`}`;
    }
    return url;
  };
}

/** `host[:port]`: a DNS name or IPv4 literal, or a bracketed IPv6 literal, with an optional port. */
const HOST_HEADER = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

type Api = Pick<IrApi, 'name' | 'protocol' | 'hosts'>;

/**
 * The rewriter for a response to a request routed to `api` at `upstream` (an origin with its path
 * prefix), or `null` when none may be made. Only the upstream's origin and the api's hosts that
 * read as the upstream's host (an S3 bucket: `https://{bucket}.s3…/key` from a path-style upstream
 * names another bucket than `{proxy}/key` would) are written onto the proxy; other URLs stay as
 * sent. The proxy's origin comes from the client's `Host` only when it is a well-formed
 * `host[:port]` and no host of any api the catalog lists: a raw `Host` would be written into
 * `Link`, and an api host would send the client straight to the api, undecided, over plain http.
 */
export function linkRewriter(apis: readonly Api[], api: string, upstream: URL, hostHeader: string | undefined, routedPrefix: string): ((url: string, requestPath?: string) => string) | null {
  if (hostHeader === undefined || !HOST_HEADER.test(hostHeader)) return null;
  const named = hostHeader.replace(/:\d+$/, '').toLowerCase();
  if (apis.some((a) => a.hosts.some((h) => h.toLowerCase() === named))) return null;
  const hosts = apis.find((a) => a.name === api);
  const reading = hosts === undefined ? undefined : hostReading(hosts, upstream.hostname.toLowerCase());
  const same = hosts === undefined || reading === undefined ? [] : hosts.hosts.filter((h) => hostReading(hosts, h.toLowerCase()) === reading);
  const rewrite = urlRewriter([`${upstream.origin}${upstream.pathname}`, ...same.map((h) => `https://${h}`)], `http://${hostHeader}${routedPrefix}`);
  // The request's path is an argument, not part of the rewriter: one rewriter serves every request of a client's `Host`.
  return (url, requestPath) => rewrite(url, requestPath === undefined ? undefined : (rest) => repositoryAlias(rest, requestPath));
}

/** A `Link` value (RFC 8288) with each `<target>` rewritten, or a `Location` value rewritten whole. */
function rewriteValue(name: string, value: string, rewrite: (url: string) => string): string {
  const lower = name.toLowerCase();
  if (lower === 'location' || lower === 'content-location') return rewrite(value.trim());
  if (lower === 'link') return value.replace(/<([^>]*)>/g, (_m, target: string) => `<${rewrite(target)}>`);
  return value;
}

/**
 * Makes `res` write the `Link` and `Location` headers it is given with `rewrite` applied, whether
 * they come as a raw name/value list (what `forwardUpstream` passes) or an object.
 */
export function rewriteResponseLinks(res: ServerResponse, rewrite: (url: string) => string): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const patched = (...args: unknown[]): ServerResponse => {
    const at = typeof args[1] === 'string' ? 2 : 1;
    const headers = args[at];
    if (Array.isArray(headers)) {
      const out = [...(headers as string[])];
      for (let i = 0; i + 1 < out.length; i += 2) out[i + 1] = rewriteValue(out[i]!, out[i + 1]!, rewrite);
      args[at] = out;
    } else if (typeof headers === 'object' && headers !== null) {
      args[at] = Object.fromEntries(Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? rewriteValue(k, v, rewrite) : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? rewriteValue(k, x, rewrite) : x)) : v]));
    }
    return writeHead(...args);
  };
  res.writeHead = patched as typeof res.writeHead;
}
