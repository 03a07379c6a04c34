export { ENVELOPE_TYP, MAX_ENVELOPE_CHARS, decodeEnvelope } from './claims.js';
export type { Attenuation, DecodedEnvelope, EnvelopeClaims, EnvelopeHeader, TransactionContext } from './claims.js';
export { MAX_CHAIN_DEPTH, MAX_CLOCK_SKEW_SECONDS, checkCall, envelopeHash, parentHash, verifyChain, verifyEnvelope } from './chain.js';
export type { CallScope, VerifiedChain } from './chain.js';
export { CHAIN_CACHE_SIZE, ChainCache } from './cache.js';
export {
  ENVELOPE_CLOUDEVENTS_ATTRIBUTE,
  ENVELOPE_HEADER,
  ENVELOPE_MCP_META_KEY,
  ENVELOPE_QUEUE_KEY,
  carryHeaders,
  envelopeFromCloudEvent,
  envelopeFromHeaders,
  envelopeFromMcpMeta,
  envelopeFromQueue,
  withCloudEventEnvelope,
  withMcpEnvelope,
  withQueueEnvelope,
} from './carry.js';
export { EnvelopeError } from './error.js';
export { inspectEnvelope } from './inspect.js';
export type { InspectedLevel } from './inspect.js';
export { attenuateEnvelope, issueEnvelope } from './issue.js';
export type { AttenuateOptions, IssueOptions, SigningKey } from './issue.js';
export { DEFAULT_ALGORITHMS, ENVELOPE_ALGORITHMS, algorithmsOf, importKey, keyProblem } from './keys.js';
export type { DeclaredKey, EnvelopeAlgorithm } from './keys.js';
export { matchesAny, matchesPattern } from './pattern.js';
export { trustStoreOf } from './trust.js';
export type { FetchedKeys, TrustStore, TrustedIssuer } from './trust.js';
