/**
 * Bundle distribution (issue 10): sources modelled on OPA's bundle loader (file, HTTP bundle
 * service, OCI registry) that emit OPA's `Update` shape, OCI push, persistence of the last good
 * bundle, and `pull` (fetch → verify → persist). The only layer besides the CLI that uses the
 * network; it never activates anything (that is `enforce/`).
 */
export { DISTRIBUTE_CODES, DISTRIBUTE_CODE_TITLES, DistributeError, HTTPError } from './codes.js';
export type { DistributeCode } from './codes.js';
export type { Credentials } from './config.js';
export { DEFAULT_MAX_DELAY_SECONDS, DEFAULT_MIN_DELAY_SECONDS, LONG_POLL_MIN_HOLD_MS, PollingSource } from './source.js';
export type { FetchResult, PollingConfig, Source, SourceKind, Update } from './source.js';
export { FileSource, createFileSource } from './file.js';
export type { FileSourceConfig } from './file.js';
export { BUNDLE_CONTENT_TYPES, BUNDLE_MEDIA_TYPE, HttpSource, LONG_POLL_GRACE_MS, createHttpSource } from './http.js';
export type { HttpSourceConfig } from './http.js';
export { MAX_INDEX_DEPTH, OciSource, createOciSource, pushOciBundle, pushOciIndex, resolveBundleLayer } from './oci.js';
export type { OciPushOptions, OciPushResult, OciSourceConfig } from './oci.js';
export { DEFAULT_TAG, formatOciReference, parseOciReference } from './oci-reference.js';
export type { OciReference } from './oci-reference.js';
export { OCI_BUNDLE_LAYER, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST, RegistryClient, parseChallenge, sha256Digest } from './oci-registry.js';
export type { Descriptor } from './oci-registry.js';
export { sourceForLocation } from './locate.js';
export type { SourceOptions } from './locate.js';
export { BUNDLE_FILE, META_FILE, MAX_PERSISTED_REPLACED, loadPersistedBundle, persistBundle, persistedBundlePath, recordPersistedState } from './persist.js';
export type { PersistedBundle, PersistedState } from './persist.js';
export { DEFAULT_BUNDLE_NAME, openPersisted, openUpdate, pull } from './pull.js';
export type { PullOptions, PullResult, PulledInfo } from './pull.js';
export { fetchTrustingCa } from './ca-fetch.js';
export { DEFAULT_MAX_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, MAX_REDIRECTS, MAX_RETRY_WAIT_MS, RETRY_BASE_MS, Transport, backoffMs, isRetryableStatus } from './transport.js';
export type { FetchLike, HttpRequest, HttpResponse, TransportOptions } from './transport.js';
