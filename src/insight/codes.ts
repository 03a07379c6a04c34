import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/**
 * Error and warning codes BG840–BG859: reading decision logs for `report` and `test --logs`.
 * Warnings name one bad line (`file:line`) and the line is skipped; errors stop the read.
 */
const REGISTRY = codeRegistry({
  /** A `--logs` path cannot be opened or read. */
  unreadable: ['BG840', 'a decision-log path cannot be read'],
  /** A line (or array element) is not JSON; it is skipped. */
  notJson: ['BG841', 'a decision-log line is not JSON; it is skipped'],
  /** A JSON value without the fields of an OPA decision event (`decision_id`, `timestamp`, `result`). */
  notEvent: ['BG842', 'a decision-log line is not an OPA decision event (`decision_id`, `timestamp`, `result`); it is skipped'],
  /** The event's `timestamp` is not an RFC 3339 date-time. */
  badTimestamp: ['BG843', 'a decision event has no RFC 3339 `timestamp`; it is skipped'],
  /** A gzip file does not decompress. */
  badGzip: ['BG844', 'a gzip decision-log file does not decompress'],
  /** `--since` is after `--until`, or another flag of `report` is out of range. */
  badWindow: ['BG845', 'the report window or a report flag is invalid'],
  /** An `--unexpected` caller pattern is not `originator:`, `tenant:`, `token:` or a bare originator glob. */
  badCaller: ['BG846', 'an `--unexpected` caller pattern is malformed'],
  /** More bad lines than `--max-bad-lines`: the logs are probably not decision logs. */
  tooManyBad: ['BG847', 'too many bad decision-log lines; the input is probably not a decision log'],
  /** A JSON array of events is cut off (a truncated upload). */
  truncated: ['BG848', 'a decision-log file ends inside a JSON value (truncated)'],
  /** `test --logs` replays: a logged input made the policy fail to decide. */
  replayFailed: ['BG849', 'a logged input could not be replayed against the head bundle'],
  /** The Action's `report` (or another caller) was given no decision logs to read. */
  noLogs: ['BG850', 'no decision logs were named (the Action input `logs`)'],
  /** A line (or array element) longer than `MAX_VALUE_BYTES` (8 MiB): never a decision event; skipped unread. */
  tooLong: ['BG851', 'a decision-log line is longer than 8 MiB; it is skipped'],
});

export const INSIGHT_CODES = REGISTRY.codes;
export const INSIGHT_CODE_TITLES = REGISTRY.titles;
export type InsightCode = CodeOf<typeof INSIGHT_CODES>;
