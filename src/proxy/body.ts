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
  private timer: NodeJS.Timeout | null = null;

  constructor(
    protected readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly timeoutMs: number,
  ) {}

  /** The body as read (null: too slow, or gone); called once. */
  protected abstract bodyRead(body: ReadBody | null): void;

  /** Starts reading; `bodyRead` may be called before this returns (a request already over). */
  start(): void {
    // A small body is most often whole by the end of the loop iteration its headers were read in
    // (the server's parser hands the headers to JavaScript before it parses the body of the same
    // read, and microtasks run in between): the timer starts after that iteration (`armPending`,
    // one immediate for every request of the iteration), and only for a body still coming.
    if (pending.push(this) === 1) setImmediate(armPending);
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
    if (this.timer !== null) clearTimeout(this.timer);
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

  /** Starts the time-out, unless the body was read (or reading failed) since the request came. */
  arm(): void {
    if (!this.settled) this.timer = setTimeout(onTimeout, this.timeoutMs, this);
  }

  closed(): void {
    this.finish(this.req.complete ? { bytes: Buffer.concat(this.chunks), complete: true } : null);
  }
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

/** Readers whose time-out starts once the current loop iteration is over: one immediate for all of them. */
let pending: BodyReader[] = [];

function armPending(): void {
  const readers = pending;
  pending = [];
  for (const reader of readers) reader.arm();
}

function onTimeout(reader: BodyReader): void {
  reader.finish(null);
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
