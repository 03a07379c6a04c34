/**
 * The egress proxy (issue 11): `node:http → extract (canonical) → enforce → forward | deny`, fail
 * closed. It forwards what was decided — the canonical request `extractForwarding` writes — never
 * the bytes it parsed. Imports no toolchain layer.
 */
export { createProxyHandler } from './handler.js';
export type { DecidingEnforcer, ProxyHandler, ProxyHandlerOptions } from './handler.js';
export { startReverseProxy } from './server.js';
export type { ReverseProxy, ReverseProxyOptions } from './server.js';
export { upstreamPool } from './upstream.js';
export type { Upstream } from './upstream.js';
export { PROXY_CODES, PROXY_CODE_TITLES, ProxyError } from './codes.js';
export type { ProxyCode } from './codes.js';
export { sendDenial } from './denial.js';
export type { Refusal } from './denial.js';
