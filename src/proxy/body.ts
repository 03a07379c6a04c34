import type { IncomingMessage } from 'node:http';

/** A request body read up to one byte past the limit: enough for extraction to refuse it as too large. */
export interface ReadBody {
  bytes: Buffer;
  /** False when reading stopped at the limit: the rest was never read, and the connection is closed after the answer. */
  complete: boolean;
}

/**
 * Reads the request body, at most `limit + 1` bytes, within `timeoutMs`; null when the client is
 * too slow or goes away. Reading stops at the bound, so a huge body costs no more memory than the limit.
 */
export function readRequestBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<ReadBody | null> {
  return new Promise((resolve) => {
    new PromisedBody(req, limit, timeoutMs, resolve).start();
  });
}

const READER = Symbol('blastguard.bodyReader');

/** A request being read, with its reader: the listeners below are shared by every request, not made for each. */
type ReadingRequest = IncomingMessage & { [READER]?: BodyReader | undefined };

/**
 * One body being read: one object per request rather than a closure per event. What follows the
 * reading is the subclass's `bodyRead`, called once, synchronously from the event that ended the
 * reading (the proxy's handler continues there, with no promise in between).
 */
export abstract class BodyReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  /** When the time-out ends (`performance.now()`), and the neighbours in the list of readers with the same time-out. */
  deadline = 0;
  older: BodyReader | null = null;
  newer: BodyReader | null = null;
  private watch: Watch | null = null;

  constructor(
    protected readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly timeoutMs: number,
  ) {}

  /** The body as read (null: too slow, or gone); called once. */
  protected abstract bodyRead(body: ReadBody | null): void;

  /** Starts reading; `bodyRead` may be called before this returns (a request already over). */
  start(): void {
    // The time-out is kept in a list of the readers with the same time-out and one timer for
    // all of them (`Watch`), not a timer per request: most bodies are whole by the end of the
    // loop iteration their headers were read in, and a timer set and cleared for each costs
    // more than the rest of reading it.
    this.watch = watchOf(this.timeoutMs);
    this.watch.add(this);
    const req = this.req as ReadingRequest;
    req[READER] = this;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  }

  finish(value: ReadBody | null): void {
    if (this.settled) return;
    this.settled = true;
    this.watch?.remove(this);
    this.watch = null;
    const req = this.req as ReadingRequest;
    req[READER] = undefined;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
    this.bodyRead(value);
  }

  data(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    if (this.size > this.limit) {
      this.req.pause();
      this.finish({ bytes: Buffer.concat(this.chunks).subarray(0, this.limit + 1), complete: false });
    }
  }

  end(): void {
    const { chunks } = this;
    this.finish({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), complete: true });
  }

  closed(): void {
    this.finish(this.req.complete ? { bytes: Buffer.concat(this.chunks), complete: true } : null);
  }
}

/**
 * The readers of one time-out, oldest first (their deadlines in order: one time-out, a monotonic
 * clock), and the one timer that ends theirs. The timer is left running when the list empties
 * (re-arming it for each request is what this avoids) and is unreferenced: an open client
 * connection keeps the process alive, a reader's time-out never does.
 */
class Watch {
  private oldest: BodyReader | null = null;
  private newest: BodyReader | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly timeoutMs: number) {}

  add(reader: BodyReader): void {
    reader.deadline = performance.now() + this.timeoutMs;
    reader.older = this.newest;
    reader.newer = null;
    if (this.newest === null) this.oldest = reader;
    else this.newest.newer = reader;
    this.newest = reader;
    if (this.timer === null) this.arm(this.timeoutMs);
  }

  remove(reader: BodyReader): void {
    const { older, newer } = reader;
    if (older === null) this.oldest = newer;
    else older.newer = newer;
    if (newer === null) this.newest = older;
    else newer.older = older;
    reader.older = null;
    reader.newer = null;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(sweep, ms, this);
    this.timer.unref();
  }

  /** Ends every reader whose deadline has come (each `finish` removes it), and waits for the next one. */
  sweep(): void {
    this.timer = null;
    const now = performance.now();
    try {
      while (this.oldest !== null && this.oldest.deadline <= now) this.oldest.finish(null);
    } finally {
      // Node's timers count whole milliseconds of the loop's clock: one may fire a fraction early.
      if (this.oldest !== null && this.timer === null) this.arm(Math.max(1, Math.ceil(this.oldest.deadline - performance.now())));
    }
  }
}

const watches = new Map<number, Watch>();

function watchOf(timeoutMs: number): Watch {
  let watch = watches.get(timeoutMs);
  if (watch === undefined) {
    watch = new Watch(timeoutMs);
    watches.set(timeoutMs, watch);
  }
  return watch;
}

function sweep(watch: Watch): void {
  watch.sweep();
}

/** `readRequestBody`'s reader: the body settles a promise. */
class PromisedBody extends BodyReader {
  constructor(
    req: IncomingMessage,
    limit: number,
    timeoutMs: number,
    private readonly resolve: (body: ReadBody | null) => void,
  ) {
    super(req, limit, timeoutMs);
  }

  protected bodyRead(body: ReadBody | null): void {
    this.resolve(body);
  }
}

function onData(this: ReadingRequest, chunk: Buffer): void {
  this[READER]?.data(chunk);
}

function onEnd(this: ReadingRequest): void {
  this[READER]?.end();
}

function onError(this: ReadingRequest): void {
  this[READER]?.finish(null);
}

function onClose(this: ReadingRequest): void {
  this[READER]?.closed();
}
