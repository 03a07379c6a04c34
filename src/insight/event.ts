/**
 * One logged decision reduced to what the report reads. Events come from blastguard's enforcer
 * (OPA's `EventV1` with a blastguard decision as `result`) or from any OPA, whose `result` may
 * be a bare boolean or an object with `allow`: those count as allow/deny under the event's path.
 */
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
  /** The logged input as written (replays need it). */
  input: unknown;
}

/** Why a JSON value is not read as an event. */
export type EventProblem = 'notEvent' | 'badTimestamp';

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

const MODES = new Set<string>(['allow', 'shadow', 'deny']);

/** Reads one parsed JSON value as a decision event, or says why not. */
export function readEvent(value: unknown): LoggedDecision | EventProblem {
  const event = record(value);
  if (event === null) return 'notEvent';
  const id = text(event['decision_id']);
  if (id === null || !('result' in event)) return 'notEvent';
  const stamp = text(event['timestamp']);
  const timeMs = stamp === null ? NaN : Date.parse(stamp);
  if (!Number.isFinite(timeMs)) return 'badTimestamp';
  const path = text(event['path']) ?? '(no path)';
  const input = record(event['input']);
  const operation = record(input?.['operation']);
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
    if (allow === null) return 'notEvent';
    mode = allow ? 'allow' : 'deny';
    rule = path;
    if (!allow) findings = [{ rule, mode: 'deny' }];
  }
  return {
    id,
    timeMs,
    api: text(input?.['api']) ?? '(no api)',
    operation: text(operation?.['name']) ?? '(no operation)',
    opClass,
    mode,
    rule,
    findings,
    token: text(token?.['fingerprint']),
    originator: text(identity?.['originator']),
    tenant: text(identity?.['tenant']),
    resource: text(resource?.['id']),
    input: event['input'],
  };
}
