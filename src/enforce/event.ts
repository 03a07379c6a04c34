import { createHash } from 'node:crypto';
import { escape as printable } from '../core/untrusted.js';
import type { Decision } from '../ir/types.js';
import { newDecisionId } from './decision-id.js';

/**
 * One decision as OPA's decision-log plugin writes it (`EventV1`, opa-compat.md §5.1), field
 * names and order kept so existing sinks ingest it unchanged. The decision itself (`result`)
 * carries blastguard's `mode`, `rule`, `would_deny` and `enforced`.
 */
export interface DecisionEvent {
  labels: Readonly<Record<string, string>>;
  decision_id: string;
  trace_id?: string;
  span_id?: string;
  bundles: Record<string, { revision: string }>;
  path: string;
  /** Absent when erased (`erased: ["/input"]`). */
  input?: unknown;
  result: Decision;
  /** OPA's `erased`: JSON pointers of fields removed from the event (the input of an event too large to upload). */
  erased?: string[];
  timestamp: string;
  metrics: Record<string, number>;
}

/** What a decision log sees of one decision before the event is built. */
export interface DecisionRecord {
  input: unknown;
  /** The input as the JSON text or UTF-8 bytes it was decided from (`decideJson`): parsed only when the event is built. */
  json?: string | Uint8Array | undefined;
  result: Decision;
  bundle: { name: string; revision: string } | null;
  timeMs: number;
  durationNs: number;
  traceparent?: string | undefined;
  /** The id the decider already gave this decision (shown to the caller); a new one otherwise. */
  decisionId?: string | undefined;
}

/** OPA's decision path for the whole decision (the bundle entrypoint). */
export const DECISION_PATH = 'blastguard/decision';

/**
 * Keys under which every value is a credential, at any depth (arrays and objects included):
 * logged only as `sha256:` fingerprints (extract's rule). Matched on the key lowercased with
 * separators removed, by the words credentials are named with (`accessToken`, `x-auth-token`,
 * `client-secret`, `aws_secret_access_key`, `set-cookie`, `x-amz-security-token`…); `author`
 * and `authority` are not credentials. Erring towards a fingerprint only costs a readable field.
 */
const CREDENTIAL_WORD = /token|secret|passw|passphrase|pwd|apikey|accesskey|privatekey|credential|cookie|session|signature|bearer|jwt|auth(?!or(?!iz))/;

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_WORD.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** A value already reduced to a fingerprint stays as it is. */
export const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;
/** extract's `token.fingerprint` for a credential of a token family: the family's public prefix, never the credential. */
export const FAMILY = /^family:[A-Za-z0-9_.-]{1,32}$/;
/** Nesting kept in a logged input; deeper values are replaced by a marker (a log line stays bounded). */
export const MAX_DEPTH = 16;
export const MAX_ITEMS = 256;

export function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/**
 * The input as it may be logged: a copy (a caller mutating its input later does not change the
 * log), credentials as fingerprints, every string through the one rule for untrusted text
 * (`printable`: control characters escaped, long values cut), bounded depth and width.
 */
export function maskInput(value: unknown, depth = 0, key = '', secret = false): unknown {
  const credential = secret || isCredentialKey(key);
  if (typeof value === 'string') {
    if (credential && !FINGERPRINT.test(value) && !(key === 'fingerprint' && FAMILY.test(value))) return fingerprint(value);
    return printable(value);
  }
  if (credential && (typeof value === 'number' || typeof value === 'bigint')) return fingerprint(String(value));
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => maskInput(v, depth + 1, '', credential));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(value)) {
    if (n++ >= MAX_ITEMS) break;
    out[printable(k)] = maskInput(v, depth + 1, k, credential);
  }
  return out;
}

/** Marks an input that could not be copied for the log (a getter or proxy that throws): the decision itself denied or was made. */
export const UNLOGGABLE_INPUT = '[input could not be read for the log]';

/** The event without its input, as OPA marks it (`erased: ["/input"]`), fields in EventV1 order. */
export function eraseInput(event: DecisionEvent): DecisionEvent {
  const { labels, decision_id, trace_id, span_id, bundles, path, result, timestamp, metrics } = event;
  return {
    labels,
    decision_id,
    ...(trace_id === undefined ? {} : { trace_id }),
    ...(span_id === undefined ? {} : { span_id }),
    bundles,
    path,
    result,
    erased: ['/input'],
    timestamp,
    metrics,
  };
}

export const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

const utf8 = new TextDecoder();

/**
 * The input a decision was made from as JSON: its value, or, when it is not JSON (the decision
 * then denied), its size and fingerprint: text that does not parse cannot be masked, and may hold
 * a credential beside the syntax error.
 */
export function parsedInput(json: string | Uint8Array): unknown {
  const text = typeof json === 'string' ? json : utf8.decode(json);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { not_json: { bytes: typeof json === 'string' ? Buffer.byteLength(json) : json.byteLength, fingerprint: fingerprint(text) } };
  }
}

/** Builds the event; the only per-decision work a log adds besides the buffer push. */
export function buildEvent(record: DecisionRecord, labels: Readonly<Record<string, string>>): DecisionEvent {
  const trace = record.traceparent === undefined ? null : TRACEPARENT.exec(record.traceparent);
  // Built in EventV1's field order: JSON output order is the Go struct order.
  return {
    labels,
    decision_id: record.decisionId ?? newDecisionId(),
    ...(trace === null ? {} : { trace_id: trace[1]!, span_id: trace[2]! }),
    bundles: record.bundle === null ? {} : { [record.bundle.name]: { revision: record.bundle.revision } },
    path: DECISION_PATH,
    input: maskInput(record.json === undefined ? record.input : parsedInput(record.json)),
    result: record.result,
    timestamp: new Date(record.timeMs).toISOString(),
    metrics: { timer_blastguard_decide_ns: record.durationNs },
  };
}
