import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { BlastguardError, isBlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { INSIGHT_CODES, type InsightCode } from './codes.js';
import { readEvent, type LoggedDecision } from './event.js';
import type { LogSource } from './sources.js';
import { JsonSplitter } from './split-json.js';

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
}

export interface ReadLogsStats {
  files: number;
  lines: number;
  events: number;
  /** Events outside `--since`/`--until`. */
  outsideWindow: number;
  bad: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * UTF-8 text of a byte stream, chunk by chunk: a sequence cut by a chunk boundary waits for the
 * next chunk. `Buffer#toString` decodes several times faster than a streaming `TextDecoder`;
 * invalid bytes become U+FFFD as with either.
 */
class Utf8Chunks {
  private tail: Buffer | null = null;

  decode(chunk: Uint8Array): string {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.tail !== null) {
      buf = Buffer.concat([this.tail, buf]);
      this.tail = null;
    }
    const cut = completeLength(buf);
    if (cut < buf.length) this.tail = Buffer.from(buf.subarray(cut));
    return buf.toString('utf8', 0, cut);
  }

  end(): string {
    const tail = this.tail;
    this.tail = null;
    return tail === null ? '' : tail.toString('utf8');
  }
}

/** The length of `b` without a UTF-8 sequence its end cuts short. */
function completeLength(b: Uint8Array): number {
  let i = b.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (b[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return b.length;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > b.length ? i : b.length;
}

/** The bytes of a source, gunzipped when they start with gzip's magic number. */
async function* bytesOf(source: LogSource): AsyncGenerator<Uint8Array> {
  const iterator = source.open()[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) return;
  const head = first.value;
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator.next(),
      return: async () => (iterator.return === undefined ? { done: true as const, value: undefined } : iterator.return()),
    }),
  };
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield head;
    yield* rest;
    return;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* rest;
  }
  const gunzip = Readable.from(all()).pipe(createGunzip());
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (e) {
    throw new BlastguardError(INSIGHT_CODES.badGzip, `\`${escape(source.name)}\` does not decompress as gzip`, {
      file: escape(source.name),
      help: 'pass the file as the collector stored it (gzip JSON array), or decompress it first',
      cause: e,
    });
  }
}

/**
 * Streams every decision event of the sources to `onDecision`, one at a time: memory holds one
 * chunk (1 MiB) and one value, whatever the log size. Bad lines become located warnings.
 */
export async function readLogs(sources: readonly LogSource[], onDecision: (decision: LoggedDecision) => void, options: ReadLogsOptions = {}): Promise<ReadLogsStats> {
  const stats: ReadLogsStats = { files: 0, lines: 0, events: 0, outsideWindow: 0, bad: 0 };
  const maxBad = options.maxBadLines ?? 1000;
  const since = options.sinceMs ?? -Infinity;
  const until = options.untilMs ?? Infinity;
  for (const source of sources) {
    stats.files++;
    const warn = (code: InsightCode, line: number, column: number, message: string): void => {
      stats.bad++;
      options.onWarning?.({ code, file: source.name, line, column, message });
      if (stats.bad > maxBad) {
        throw new BlastguardError(INSIGHT_CODES.tooManyBad, `more than ${maxBad} bad lines; the last in \`${escape(source.name)}\` at line ${line}`, {
          file: escape(source.name),
          line,
          column,
          help: 'check that --logs names OPA decision logs (JSON lines or gzip JSON arrays), or raise --max-bad-lines',
        });
      }
    };
    const splitter = new JsonSplitter(
      (piece) => {
        stats.lines++;
        let value: unknown;
        try {
          value = JSON.parse(piece.text);
        } catch {
          warn(INSIGHT_CODES.notJson, piece.line, piece.column, 'not JSON; the line is skipped');
          return;
        }
        const decision = readEvent(value);
        if (decision === 'notEvent') {
          warn(INSIGHT_CODES.notEvent, piece.line, piece.column, 'not an OPA decision event (`decision_id`, `timestamp`, `result`); skipped');
          return;
        }
        if (decision === 'badTimestamp') {
          warn(INSIGHT_CODES.badTimestamp, piece.line, piece.column, 'the event has no RFC 3339 `timestamp`; skipped');
          return;
        }
        if (decision.timeMs < since || decision.timeMs >= until) {
          stats.outsideWindow++;
          return;
        }
        stats.events++;
        onDecision(decision);
      },
      (line, column) => warn(INSIGHT_CODES.truncated, line, column, 'the file ends inside a JSON value (truncated upload?)'),
    );
    const decoder = new Utf8Chunks();
    try {
      for await (const chunk of bytesOf(source)) splitter.push(decoder.decode(chunk));
    } catch (e) {
      if (isBlastguardError(e)) throw e;
      throw new BlastguardError(INSIGHT_CODES.unreadable, `cannot read \`${escape(source.name)}\``, { file: escape(source.name), help: 'check the path and its permissions', cause: e });
    }
    splitter.push(decoder.end());
    splitter.end();
  }
  return stats;
}
