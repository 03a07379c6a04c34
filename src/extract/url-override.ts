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
 * from them), or the method (`X-Original-Method`). A reverse proxy in front of a server sets them;
 * a client going out through an egress proxy has no reason to send any. Whether this upstream or
 * something in between honours one is unknowable, so the request is refused rather than decided
 * for one target while the server may run another. Dropping them is no answer: the request the
 * client meant would silently become another one, and an enforcer that only decides (no proxy)
 * cannot drop anything.
 */
const URL_OVERRIDES = [
  'x-original-url', 'x-rewrite-url', 'x-original-uri', 'x-forwarded-uri', 'x-forwarded-path', 'x-envoy-original-path', 'x-forwarded-prefix', 'x-forwarded-host', 'x-original-host',
  // ASP.NET Core's UsePathBase readers, URL-rewrite modules and Tomcat/Apache setups that hand the original on.
  'x-forwarded-pathbase', 'x-original-path', 'x-forwarded-url', 'x-host', 'x-forwarded-server',
  // CGI meta-variables a WSGI/CGI server takes from a header of that name: gunicorn sets
  // `SCRIPT_NAME` (and, from 22, `PATH_INFO`) from a `script_name`/`path_info` header by default and
  // routes on the rest of the path, so `/a%2Fb` with `script_name: /a` runs another resource.
  'script-name', 'path-info', 'path-translated', 'request-uri', 'query-string', 'server-name',
] as const;

/**
 * `X-Original-Method`: the method a front proxy says the request had (nginx `auth_request` setups
 * hand it on); `Request-Method`: the CGI meta-variable, for servers that take it from a header as
 * gunicorn takes `SCRIPT_NAME`; the framework overrides (Rails, Laravel, Express method-override,
 * ASP.NET, Google APIs).
 */
const METHOD_OVERRIDES = ['x-original-method', 'request-method', 'x-http-method-override', 'x-http-method', 'x-method-override'] as const;

// Looked up once per header of every request.
const URL_OVERRIDE_NAMES: ReadonlySet<string> = new Set(URL_OVERRIDES);
const METHOD_OVERRIDE_NAMES: ReadonlySet<string> = new Set(METHOD_OVERRIDES);

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
 * line says, or null: a header above, or a `_method` url parameter (`search` is the query, with or
 * without its `?`). CGI, Rack and PHP read `X_Original_URL` as `X-Original-URL`, so `_` spellings
 * count too. The MCP guard refuses with this what it relays without reading.
 */
export function overrideOf(headers: HeaderMap, search = ''): Override | null {
  const folded = new Map<string, string>();
  for (const sent of headers.keys()) {
    const name = sent.includes('_') ? sent.replace(/_/g, '-') : sent;
    if (URL_OVERRIDE_NAMES.has(name)) return { code: EXTRACT_CODES.targetOverride, message: `header \`${name}\` may make the server run another path or host than the request names` };
    if (METHOD_OVERRIDE_NAMES.has(name)) return { code: EXTRACT_CODES.methodOverride, message: `header \`${name}\` may make the server run the request as another method` };
    if (name === 'forwarded' && headerValues(headers, sent).some((v) => /(?:^|[;,])\s*host\s*=/i.test(v))) {
      return { code: EXTRACT_CODES.targetOverride, message: 'header `forwarded` names a `host=`, which may make the server read another host than the request names' };
    }
    const other = folded.get(name);
    if (other !== undefined) return { code: EXTRACT_CODES.targetOverride, message: `headers \`${other}\` and \`${sent}\` are one variable to cgi-style servers, which may read the one the proxy did not` };
    folded.set(name, sent);
  }
  if (search !== '' && search !== '?' && [...new URLSearchParams(search).keys()].some((k) => k.toLowerCase() === '_method')) {
    return { code: EXTRACT_CODES.methodOverride, message: 'url parameter `_method` may make the server run the request as another method' };
  }
  return null;
}

/** Refuses a request carrying a header of {@link overrideOf} (the url parameter is read with the body, by request.ts). */
export function refuseTargetOverrides(headers: HeaderMap): void {
  const override = overrideOf(headers);
  if (override !== null) fail(override.code, override.message);
}
