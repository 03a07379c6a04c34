import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { isBlastguardError } from '../core/errors.js';
import { authorizationValue, validateCredentials, type Credentials } from '../distribute/config.js';
import { HTTPError, Transport, type FetchLike } from '../distribute/index.js';
import { EventBuffer, RELEASED, type BufferedEvent } from './buffer.js';
import { ENFORCE_CODES, EnforceError } from './codes.js';
import { serviceUrl } from './service-url.js';
import { UNLOGGABLE_INPUT, buildEvent, eraseInput, type DecisionEvent, type DecisionRecord } from './event.js';
import { EventLineWriter } from './event-line.js';

/**
 * Decision logs the way OPA's plugin ships them (opa-compat.md §5): events buffered in bounded
 * memory, then written by a background drain to a JSONL file (rotated by size), to a console
 * writer, and/or POSTed as a gzip JSON array to an OPA-compatible collector (`/logs`), retried
 * with backoff. Recording an event never waits for any of that.
 */
export interface DecisionLogOptions {
  /** JSON lines, rotated to `<path>.1` … `<path>.<maxFiles>` when a write would pass `maxBytes`. */
  file?: { path: string; maxBytes?: number; maxFiles?: number };
  /** Console sink: every event as one line with OPA's `"type": "openpolicyagent.org/decision_logs"`. */
  console?: (line: string) => void;
  /** An OPA-compatible collector. */
  upload?: {
    /** The service URL; events go to `<url><resource>`. */
    url: string;
    resource?: string;
    credentials?: Credentials;
    /** Compressed bytes per POST (OPA's `upload_size_limit_bytes`, default 32768). */
    uploadSizeLimitBytes?: number;
    retries?: number;
    fetch?: FetchLike;
  };
  /** Events held at most (OPA's `buffer_size_limit_events`, default 10000). */
  bufferSizeLimitEvents?: number;
  /** How often the background drain runs (default 1000 ms; 100 ms when nothing is uploaded). */
  flushIntervalMs?: number;
  /** How long `close()` keeps flushing (default 5000 ms); what is still buffered then is counted as dropped. */
  closeGraceMs?: number;
}

export const DEFAULT_BUFFER_EVENTS = 10_000;
export const DEFAULT_UPLOAD_LIMIT_BYTES = 32_768;
/** OPA's floor for `upload_size_limit_bytes`: the smallest gzip stream of a one-event array fits. */
const MIN_UPLOAD_LIMIT_BYTES = 90;
export const DEFAULT_FILE_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FILE_MAX_FILES = 5;
/** The smallest `file.maxBytes`: a few events per file. */
const MIN_FILE_MAX_BYTES = 4_096;
export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
/**
 * The drain interval of a log with local sinks only: lines held for a second outlive two young
 * collections and are promoted (a megabyte a second at 1,000 decisions/s); written every 100 ms,
 * most die young. An upload keeps its second: fewer, larger POSTs.
 */
export const LOCAL_FLUSH_INTERVAL_MS = 100;
export const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** Events taken per drain round: bounds the work (and the memory of one round) between yields. */
const DRAIN_BATCH = 2_000;
/** Events whose lines are built before the event loop is let through (a fraction of a millisecond's work). */
const LINES_PER_SLICE = 16;
/** Bytes of lines the file sink joins and writes at a time. */
const WRITE_PIECE_BYTES = 64 * 1024;
/** Longest pause after failed uploads; doubles from the flush interval. */
const MAX_UPLOAD_BACKOFF_MS = 60_000;
/** Longest collector `Retry-After` honoured: beyond it the collector is asked again after this. */
const MAX_RETRY_AFTER_MS = 3_600_000;
/** Backoff deadlines run on this, not the wall clock: a clock step back must not stall uploads for as long. */
const monotonic = (): number => performance.now();

export interface KindCounts {
  allow: number;
  shadow_or_deny: number;
}

export interface DecisionLogStats {
  buffered: number;
  /** OPA's counter names: `decision_logs_dropped_<cause>`, split by the decision kind dropped. */
  dropped: {
    decision_logs_dropped_buffer_size_limit_exceeded: KindCounts;
    decision_logs_dropped_upload_size_limit_exceeded: number;
    /** Events the decision-log file failed to take (their upload, if any, still goes ahead). */
    decision_logs_dropped_file_write_failed: KindCounts;
    /** Events still buffered when `close()` gave up (a failing or hanging collector past the grace). */
    decision_logs_dropped_closed_with_events_buffered: KindCounts;
  };
  /** Events uploaded without their input (`erased: ["/input"]`): alone they passed `upload_size_limit_bytes`. */
  inputErased: number;
  /** Events whose input could not be read for the log (a throwing getter): logged with a marker instead. */
  inputUnreadable: number;
  /** Events written to the file (or, without one, to the console). */
  written: number;
  uploaded: number;
  uploadFailures: number;
  /** Failed writes or uploads by sink: `blastguard_decision_log_failures_total{sink}`. */
  failures: { file: number; console: number; upload: number };
  /** The last failure of a sink that has not succeeded since. */
  lastError: { code: string; message: string } | null;
}

type Writer = (line: string) => void;
type Sink = 'file' | 'console' | 'upload';

/** A write of the decision-log file failed after `written` whole lines. */
class FileWriteError extends Error {
  constructor(
    readonly written: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A size-rotated JSONL file; writes are serialised by the drain. */
class RotatingFile {
  private handle: FileHandle | undefined;
  private size = 0;
  constructor(
    private readonly file: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {}

  /**
   * Appends lines, rotating before a line that would take the file past `maxBytes`; returns how
   * many were written. A file never ends mid-line: a write that fails part way (a full disk, a
   * file size limit) is cut back to the last whole line and throws a `FileWriteError` that says
   * how many lines made it.
   */
  async writeLines(lines: readonly string[]): Promise<number> {
    let done = 0;
    try {
      if (this.handle === undefined) {
        this.handle = await open(this.file, 'a', 0o600);
        this.size = (await stat(this.file)).size;
      }
      let group: string[] = [];
      let groupBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line) + 1;
        if (this.size + groupBytes > 0 && this.size + groupBytes + bytes > this.maxBytes) {
          done += await this.append(group);
          group = [];
          groupBytes = 0;
          await this.rotate();
        }
        group.push(line);
        groupBytes += bytes;
        // Written in pieces: one join and encoding of a second's lines (megabytes) would hold the event loop up.
        if (groupBytes >= WRITE_PIECE_BYTES) {
          done += await this.append(group);
          group = [];
          groupBytes = 0;
        }
      }
      done += await this.append(group);
      return done;
    } catch (e) {
      throw new FileWriteError(done + (e instanceof FileWriteError ? e.written : 0), e instanceof FileWriteError ? e.cause : e);
    }
  }

  /** Writes whole lines, looping over short writes; on failure truncates back to the last whole line. */
  private async append(lines: readonly string[]): Promise<number> {
    if (lines.length === 0) return 0;
    const handle = this.handle!;
    const buffer = Buffer.from(lines.join('\n') + '\n');
    const start = this.size;
    let offset = 0;
    try {
      while (offset < buffer.byteLength) {
        const { bytesWritten } = await handle.write(buffer, offset, buffer.byteLength - offset);
        if (bytesWritten <= 0) throw new Error('the file takes no more bytes');
        offset += bytesWritten;
      }
      this.size = start + offset;
      return lines.length;
    } catch (e) {
      let whole = 0;
      let bytes = 0;
      for (const line of lines) {
        const next = bytes + Buffer.byteLength(line) + 1;
        if (next > offset) break;
        bytes = next;
        whole++;
      }
      // Cut the part of a line off, so the next write starts a line; if even that fails, the size is unknown.
      try {
        await handle.truncate(start + bytes);
        this.size = start + bytes;
      } catch {
        await this.close().catch(() => undefined);
      }
      throw new FileWriteError(whole, e);
    }
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    for (let i = this.maxFiles - 1; i >= 1; i--) await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    await rename(this.file, `${this.file}.1`);
    this.handle = await open(this.file, 'a', 0o600);
    this.size = 0;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

export class DecisionLog {
  private readonly buffer: EventBuffer;
  private readonly file: RotatingFile | undefined;
  private readonly console: Writer | undefined;
  /** `limit` starts at `uploadSizeLimitBytes` and is halved when the collector answers 413 (its body limit is lower). */
  private readonly upload: { url: string; authorization: { origin: string; value: string } | undefined; limit: number; transport: Transport } | undefined;
  private readonly interval: number;
  private readonly closeGraceMs: number;
  /** Aborts an upload in flight when `close()` runs out of grace. */
  private readonly closing = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private backoffMs = 0;
  private notBefore = 0;
  private closed = false;
  private readonly counts = { written: 0, uploaded: 0, uploadFailures: 0, oversize: 0, erased: 0, unreadable: 0 };
  private readonly failures = { file: 0, console: 0, upload: 0 };
  private readonly fileDropped: KindCounts = { allow: 0, shadow_or_deny: 0 };
  private readonly closeDropped: KindCounts = { allow: 0, shadow_or_deny: 0 };
  private lastError: { code: string; message: string } | null = null;
  private lastErrorSink: Sink | 'drain' | undefined;
  /** Events recorded whose line is not built yet, oldest first, from `unbuiltHead`. */
  private unbuilt: BufferedEvent[] = [];
  private unbuiltHead = 0;
  private building = false;
  private readonly lines: EventLineWriter;

  constructor(
    options: DecisionLogOptions,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly now: () => number,
  ) {
    const limit = options.bufferSizeLimitEvents ?? DEFAULT_BUFFER_EVENTS;
    if (!Number.isSafeInteger(limit) || limit < 1) throw configError('decisionLogs.bufferSizeLimitEvents', 'must be a whole number of at least 1');
    this.buffer = new EventBuffer(limit);
    this.lines = new EventLineWriter(labels);
    this.interval = options.flushIntervalMs ?? (options.upload === undefined ? LOCAL_FLUSH_INTERVAL_MS : DEFAULT_FLUSH_INTERVAL_MS);
    if (!(this.interval > 0)) throw configError('decisionLogs.flushIntervalMs', 'must be a positive number of milliseconds');
    this.closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
    if (!(this.closeGraceMs >= 0 && Number.isFinite(this.closeGraceMs))) throw configError('decisionLogs.closeGraceMs', 'must be a number of milliseconds, 0 or more');
    if (options.file !== undefined) {
      if (typeof options.file.path !== 'string' || options.file.path === '') throw configError('decisionLogs.file.path', 'must be a non-empty path');
      const maxBytes = options.file.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
      // A line longer than maxBytes still gets a file of its own; below a few lines per file rotation would discard the log.
      if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_FILE_MAX_BYTES) throw configError('decisionLogs.file.maxBytes', `must be a whole number of bytes, at least ${MIN_FILE_MAX_BYTES}`);
      const maxFiles = options.file.maxFiles ?? DEFAULT_FILE_MAX_FILES;
      if (!Number.isSafeInteger(maxFiles) || maxFiles < 1) throw configError('decisionLogs.file.maxFiles', 'must be a whole number of at least 1');
      this.file = new RotatingFile(options.file.path, maxBytes, maxFiles);
    }
    this.console = options.console;
    if (options.upload !== undefined) {
      const u = options.upload;
      const url = serviceUrl('decisionLogs.upload', u.url, u.resource, '/logs');
      const limitBytes = u.uploadSizeLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
      if (!Number.isSafeInteger(limitBytes) || limitBytes < MIN_UPLOAD_LIMIT_BYTES) throw configError('decisionLogs.upload.uploadSizeLimitBytes', `must be a whole number of at least ${MIN_UPLOAD_LIMIT_BYTES}`);
      const credentials = validateCredentials('decisionLogs.upload.credentials', u.credentials);
      this.upload = {
        url: url.href,
        authorization: credentials === undefined ? undefined : { origin: url.origin, value: authorizationValue(credentials) },
        limit: limitBytes,
        transport: new Transport({ ...(u.fetch === undefined ? {} : { fetch: u.fetch }), ...(u.retries === undefined ? {} : { retries: u.retries }) }),
      };
    }
  }

  /** Starts the background drain. */
  start(): void {
    if (this.timer !== undefined || this.closed) return;
    // drain() never rejects: a failure is counted and kept in `lastError`, never an unhandled rejection.
    this.timer = setInterval(() => void this.drain(), this.interval);
    this.timer.unref();
  }

  /**
   * Buffers one decision: O(1), never waits, never throws for a full buffer. The event is built
   * off the decision path, on a later turn of the event loop (as OPA keeps the input value until
   * it encodes the event): the caller hands `input` over and must not change it afterwards; the
   * logged copy is masked then.
   */
  record(record: DecisionRecord): void {
    if (this.closed) return;
    const entry = this.buffer.push(record);
    if (entry === undefined) return;
    // Built soon, not at the next drain: a record held for up to a flush interval outlives young
    // collections, and every one copies (then promotes) the input's object graph.
    this.unbuilt.push(entry);
    if (!this.building) {
      this.building = true;
      setImmediate(this.buildSome);
    }
  }

  /**
   * Builds the lines of recorded events, a slice per turn of the event loop (after the I/O that
   * recorded them: a request's answer is not held up by its log line).
   */
  private readonly buildSome = (): void => {
    let built = 0;
    // Only lines built count towards a slice: events the drain already built, or the buffer
    // dropped, are passed over at once, so this list holds little more than the buffer does.
    while (this.unbuiltHead < this.unbuilt.length && built < LINES_PER_SLICE) {
      const e = this.unbuilt[this.unbuiltHead]!;
      this.unbuilt[this.unbuiltHead++] = undefined as unknown as BufferedEvent;
      if (e.line === undefined && !e.dropped) {
        this.setLine(e);
        built++;
      }
    }
    if (this.unbuiltHead < this.unbuilt.length) {
      // Decisions keep coming faster than a slice a turn: the consumed head is cut off now and then.
      if (this.unbuiltHead > 1024 && this.unbuiltHead * 2 > this.unbuilt.length) {
        this.unbuilt = this.unbuilt.slice(this.unbuiltHead);
        this.unbuiltHead = 0;
      }
      setImmediate(this.buildSome);
      return;
    }
    this.unbuilt = [];
    this.unbuiltHead = 0;
    this.building = false;
  };

  /** Drains now; resolves when the buffer is empty or an upload failed (its events stay buffered). */
  async flush(): Promise<void> {
    this.notBefore = 0;
    while (this.buffer.size > 0) {
      const before = this.counts.uploadFailures;
      await this.drain();
      if (this.counts.uploadFailures !== before) return;
    }
  }

  stats(): DecisionLogStats {
    return {
      buffered: this.buffer.size,
      dropped: {
        decision_logs_dropped_buffer_size_limit_exceeded: { allow: this.buffer.dropped.allow, shadow_or_deny: this.buffer.dropped.decisive },
        decision_logs_dropped_upload_size_limit_exceeded: this.counts.oversize,
        decision_logs_dropped_file_write_failed: { ...this.fileDropped },
        decision_logs_dropped_closed_with_events_buffered: { ...this.closeDropped },
      },
      inputErased: this.counts.erased,
      inputUnreadable: this.counts.unreadable,
      written: this.counts.written,
      uploaded: this.counts.uploaded,
      uploadFailures: this.counts.uploadFailures,
      failures: { ...this.failures },
      lastError: this.lastError,
    };
  }

  /**
   * Stops the drain after one last flush within `closeGraceMs` (OPA flushes within its grace
   * period on shutdown); an upload still in flight then is aborted, and every event left in the
   * buffer is counted as dropped, by kind.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeGraceMs)));
    await Promise.race([this.flush(), grace]);
    clearTimeout(timer);
    this.closing.abort();
    await this.draining;
    this.closed = true;
    for (const e of this.buffer.take(Number.MAX_SAFE_INTEGER)) this.closeDropped[e.decisive ? 'shadow_or_deny' : 'allow']++;
    await this.file?.close().catch(() => undefined);
  }

  private drain(): Promise<void> {
    this.draining ??= this.drainOnce()
      .catch((e: unknown) => {
        // Nothing in a drain may take the process down; what failed is said in the status.
        this.lastError = { code: ENFORCE_CODES.logFileFailed, message: `the decision-log drain failed: ${e instanceof Error ? e.message.toLowerCase() : String(e)}` };
        this.lastErrorSink = 'drain';
      })
      .finally(() => {
        this.draining = undefined;
      });
    return this.draining;
  }

  private failed(sink: Sink, code: string, message: string): void {
    this.failures[sink]++;
    this.lastError = { code, message };
    this.lastErrorSink = sink;
  }

  /** A sink that worked clears its own last error (not another sink's). */
  private succeeded(sink: Sink): void {
    if (this.lastErrorSink !== sink) return;
    this.lastError = null;
    this.lastErrorSink = undefined;
  }

  private async drainOnce(): Promise<void> {
    const batch = this.buffer.take(DRAIN_BATCH);
    if (batch.length === 0) return;
    await this.writeLocal(batch);
    if (this.upload === undefined) return;
    // Backing off after failed uploads: the local sinks keep up, the upload waits its turn.
    if (monotonic() < this.notBefore) {
      this.buffer.requeue(batch);
      return;
    }
    let i = 0;
    try {
      while (i < batch.length) {
        const { body, count } = this.chunk(batch, i);
        const sent = body === undefined ? 'dropped' : await this.postFits(body, count);
        if (sent === 'smaller') continue;
        if (sent === 'sent') this.counts.uploaded += count;
        i += Math.max(count, 1);
      }
      this.backoffMs = 0;
      this.notBefore = 0;
      this.succeeded('upload');
    } catch (e) {
      this.counts.uploadFailures++;
      this.failed('upload', ENFORCE_CODES.logUploadFailed, `uploading decision logs to \`${this.upload.url}\` failed: ${isBlastguardError(e) ? `${e.code} ${e.message}` : String(e)}`);
      this.buffer.requeue(batch.slice(i));
      this.backoffMs = Math.min(MAX_UPLOAD_BACKOFF_MS, Math.max(this.interval, this.backoffMs * 2));
      // A collector's Retry-After longer than the backoff is honoured: asking sooner only earns another 429.
      const retryAfter = e instanceof HTTPError && e.retryAfterMs !== undefined ? Math.min(e.retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
      this.notBefore = monotonic() + Math.max(this.backoffMs, retryAfter);
    }
  }

  private async writeLocal(batch: readonly BufferedEvent[]): Promise<void> {
    if (this.file === undefined && this.console === undefined) return;
    const lines: string[] = [];
    const pending: BufferedEvent[] = [];
    let built = 0;
    for (const e of batch) {
      if (e.written) continue;
      // A drain builds up to a second's events: in slices, with the event loop let through between
      // them, so the requests arriving meanwhile wait for one slice rather than the whole batch.
      if (e.line === undefined && ++built % LINES_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const line = e.line ?? this.setLine(e);
      if (this.console !== undefined) {
        try {
          this.console(`${line.slice(0, -1)},"type":"openpolicyagent.org/decision_logs"}\n`);
          if (this.file === undefined) this.counts.written++;
          this.succeeded('console');
        } catch (error) {
          this.failed('console', ENFORCE_CODES.logFileFailed, `the decision-log console writer failed: ${error instanceof Error ? error.message.toLowerCase() : String(error)}`);
        }
      }
      lines.push(line);
      pending.push(e);
    }
    if (this.file !== undefined && lines.length > 0) {
      try {
        this.counts.written += await this.file.writeLines(lines);
        this.succeeded('file');
      } catch (e) {
        // Not retried (a full disk does not empty itself): what did not make it whole is counted as dropped from the file, by kind.
        const written = e instanceof FileWriteError ? e.written : 0;
        this.counts.written += written;
        for (const event of pending.slice(written)) this.fileDropped[event.decisive ? 'shadow_or_deny' : 'allow']++;
        this.failed('file', ENFORCE_CODES.logFileFailed, `cannot write the decision log file: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`);
      }
    }
    for (const e of batch) e.written = true;
  }

  /**
   * POSTs one chunk; `smaller` when the collector refused it as too large (413): the chunk limit is
   * halved and the caller builds a smaller chunk. A chunk refused at the smallest limit is dropped
   * and counted (`upload_size_limit_exceeded`), so one event the collector never takes cannot
   * block every upload after it.
   */
  private async postFits(body: Uint8Array, count: number): Promise<'sent' | 'smaller' | 'dropped'> {
    const u = this.upload!;
    try {
      await this.post(body);
      return 'sent';
    } catch (e) {
      if (!(e instanceof HTTPError && e.status === 413)) throw e;
      if (u.limit > MIN_UPLOAD_LIMIT_BYTES) {
        u.limit = Math.max(MIN_UPLOAD_LIMIT_BYTES, Math.floor(Math.min(u.limit, body.byteLength) / 2));
        return 'smaller';
      }
      this.counts.oversize += count;
      return 'dropped';
    }
  }

  /**
   * The gzip JSON array of events from `start` whose compressed size fits the limit (OPA's
   * `upload_size_limit_bytes`): grown while it fits, the last event that broke it left for the
   * next chunk. An event that alone does not fit is dropped and counted (`count` 1, no body).
   */
  private chunk(batch: readonly BufferedEvent[], start: number): { body: Uint8Array | undefined; count: number } {
    const limit = this.upload!.limit;
    let best: { body: Uint8Array; count: number } | undefined;
    let count = Math.min(batch.length - start, 64);
    for (;;) {
      const lines = batch.slice(start, start + count).map((e) => e.line ?? this.setLine(e));
      const body = gzipSync(`[${lines.join(',')}]`);
      if (body.byteLength <= limit) {
        best = { body, count };
        if (start + count >= batch.length) return best;
        count = Math.min(batch.length - start, count * 2);
        continue;
      }
      if (best !== undefined) return best;
      if (count === 1) {
        // Alone too large (a padded input): sent without its input, as OPA erases fields, rather than not at all.
        const erased = gzipSync(`[${JSON.stringify(eraseInput(this.eventOf(batch[start]!)))}]`);
        if (erased.byteLength <= limit) {
          this.counts.erased++;
          return { body: erased, count: 1 };
        }
        this.counts.oversize++;
        return { body: undefined, count: 1 };
      }
      count = Math.max(1, Math.floor(count / 2));
    }
  }

  /** Builds the event's JSON line, keeps it, and lets the record (the input's object graph) go. */
  private setLine(e: BufferedEvent): string {
    const line = this.lineOf(e.record);
    e.line = line;
    e.record = RELEASED;
    return line;
  }

  /** The JSON line of an event; an input that cannot be read (a throwing getter, a hostile proxy) is replaced by a marker and counted. */
  private lineOf(record: DecisionRecord): string {
    try {
      return this.lines.line(record) ?? JSON.stringify(buildEvent(record, this.labels));
    } catch {
      this.counts.unreadable++;
      const { result, bundle, timeMs, durationNs, traceparent, decisionId } = record;
      return JSON.stringify(buildEvent({ input: UNLOGGABLE_INPUT, result, bundle, timeMs, durationNs, ...(traceparent === undefined ? {} : { traceparent }), ...(decisionId === undefined ? {} : { decisionId }) }, this.labels));
    }
  }

  /** The event again, from its line (only an event too large to upload needs it: to erase its input). */
  private eventOf(e: BufferedEvent): DecisionEvent {
    return JSON.parse(e.line ?? this.setLine(e)) as DecisionEvent;
  }

  private async post(body: Uint8Array): Promise<void> {
    const u = this.upload!;
    await u.transport.send({
      method: 'POST',
      url: u.url,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
      signal: this.closing.signal,
      ...(u.authorization === undefined ? {} : { authorization: u.authorization }),
    });
  }
}

function configError(field: string, problem: string): EnforceError {
  return new EnforceError(ENFORCE_CODES.invalidConfig, `\`${field}\` ${problem}`);
}
