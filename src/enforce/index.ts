/**
 * The enforcer runtime (issue 10): keeps one verified bundle active (`read → verify →
 * checkRevision → readCatalog → loadEngine → swap`), decides through the module's exports, logs decisions as
 * OPA's EventV1, and reports status, health and Prometheus metrics. Imports no toolchain layer.
 */
export { listenOn } from './listen.js';
export type { Listening } from './listen.js';
export { DEFAULT_SHUTDOWN_GRACE_SECONDS, drainable } from './drain.js';
export type { Drain } from './drain.js';
export { createEnforcer, defaultMaxStaleness } from './enforcer.js';
export { newDecisionId } from './decision-id.js';
export type { CheckOutcome, DecideContext, Enforcer, EnforcerOptions, RequestDecision } from './enforcer.js';
export { ActivationError, ENFORCE_CODES, ENFORCE_CODE_TITLES, EnforceError } from './codes.js';
export type { ActivationCode, EnforceCode } from './codes.js';
export { activate, checkRevision, loadEngine, read, swap, verify } from './activation.js';
export type { ActiveBundle, ActivationSettings, BundleHolder } from './activation.js';
export { compareRevision, sequenceOf } from './revision.js';
export type { RevisionInfo } from './revision.js';
export { validateOverride, withLockdown } from './override.js';
export type { LocalOverride } from './override.js';
export { DecisionLog, DEFAULT_BUFFER_EVENTS, DEFAULT_UPLOAD_LIMIT_BYTES } from './decision-log.js';
export type { DecisionLogOptions, DecisionLogStats } from './decision-log.js';
export { EventBuffer } from './buffer.js';
export { DECISION_PATH, UNLOGGABLE_INPUT, buildEvent, eraseInput, isCredentialKey, maskInput } from './event.js';
export type { DecisionEvent, DecisionRecord } from './event.js';
export { EnforcerMetrics } from './metrics.js';
export { IssuerKeyStore } from './issuer-keys.js';
export type { IssuerKeyStoreOptions, IssuerKeysRefresh } from './issuer-keys.js';
export { STATUS_PATHS, serveStatus, statusListener } from './server.js';
export type { StatusServer } from './server.js';
export type { EnforcerState, EnforcerStatus, StatusError } from './status.js';
export { statusDocument } from './status-upload.js';
export type { StatusDocument, StatusUploadOptions, StatusUploadStats } from './status-upload.js';
