/**
 * One logged decision reduced to what the report reads. Events come from blastguard's enforcer
 * (OPA's `EventV1` with a blastguard decision as `result`) or from any OPA, whose `result` may
 * be a bare boolean or an object with `allow`: those count as allow/deny under the event's path.
 * Any other event (another policy's result, no result, an evaluation error, a server log
 * record) is not a decision the report can read: it is counted under its path, never a warning.
 */
import { timestampMs } from './timestamp.js';

export type LoggedMode = 'allow' | 'shadow' | 'deny';

export interface Finding {
  rule: string;
  mode: 'shadow' | 'deny';
}

export interface LoggedDecision {
  id: string;
  timeMs: number;
  api: string;
  operation: string;
  /** The operation class the decision carried, when it did. */
  opClass: string | null;
  mode: LoggedMode;
  /** The deciding finding (`<policy>/<rule>`, `default:<class>`, `token:scope`…). */
  rule: string;
  /** Every shadow or deny finding; the deciding one is among them. */
  findings: Finding[];
  /** `sha256:` fingerprint or `family:` key of the credential; null when none was sent. */
  token: string | null;
  originator: string | null;
  tenant: string | null;
  resource: string | null;
  /** The bundles and revisions that decided (`name@revision`, sorted, comma-joined); null when not logged. */
  revision: string | null;
  /** The logged input as written (replays need it); undefined when the reader was told to drop it. */
  input: unknown;
}

/** Why a JSON value is not read as an event. */
export type EventProblem = 'notEvent' | 'badTimestamp';

/** An OPA event (or log record) that carries no decision the report reads; counted by path. */
export interface ForeignEvent {
  foreign: 'other-result' | 'no-result' | 'error' | 'log-record';
  path: string;
  /** NaN for a log record without a decision timestamp. */
  timeMs: number;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

const MODES = new Set<string>(['allow', 'shadow', 'deny']);

/** `bundles` (name → {revision}) or the deprecated single `revision`, as one comparable key. */
function revisionOf(event: Record<string, unknown>): string | null {
  const bundles = record(event['bundles']);
  if (bundles !== null) {
    const names = Object.keys(bundles);
    if (names.length === 1) return `${names[0]!}@${text(record(bundles[names[0]!])?.['revision']) ?? '?'}`;
    if (names.length > 1) return names.sort().map((n) => `${n}@${text(record(bundles[n])?.['revision']) ?? '?'}`).join(',');
  }
  const legacy = text(event['revision']);
  return legacy === null ? null : `@${legacy}`;
}

/**
 * Reads one parsed JSON value as a decision event, says why it is not one, or names the foreign
 * event it is. `keepInput: false` drops the logged input (the report does not read it).
 */
export function readEvent(value: unknown, keepInput = true): LoggedDecision | EventProblem | ForeignEvent {
  const event = record(value);
  if (event === null) return 'notEvent';
  const id = text(event['decision_id']);
  if (id === null) {
    // OPA's console log interleaves its own records (`level`, `msg`) with the decision events.
    if (typeof event['msg'] === 'string' && typeof event['level'] === 'string') return { foreign: 'log-record', path: '(server log)', timeMs: NaN };
    return 'notEvent';
  }
  const timeMs = timestampMs(event['timestamp']);
  if (!Number.isFinite(timeMs)) return 'badTimestamp';
  const rawPath = text(event['path']) ?? text(event['query']);
  const path = rawPath === null ? '(no path)' : rawPath.startsWith('/') ? rawPath.slice(1) || '(no path)' : rawPath;
  if (event['error'] !== undefined && event['error'] !== null) return { foreign: 'error', path, timeMs };
  if (!('result' in event) || event['result'] === undefined) return { foreign: 'no-result', path, timeMs };
  const input = record(event['input']);
  const rawOperation = input?.['operation'];
  const operation = record(rawOperation);
  const token = record(input?.['token']);
  const identity = record(input?.['identity']);
  const resource = record(input?.['resource']);
  const result = event['result'];
  const decision = record(result);
  let mode: LoggedMode;
  let rule: string;
  let findings: Finding[] = [];
  let opClass: string | null = null;
  if (decision !== null && typeof decision['mode'] === 'string' && MODES.has(decision['mode'])) {
    mode = decision['mode'] as LoggedMode;
    rule = text(decision['rule']) ?? path;
    opClass = text(decision['class']);
    const violations = Array.isArray(decision['violations']) ? decision['violations'] : [];
    for (const v of violations) {
      const finding = record(v);
      const findingRule = text(finding?.['rule']);
      const findingMode = finding?.['mode'];
      if (findingRule !== null && (findingMode === 'shadow' || findingMode === 'deny')) findings.push({ rule: findingRule, mode: findingMode });
    }
    if (findings.length === 0 && mode !== 'allow') findings = [{ rule, mode }];
  } else {
    // Any OPA: `true`/`false`, or `{allow: bool}`; the path names the policy that decided.
    const allow = typeof result === 'boolean' ? result : decision !== null && typeof decision['allow'] === 'boolean' ? decision['allow'] : null;
    if (allow === null) return { foreign: result === null ? 'no-result' : 'other-result', path, timeMs };
    mode = allow ? 'allow' : 'deny';
    rule = path;
    if (!allow) findings = [{ rule, mode: 'deny' }];
  }
  return {
    id,
    timeMs,
    api: text(input?.['api']) ?? '(no api)',
    operation: text(operation?.['name']) ?? text(rawOperation) ?? '(no operation)',
    opClass,
    mode,
    rule,
    findings,
    token: text(token?.['fingerprint']),
    originator: text(identity?.['originator']),
    tenant: text(identity?.['tenant']),
    resource: text(resource?.['id']),
    revision: revisionOf(event),
    input: keepInput ? event['input'] : undefined,
  };
}
