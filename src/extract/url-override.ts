import type { HeaderMap } from '../core/headers.js';
import { headerValues } from '../core/headers.js';
import { EXTRACT_CODES } from './codes.js';
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
const URL_OVERRIDES = ['x-original-url', 'x-rewrite-url', 'x-original-uri', 'x-forwarded-uri', 'x-forwarded-path', 'x-envoy-original-path', 'x-forwarded-prefix', 'x-forwarded-host', 'x-original-host'] as const;

/** `X-Original-Method`: the method a front proxy says the request had (nginx `auth_request` setups hand it on). */
const METHOD_OVERRIDES = ['x-original-method'] as const;

/**
 * Refuses a request carrying a header that may make the server run another target (BG443) or
 * method (BG418) than the request line says. CGI, Rack and PHP read `X_Original_URL` as
 * `X-Original-URL`, so `_` spellings count too.
 */
export function refuseTargetOverrides(headers: HeaderMap): void {
  for (const sent of headers.keys()) {
    const name = sent.replace(/_/g, '-');
    const url = URL_OVERRIDES.find((o) => o === name);
    if (url !== undefined) fail(EXTRACT_CODES.targetOverride, `header \`${url}\` may make the server run another path or host than the request names`);
    const method = METHOD_OVERRIDES.find((o) => o === name);
    if (method !== undefined) fail(EXTRACT_CODES.methodOverride, `header \`${method}\` may make the server run the request as another method`);
    if (name === 'forwarded' && headerValues(headers, sent).some((v) => /(?:^|[;,])\s*host\s*=/i.test(v))) {
      fail(EXTRACT_CODES.targetOverride, 'header `forwarded` names a `host=`, which may make the server read another host than the request names');
    }
  }
}
