import type { HeaderMap } from '../core/headers.js';
import { headerValues } from '../core/headers.js';
import { EXTRACT_CODES, type ExtractCode } from './codes.js';
import { fail } from './failure.js';

/*
 * Headers some server stacks read as the request's real target instead of the request line or
 * `Host`: the path (`X-Original-URL`, `X-Rewrite-URL`: IIS URL Rewrite, older Symfony and Zend;
 * `X-Original-URI`, `X-Forwarded-Uri`, `X-Forwarded-Path`, `X-Envoy-Original-Path`: gateways that
 * hand them on to apps that route on them; `X-Forwarded-Prefix`: Spring's ForwardedHeaderFilter
 * and others rebuild the request path from it), the host (`X-Forwarded-Host`, `X-Original-Host`,
 * `Forwarded: host=`: frameworks trusting a front proxy read the tenant or virtual-hosted bucket
 * from them; `X-Envoy-Original-Dst-Host`: an Envoy with an original-destination cluster sends the
 * request to the address it names), or the method (`X-Original-Method`).
 *
 * An edge proxy in front of blastguard (ingress-nginx, Envoy, Traefik, an ALB, a sidecar) sets
 * some of them on every request, saying what it received: `X-Forwarded-Host` the client's `Host`,
 * `X-Original-URI` the request line's target. Such a header that reads as exactly what is decided
 * (the request's own path and query, its host or the host its client named, an empty prefix)
 * says nothing else, and is accepted. One that says anything else is refused: whether this
 * upstream or something in between honours it is unknowable, so the request would be decided for
 * one target while the server may run another. Dropping a disagreeing one is no answer: the
 * request the client meant would silently become another one, and an enforcer that only decides
 * (no proxy) cannot drop anything.
 *
 * An accepted one is not forwarded (forward.ts, {@link isRoutingHeader}): the proxy is the hop that
 * decided, and the upstream receives the canonical request under the upstream's own host and
 * path prefix, which such a header would no longer read as (an `X-Original-URI` of the client's
 * target is not the canonical target behind a `--upstream` path prefix; an `X-Forwarded-Host` of
 * the proxy's name is not the upstream's). Rewriting it into a canonical form instead would hand
 * the upstream a routing input that only repeats what the request line already says, for stacks
 * that may read it differently (first or last of a list, with or without a prefix).
 */

/** Headers read as the path and query: they agree only as exactly the request line's target. */
const PATH_OVERRIDES = ['x-original-url', 'x-rewrite-url', 'x-original-uri', 'x-forwarded-uri', 'x-forwarded-path', 'x-envoy-original-path'] as const;

/** Headers read as a path prefix the server puts before (or takes off) the path: they agree only as none. */
const PREFIX_OVERRIDES = ['x-forwarded-prefix', 'x-forwarded-pathbase'] as const;

/** Headers read as the host (a comma list when proxies append): they agree only when every entry names the request's host. */
const HOST_OVERRIDES = ['x-forwarded-host', 'x-original-host', 'x-host', 'x-forwarded-server', 'x-envoy-original-dst-host'] as const;

/**
 * Read as the target in a form no edge proxy sends for one target: an absolute `X-Forwarded-Url`,
 * `X-Original-Path` (URL-rewrite modules, Tomcat/Apache setups hand on a path of their own),
 * and CGI meta-variables a WSGI/CGI server takes from a header of that name: gunicorn sets
 * `SCRIPT_NAME` (and, from 22, `PATH_INFO`) from a `script_name`/`path_info` header by default and
 * routes on the rest of the path, so `/a%2Fb` with `script_name: /a` runs another resource.
 * Always refused.
 */
const OTHER_OVERRIDES = ['x-forwarded-url', 'x-original-path', 'script-name', 'path-info', 'path-translated', 'request-uri', 'query-string', 'server-name'] as const;

const URL_OVERRIDES: ReadonlySet<string> = new Set([...PATH_OVERRIDES, ...PREFIX_OVERRIDES, ...HOST_OVERRIDES, ...OTHER_OVERRIDES]);
const KIND = new Map<string, 'path' | 'prefix' | 'host'>([
  ...PATH_OVERRIDES.map((n) => [n, 'path'] as const),
  ...PREFIX_OVERRIDES.map((n) => [n, 'prefix'] as const),
  ...HOST_OVERRIDES.map((n) => [n, 'host'] as const),
]);

/** What a request is decided as, for routing headers to agree with. */
export interface DecidedTarget {
  /** The host it is read under (lowercase, no port). */
  host: string;
  /** Other host names that mean the same here: the one the client's `Host` named when a proxy reads the request under another (decided-host.ts). */
  aliases?: readonly string[];
  /** The request line's target in origin form (path and query, as sent). */
  target: string;
}

/**
 * `X-Original-Method`: the method a front proxy says the request had (nginx `auth_request` setups
 * hand it on); `Request-Method`: the CGI meta-variable, for servers that take it from a header as
 * gunicorn takes `SCRIPT_NAME`; the framework overrides (Rails, Laravel, Express method-override,
 * ASP.NET, Google APIs).
 */
const METHOD_OVERRIDES: ReadonlySet<string> = new Set(['x-original-method', 'request-method', 'x-http-method-override', 'x-http-method', 'x-method-override']);

/*
 * Why not refuse every header whose name holds `_`: CGI, WSGI and PHP fold `_` and `-` onto one
 * variable, but a name that folds onto nothing the proxy or the server reads as the target (an
 * `x_request_id`, a vendor's `api_key`) is harmless, and clients send such names. What is refused
 * is narrow: `_` spellings of the names above (they count as the names themselves), and two
 * names that fold onto one variable (`x-tenant` and `x_tenant`): the proxy reads one, the server
 * whichever its stack keeps.
 */

export interface Override {
  code: ExtractCode;
  message: string;
}

/**
 * Why a request may make the server run another target (BG443) or method (BG418) than its request
 * line says, or null: a header above that does not read as `target` (every one, without it), or
 * a `_method` url parameter (`search` is the query, with or without its `?`). CGI, Rack and PHP
 * read `X_Original_URL` as `X-Original-URL`, so `_` spellings count too. The MCP guard refuses
 * with this what it relays without reading.
 */
export function overrideOf(headers: HeaderMap, search = '', target?: DecidedTarget | (() => DecidedTarget)): Override | null {
  // Worked out only for a request that carries a routing header: most carry none.
  let known: DecidedTarget | undefined;
  const decided = (): DecidedTarget | undefined => (known ??= typeof target === 'function' ? target() : target);
  // Only a name with `_` can be one variable with another: names without are distinct already.
  let folded: Map<string, string> | undefined;
  for (const sent of headers.keys()) {
    const underscored = sent.includes('_');
    const name = underscored ? sent.replace(/_/g, '-') : sent;
    if (URL_OVERRIDES.has(name)) {
      const kind = KIND.get(name);
      const against = kind === undefined ? undefined : decided();
      if (kind === undefined || against === undefined || !headerValues(headers, sent).every((v) => agrees(kind, v, against))) {
        return { code: EXTRACT_CODES.targetOverride, message: `header \`${name}\` may make the server run another path or host than the request names` };
      }
    }
    if (METHOD_OVERRIDES.has(name)) return { code: EXTRACT_CODES.methodOverride, message: `header \`${name}\` may make the server run the request as another method` };
    if (name === 'forwarded' && !headerValues(headers, sent).every((v) => forwardedHostsAgree(v, decided))) {
      return { code: EXTRACT_CODES.targetOverride, message: 'header `forwarded` names a `host=` other than the request\'s, which may make the server read another host than the request names' };
    }
    if (underscored) {
      const other = headers.has(name) ? name : folded?.get(name);
      if (other !== undefined) return { code: EXTRACT_CODES.targetOverride, message: `headers \`${other}\` and \`${sent}\` are one variable to cgi-style servers, which may read the one the proxy did not` };
      (folded ??= new Map()).set(name, sent);
    }
  }
  // The parameters are only parsed when their text may hold a `_method` key in any spelling: its
  // `_` is sent as is or as `%5F` (every other letter may be encoded too, so only `_` is looked for).
  if ((search.includes('_') || /%5f/i.test(search)) && [...new URLSearchParams(search).keys()].some((k) => k.toLowerCase() === '_method')) {
    return { code: EXTRACT_CODES.methodOverride, message: 'url parameter `_method` may make the server run the request as another method' };
  }
  return null;
}

/** Refuses a request carrying a header of {@link overrideOf} that does not read as `decided` (the url parameter is read with the body, by request.ts). */
export function refuseTargetOverrides(headers: HeaderMap, decided?: DecidedTarget | (() => DecidedTarget)): void {
  const override = overrideOf(headers, '', decided);
  if (override !== null) fail(override.code, override.message);
}

/**
 * Whether a header (lowercase name, as sent) is one a server may route on: never forwarded. A
 * request that carries one is only forwarded once {@link overrideOf} found it agreeing, and then
 * it says nothing the canonical request does not (see above). `Forwarded` is never forwarded:
 * readers differ on where a `host=` in it starts (Spring and Vert.x search the whole value, so
 * `for="_xhost=other"` names a host to them), and the client's address it carries is in
 * `X-Forwarded-For` too.
 */
export function isRoutingHeader(name: string, _values: readonly string[]): boolean {
  const plain = name.includes('_') ? name.replace(/_/g, '-') : name;
  return URL_OVERRIDES.has(plain) || plain === 'forwarded';
}

/** A `host=` as the loosest reader finds one: anywhere in the value (Spring's and Vert.x's search). */
const HOST_PARAM = /host\s*=/i;

/** Every value a reader searching the whole text for `host=` may take (quotes, `;` and `,` end it). */
function hostsAnywhere(value: string): string[] {
  return [...value.matchAll(/host\s*=\s*"?([^";,\s]*)/gi)].map((m) => m[1]!);
}

function agrees(kind: 'path' | 'prefix' | 'host', value: string, decided: DecidedTarget): boolean {
  if (kind === 'path') return value === decided.target;
  // Spring joins a comma list of prefixes; `/` and nothing are both no prefix.
  if (kind === 'prefix') return value.split(',').every((p) => p.trim() === '' || p.trim() === '/');
  // Proxies append to a list and stacks read its first or its last entry: every one must agree.
  return value.split(',').every((h) => hostAgrees(h.trim(), decided));
}

/** `host` or `host:port` naming the decided host (or an alias), any case, one trailing dot allowed. */
function hostAgrees(value: string, decided: DecidedTarget): boolean {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]\s/\\@?#]+)(?::\d{1,5})?$/i.exec(value);
  if (match === null) return false;
  const host = match[1]!.toLowerCase().replace(/\.$/, '');
  return host === decided.host || (decided.aliases ?? []).includes(host);
}

/**
 * Whether every `host=` of a `Forwarded` value (RFC 7239) names the decided host. It is read two
 * ways, as the RFC parses it (quoted strings kept whole) and as a reader splitting at every `;`
 * and `,` does: a `host=` hidden in a quoted value (`for="a;host=b"`) is one to the second, so
 * both readings must agree.
 */
function forwardedHostsAgree(value: string, target: () => DecidedTarget | undefined): boolean {
  if (!HOST_PARAM.test(value)) return true;
  const decided = target();
  if (decided === undefined) return false;
  const strict = forwardedPairs(value);
  if (strict === null) return false;
  const loose = value.split(/[;,]/).map((pair) => {
    const at = pair.indexOf('=');
    return at < 0 ? null : ([pair.slice(0, at).trim(), pair.slice(at + 1).trim().replace(/^"|"$/g, '')] as const);
  });
  const pairsAgree = [...strict, ...loose].every((pair) => pair === null || pair[0].toLowerCase() !== 'host' || hostAgrees(pair[1], decided));
  return pairsAgree && hostsAnywhere(value).every((h) => hostAgrees(h, decided));
}

/** The `name=value` pairs of a `Forwarded` value as RFC 7239 reads them (quoted values unescaped), or null when it does not parse. */
function forwardedPairs(value: string): (readonly [string, string])[] | null {
  const pairs: (readonly [string, string])[] = [];
  const pair = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=("(?:[^"\\]|\\.)*"|[!#$%&'*+.^_`|~0-9A-Za-z:[\]-]*)\s*(?:[;,]|$)/y;
  while (pair.lastIndex < value.length) {
    const at = pair.lastIndex;
    const match = pair.exec(value);
    if (match === null || pair.lastIndex === at) return value.slice(at).trim() === '' ? pairs : null;
    const raw = match[2]!;
    pairs.push([match[1]!, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw]);
  }
  return pairs;
}
