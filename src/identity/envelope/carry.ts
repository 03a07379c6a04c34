import { headerValues, type HeaderMap } from '../../core/headers.js';
import { ENVELOPE_CODES } from '../codes.js';
import { refuse } from './error.js';

/** The HTTP header an envelope travels in (draft-ietf-oauth-transaction-tokens). */
export const ENVELOPE_HEADER = 'Txn-Token';
/** The MCP `params._meta` key (next to the reserved `traceparent` and `baggage`). */
export const ENVELOPE_MCP_META_KEY = 'txn-token';
/** The CloudEvents extension attribute (`[a-z0-9]`, at most 20 characters); `ce-txntoken` in HTTP binary mode. */
export const ENVELOPE_CLOUDEVENTS_ATTRIBUTE = 'txntoken';
/** The key in queue message metadata (SQS message attributes, Kafka and AMQP headers, Pub/Sub attributes). */
export const ENVELOPE_QUEUE_KEY = 'txn-token';

/** `ENVELOPE_HEADER` as a `HeaderMap` key (lowercase): read on every request, so not lowercased per call. */
const ENVELOPE_HEADER_KEY = ENVELOPE_HEADER.toLowerCase();

/**
 * The one envelope a request's headers carry, or null. Repeating the header with the same text is
 * tolerated (proxies duplicate); two different texts are refused, never chosen between.
 */
export function envelopeFromHeaders(headers: HeaderMap): string | null {
  // Most requests carry none, or one: answered without building the set of distinct values.
  const given = headers.get(ENVELOPE_HEADER_KEY);
  if (given === undefined || given.length === 0) return null;
  if (given.length === 1) return nonEmpty(given[0]!.trim());
  const values = [...new Set(headerValues(headers, ENVELOPE_HEADER_KEY).map((v) => v.trim()))];
  if (values.length > 1) refuse(ENVELOPE_CODES.conflicting, `header \`${ENVELOPE_HEADER}\` is given ${values.length} different values`);
  return nonEmpty(values[0]);
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/** Headers for the next hop or the next attempt: the same envelope verbatim, and the attempt counter set. */
export function carryHeaders(
  headers: Readonly<Record<string, string>>,
  envelope: string,
  attempt?: { header: string; value: number },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === ENVELOPE_HEADER.toLowerCase() || (attempt !== undefined && lower === attempt.header.toLowerCase())) continue;
    out[name] = value;
  }
  out[ENVELOPE_HEADER] = envelope;
  if (attempt !== undefined) out[attempt.header] = String(attempt.value);
  return out;
}

/** An MCP `params._meta` with the envelope set (other keys kept). */
export function withMcpEnvelope(meta: Readonly<Record<string, unknown>> | undefined, envelope: string): Record<string, unknown> {
  return { ...meta, [ENVELOPE_MCP_META_KEY]: envelope };
}

/** The envelope of an MCP `params._meta`, or null; a non-string value is malformed. */
export function envelopeFromMcpMeta(meta: Readonly<Record<string, unknown>>): string | null {
  if (!Object.prototype.hasOwnProperty.call(meta, ENVELOPE_MCP_META_KEY)) return null;
  const value = meta[ENVELOPE_MCP_META_KEY];
  if (typeof value !== 'string') refuse(ENVELOPE_CODES.malformed, `\`_meta.${ENVELOPE_MCP_META_KEY}\` must be a string`);
  return value;
}

/** A CloudEvent (structured mode attributes) carrying the envelope as an extension attribute. */
export function withCloudEventEnvelope<E extends Record<string, unknown>>(event: E, envelope: string): E & { txntoken: string } {
  return { ...event, [ENVELOPE_CLOUDEVENTS_ATTRIBUTE]: envelope } as E & { txntoken: string };
}

export function envelopeFromCloudEvent(event: Readonly<Record<string, unknown>>): string | null {
  const value = event[ENVELOPE_CLOUDEVENTS_ATTRIBUTE];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Queue message metadata carrying the envelope: a consumer that retries re-publishes the same
 * metadata (its attempt counter goes up), never an envelope of its own.
 */
export function withQueueEnvelope(metadata: Readonly<Record<string, string>>, envelope: string): Record<string, string> {
  return { ...metadata, [ENVELOPE_QUEUE_KEY]: envelope };
}

export function envelopeFromQueue(metadata: Readonly<Record<string, string>>): string | null {
  const value = Object.prototype.hasOwnProperty.call(metadata, ENVELOPE_QUEUE_KEY) ? metadata[ENVELOPE_QUEUE_KEY] : undefined;
  return value === undefined || value === '' ? null : value;
}
