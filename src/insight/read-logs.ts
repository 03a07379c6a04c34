import { BlastguardError, isBlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { INSIGHT_CODES, type InsightCode } from './codes.js';
import { decodeDecisions } from './decision-batch.js';
import { idKey, RecentIds } from './dedupe.js';
import type { LoggedDecision } from './event.js';
import { parseUnit, type ParseOptions, type UnitTally } from './parse-unit.js';
import { ParsePool, type ParseResponse } from './parse-pool.js';
import type { LogSource } from './sources.js';
import { unitsOf, UNIT_BYTES, type ProblemUnit, type Unit } from './units.js';

/** A located problem with one line of a log; the line is skipped. */
export interface LogWarning {
  code: InsightCode;
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ReadLogsOptions {
  /** Events before this instant are skipped (ms since the epoch). */
  sinceMs?: number;
  /** Events at or after this instant are skipped. */
  untilMs?: number;
  onWarning?: (warning: LogWarning) => void;
  /** Stop with BG847 after this many bad lines (default 1000). */
  maxBadLines?: number;
  /**
   * Worker threads that parse while this thread folds (default 0). Decisions parsed on a worker
   * come without their `input`, so `keepInput` reads on this thread alone.
   */
  threads?: number;
  /** Keep each decision's logged input (default true; a replay needs it, a report does not). */
  keepInput?: boolean;
  /** Bytes a unit of work holds (default 1 MiB); tests make it small to cut everywhere. */
  unitBytes?: number;
}

export interface ReadLogsStats {
  files: number;
  /** Non-blank lines (or array values) read. */
  lines: number;
  /** Decisions read (inside the window, each decision id once). */
  events: number;
  /** Events outside `--since`/`--until`. */
  outsideWindow: number;
  /** Repeats of a decision id already read (an upload or a write retried): counted once. */
  duplicates: number;
  /** OPA events that carry no decision the report reads (another policy's result, no result, an error, a server log record). */
  ignored: number;
  /** Where the ignored events came from, most first (at most `SHOWN_PATHS`). */
  ignoredPaths: { path: string; events: number }[];
  bad: number;
  /** Bad lines by code. */
  badByCode: Record<string, number>;
  /** The first bad lines, located. */
  badSamples: LogWarning[];
}

const SHOWN_PATHS = 20;
const MAX_PATHS = 1000;
const BAD_SAMPLES = 20;

type Entry = { source: LogSource; problem: ProblemUnit } | { source: LogSource; relative: boolean; parsed: Promise<ParseResponse> };

/**
 * Streams every decision event of the sources to `onDecision`, one at a time and in log order:
 * memory holds a few units of work (1 MiB each), whatever the log size. Bad lines become
 * located warnings. With `threads`, workers parse the units while this thread folds.
 */
export async function readLogs(sources: readonly LogSource[], onDecision: (decision: LoggedDecision) => void, options: ReadLogsOptions = {}): Promise<ReadLogsStats> {
  const stats: ReadLogsStats = { files: 0, lines: 0, events: 0, outsideWindow: 0, duplicates: 0, ignored: 0, ignoredPaths: [], bad: 0, badByCode: {}, badSamples: [] };
  const maxBad = options.maxBadLines ?? 1000;
  const keepInput = options.keepInput ?? true;
  const threads = keepInput ? 0 : (options.threads ?? 0);
  const parseOptions: ParseOptions = { sinceMs: options.sinceMs ?? -Infinity, untilMs: options.untilMs ?? Infinity, keepInput };
  const recent = new RecentIds();
  const ignoredPaths = new Map<string, number>();
  let pool: ParsePool | null = null;
  let seq = 0;

  let current: LogSource | null = null;
  let lineBase = 0;
  const warn = (code: InsightCode, line: number, column: number, message: string): void => {
    const file = current!.name;
    stats.bad++;
    stats.badByCode[code] = (stats.badByCode[code] ?? 0) + 1;
    const warning: LogWarning = { code, file, line, column, message };
    if (stats.badSamples.length < BAD_SAMPLES) stats.badSamples.push(warning);
    options.onWarning?.(warning);
    if (stats.bad > maxBad) {
      throw new BlastguardError(INSIGHT_CODES.tooManyBad, `more than ${maxBad} bad lines; the last in \`${escape(file)}\` at line ${line}`, {
        file: escape(file),
        line,
        column,
        help: 'check that --logs names OPA decision logs (JSON lines or gzip JSON arrays), or raise --max-bad-lines',
      });
    }
  };
  const decided = (d: LoggedDecision, a: number, b: number): void => {
    if (recent.repeat(a, b)) {
      stats.duplicates++;
      return;
    }
    stats.events++;
    onDecision(d);
  };
  const enter = (source: LogSource): void => {
    if (source === current) return;
    current = source;
    lineBase = 0;
  };
  const fold = (tally: UnitTally, relative: boolean): void => {
    stats.lines += tally.values;
    stats.outsideWindow += tally.outsideWindow;
    for (const p of tally.problems) warn(p.code, relative ? lineBase + p.line : p.line, p.column, p.message);
    lineBase += tally.newlines;
    for (const [path, n] of tally.ignored) {
      stats.ignored += n;
      const key = ignoredPaths.has(path) || ignoredPaths.size < MAX_PATHS ? path : '(other paths)';
      ignoredPaths.set(key, (ignoredPaths.get(key) ?? 0) + n);
    }
  };
  const consume = async (entry: Entry): Promise<void> => {
    enter(entry.source);
    if ('problem' in entry) {
      const p = entry.problem;
      warn(p.code, p.line ?? lineBase + 1, p.column, p.message);
      lineBase += p.newlines;
      return;
    }
    let response: ParseResponse;
    try {
      response = await entry.parsed;
    } catch (e) {
      // A worker that stopped (out of its memory on a pathological line) is not a user's mistake to trace.
      const reason = e instanceof Error ? e.message : String(e);
      throw new BlastguardError(INSIGHT_CODES.unreadable, `cannot read \`${escape(entry.source.name)}\`: a parse worker stopped (${escape(reason)})`, {
        file: escape(entry.source.name),
        help: 'read it on one thread (--threads 0)',
        cause: e,
      });
    }
    fold(response.tally, entry.relative);
    decodeDecisions(response.batch, decided);
  };

  const queue: Entry[] = [];
  // Three units a worker: one being parsed, one waiting, one answered — a worker descheduled on a
  // busy machine does not stall this thread at once.
  const inFlight = threads * 3;
  try {
    for (const source of sources) {
      stats.files++;
      const units = unitsOf(source, options.unitBytes ?? UNIT_BYTES);
      for (;;) {
        let next: IteratorResult<Unit>;
        try {
          next = await units.next();
        } catch (e) {
          if (isBlastguardError(e)) throw e;
          throw new BlastguardError(INSIGHT_CODES.unreadable, `cannot read \`${escape(source.name)}\``, { file: escape(source.name), help: 'check the path and its permissions', cause: e });
        }
        if (next.done === true) break;
        const unit = next.value;
        if (unit.kind === 'problem') queue.push({ source, problem: unit });
        else {
          // The first unit parses here: a small log never pays for starting a worker.
          if (seq > 0 && threads > 0) pool ??= new ParsePool(threads, parseOptions);
          if (pool === null) {
            // What was queued comes first; then each decision folds as it is read (none pile up).
            while (queue.length > 0) await consume(queue.shift()!);
            enter(source);
            const tally = parseUnit(unit, parseOptions, (d) => decided(d, ...idKey(d.id)));
            fold(tally, unit.kind === 'lines');
          } else {
            const parsed = pool.parse(seq, unit);
            // Awaited in order later; a failure meanwhile must not count as unhandled.
            parsed.catch(() => undefined);
            queue.push({ source, relative: unit.kind === 'lines', parsed });
          }
          seq++;
        }
        while (queue.length > inFlight) await consume(queue.shift()!);
      }
    }
    while (queue.length > 0) await consume(queue.shift()!);
  } finally {
    await pool?.close();
  }
  stats.ignoredPaths = [...ignoredPaths]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, SHOWN_PATHS)
    .map(([path, events]) => ({ path, events }));
  return stats;
}
