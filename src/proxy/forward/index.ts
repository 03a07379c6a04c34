/**
 * Forward-proxy mode (issue 11): clients that honour `HTTPS_PROXY` but cannot change their API
 * base URL reach declared Apis through TLS interception with certificates from a local CA; the
 * decrypted requests go to the reverse proxy's decide-and-forward handler.
 */
export { createForwardProxy } from './server.js';
export type { ForwardProxy } from './server.js';
export { DEFAULT_FORWARD_LIMITS } from './options.js';
export type { ForwardEvent, ForwardHandler, ForwardLimits, ForwardProxyOptions, ForwardTarget } from './options.js';
export { CA_CERT_FILE, CA_KEY_FILE, createLocalCa, loadLocalCa, readLocalCa } from './ca.js';
export type { CaMaterial, CaSource, CreateCaOptions, LocalCa } from './ca.js';
export { FORWARD_CODES, FORWARD_CODE_TITLES, ForwardProxyError } from './codes.js';
export type { ForwardCode } from './codes.js';
export { dnsName } from './host.js';
export { dnsConstraints, hostsOutsideCa, requireCaCoversHosts } from './permitted.js';
export type { DnsConstraints } from './permitted.js';
