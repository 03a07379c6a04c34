import { normalizeHeaders } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';
import { parseBaggage } from './baggage.js';
import { parseTraceparent } from './traceparent.js';

export { MAX_ATTEMPT } from '../core/attempt.js';
export { parseAttempt } from './attempt.js';
export type { AttemptResult } from './attempt.js';
export { parseBaggage } from './baggage.js';
export { parseTraceparent } from './traceparent.js';

/** Who a call claims to act for, and the trace it belongs to: the decision input's `identity`. */
export interface Identity {
  originator?: string;
  tenant?: string;
  causation?: string;
  /** Whether the enforcer authenticated the identity rather than reading a hint such as baggage. */
  verified: boolean;
  /** The issuers of the verified envelope chain, root first (only when `verified`). */
  issuers?: string[];
}

/** Which baggage keys an API's callers put the originator and the tenant in. */
export interface IdentityKeys {
  originatorBaggageKey: string;
  tenantBaggageKey: string;
}

/** Trace context one message carries itself (MCP `params._meta`), next to the request's headers. */
export interface MessageTraceContext {
  traceparent?: string;
  baggage?: string;
  /** An identity envelope the message carries (`_meta["txn-token"]`). */
  envelope?: string;
}

/** The identity W3C trace context headers claim. */
export function identityOf(headers: HeaderMap, keys: IdentityKeys): Identity {
  let originator: string | undefined;
  let tenant: string | undefined;
  // Without a baggage header there is nothing to parse (and no map to build per request).
  if (headers.has('baggage')) {
    const baggage = parseBaggage(headers);
    originator = baggage.get(keys.originatorBaggageKey);
    tenant = baggage.get(keys.tenantBaggageKey);
  }
  const causation = parseTraceparent(headers);
  // Built in the order its members always had (originator, tenant, causation, verified): the
  // decision input's JSON, and so the decision log, keeps its bytes.
  const identity = {} as Identity;
  if (originator) identity.originator = originator;
  if (tenant) identity.tenant = tenant;
  if (causation) identity.causation = causation;
  // Baggage is unauthenticated: whoever sends the request writes it, so it is only ever a claim.
  identity.verified = false;
  return identity;
}

/** Header identity, completed field by field from trace context the message carries. */
export function withMessageIdentity(fromHeaders: Identity, meta: MessageTraceContext, keys: IdentityKeys): Identity {
  const headers = normalizeHeaders({
    ...(meta.traceparent === undefined ? {} : { traceparent: meta.traceparent }),
    ...(meta.baggage === undefined ? {} : { baggage: meta.baggage }),
  });
  const fromMessage = identityOf(headers, keys);
  const merged: Partial<Identity> = {};
  const originator = fromHeaders.originator ?? fromMessage.originator;
  const tenant = fromHeaders.tenant ?? fromMessage.tenant;
  const causation = fromHeaders.causation ?? fromMessage.causation;
  if (originator) merged.originator = originator;
  if (tenant) merged.tenant = tenant;
  if (causation) merged.causation = causation;
  return { ...merged, verified: false };
}

export { ENVELOPE_CODES, ENVELOPE_CODE_TITLES } from './codes.js';
export type { EnvelopeCode } from './codes.js';
export * from './envelope/index.js';
