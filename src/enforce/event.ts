import { createHash, randomUUID } from 'node:crypto';
import { escape as printable } from '../core/untrusted.js';
import type { Decision } from '../ir/types.js';

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
  input: unknown;
  result: Decision;
  timestamp: string;
  metrics: Record<string, number>;
}

/** What a decision log sees of one decision before the event is built. */
export interface DecisionRecord {
  input: unknown;
  result: Decision;
  bundle: { name: string; revision: string } | null;
  timeMs: number;
  durationNs: number;
  traceparent?: string;
  /** The id the decider already gave this decision (shown to the caller); a new one otherwise. */
  decisionId?: string;
}

/** OPA's decision path for the whole decision (the bundle entrypoint). */
export const DECISION_PATH = 'blastguard/decision';

/** Keys whose string values are credentials: logged only as `sha256:` fingerprints (extract's rule). */
const CREDENTIAL_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|token|access_token|refresh_token|id_token|password|passwd|secret|client_secret|api[-_]?key|x-api-key|private[-_]?key|credentials?)$/i;
/** A value already reduced to a fingerprint stays as it is. */
const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;
/** Nesting kept in a logged input; deeper values are replaced by a marker (a log line stays bounded). */
const MAX_DEPTH = 16;
const MAX_ITEMS = 256;

function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/**
 * The input as it may be logged: a copy (a caller mutating its input later does not change the
 * log), credentials as fingerprints, every string through the one rule for untrusted text
 * (`printable`: control characters escaped, long values cut), bounded depth and width.
 */
export function maskInput(value: unknown, depth = 0, key = ''): unknown {
  if (typeof value === 'string') {
    if (CREDENTIAL_KEY.test(key) && !FINGERPRINT.test(value)) return fingerprint(value);
    return printable(value);
  }
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => maskInput(v, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(value)) {
    if (n++ >= MAX_ITEMS) break;
    out[printable(k)] = maskInput(v, depth + 1, k);
  }
  return out;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Builds the event; the only per-decision work a log adds besides the buffer push. */
export function buildEvent(record: DecisionRecord, labels: Readonly<Record<string, string>>): DecisionEvent {
  const trace = record.traceparent === undefined ? null : TRACEPARENT.exec(record.traceparent);
  // Built in EventV1's field order: JSON output order is the Go struct order.
  return {
    labels,
    decision_id: record.decisionId ?? randomUUID(),
    ...(trace === null ? {} : { trace_id: trace[1]!, span_id: trace[2]! }),
    bundles: record.bundle === null ? {} : { [record.bundle.name]: { revision: record.bundle.revision } },
    path: DECISION_PATH,
    input: maskInput(record.input),
    result: record.result,
    timestamp: new Date(record.timeMs).toISOString(),
    metrics: { timer_blastguard_decide_ns: record.durationNs },
  };
}
