import type { ServerResponse } from 'node:http';

/*
 * Reverse mode: an upstream names its own origin in `Link` (GitHub's pagination: `<https://api.
 * github.com/repositories/1/issues?page=2>; rel="next"`) and `Location` (redirects, created
 * resources). A client that follows them leaves the proxy after the first page: its next call goes
 * straight to the api, undecided. These URLs are written back onto the proxy's origin, under the
 * path segment the request was routed by. Forward mode needs none of it: the client already uses
 * the api's own origin, through the proxy.
 */

/** Rewrites absolute URLs on one of `from` (origins, each with its path prefix, no trailing `/`) onto `to`. */
export function urlRewriter(from: readonly string[], to: string): (url: string) => string {
  const bases = from.map((b) => b.replace(/\/+$/, '').toLowerCase());
  return (url) => {
    const lower = url.toLowerCase();
    for (const base of bases) {
      if (!lower.startsWith(base)) continue;
      const rest = url.slice(base.length);
      if (rest === '' || /^[/?#]/.test(rest)) return `${to}${rest === '' || rest.startsWith('/') ? rest : `/${rest}`}`;
    }
    return url;
  };
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
