/**
 * Parses one unit of log text: every value read as an event, filtered by the window; bad values
 * become problems located relative to the unit. Pure and self-contained, so it runs the same on
 * the reading thread or on a worker.
 */
import { INSIGHT_CODES, type InsightCode } from './codes.js';
import { readEvent, type LoggedDecision } from './event.js';
import type { LinesUnit, PiecesUnit } from './units.js';

export interface ParseOptions {
  sinceMs: number;
  untilMs: number;
  /** Keep each event's input (replays decide it again); the report drops it. */
  keepInput: boolean;
}

export interface UnitProblem {
  code: InsightCode;
  /** Relative to the unit's first line for a lines unit, absolute for a pieces unit. */
  line: number;
  column: number;
  message: string;
}

/** What a unit yielded besides its decisions. */
export interface UnitTally {
  /** Newlines in a lines unit (0 for pieces): the next unit's lines start after them. */
  newlines: number;
  /** Non-blank lines or array values read. */
  values: number;
  outsideWindow: number;
  problems: UnitProblem[];
  /** Events that are not decisions the report reads, by `path` (first-seen order). */
  ignored: [string, number][];
}

const NOT_EVENT = 'not an OPA decision event (`decision_id`, `timestamp`, `result`); skipped';
const BAD_TIME = 'the event has no RFC 3339 `timestamp`; skipped';

export function parseUnit(unit: LinesUnit | PiecesUnit, options: ParseOptions, onDecision: (d: LoggedDecision) => void): UnitTally {
  const tally: UnitTally = { newlines: 0, values: 0, outsideWindow: 0, problems: [], ignored: [] };
  const ignored = new Map<string, number>();
  const classify = (value: unknown, line: number, column: number, nested: boolean): void => {
    // One upload (an array of events) a line, as some collectors store them.
    if (!nested && Array.isArray(value)) {
      for (const element of value) classify(element, line, column, true);
      return;
    }
    const d = readEvent(value, options.keepInput);
    if (d === 'notEvent') tally.problems.push({ code: INSIGHT_CODES.notEvent, line, column, message: NOT_EVENT });
    else if (d === 'badTimestamp') tally.problems.push({ code: INSIGHT_CODES.badTimestamp, line, column, message: BAD_TIME });
    else if (d.timeMs < options.sinceMs || d.timeMs >= options.untilMs) tally.outsideWindow++;
    else if ('foreign' in d) {
      const key = d.foreign === 'other-result' ? d.path : `${d.path} (${d.foreign})`;
      ignored.set(key, (ignored.get(key) ?? 0) + 1);
    } else onDecision(d);
  };
  const read = (text: string, line: number, column: number, last: boolean): void => {
    tally.values++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (last && (text.startsWith('{') || text.startsWith('['))) tally.problems.push({ code: INSIGHT_CODES.truncated, line, column, message: 'the last line is cut short (a truncated file?); skipped' });
      else tally.problems.push({ code: INSIGHT_CODES.notJson, line, column, message: 'not JSON; the line is skipped' });
      return;
    }
    classify(value, line, column, false);
  };
  if (unit.kind === 'pieces') {
    for (let i = 0; i < unit.texts.length; i++) read(unit.texts[i]!, unit.lines[i]!, unit.columns[i]!, false);
  } else {
    const text = Buffer.from(unit.bytes.buffer, unit.bytes.byteOffset, unit.bytes.byteLength).toString('utf8');
    let line = 0;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      const last = end < 0;
      if (last) end = text.length;
      else tally.newlines++;
      line++;
      let s = start;
      // Leading blanks, and a byte order mark where files were concatenated.
      for (let c = text.charCodeAt(s); s < end && (c <= 32 || c === 0xfeff); c = text.charCodeAt(++s));
      if (s < end) read(text.slice(s, end), line, s - start + 1, last);
      start = end + 1;
    }
  }
  for (const entry of ignored) tally.ignored.push(entry);
  return tally;
}
