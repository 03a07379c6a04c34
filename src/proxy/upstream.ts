import type { ServerResponse } from 'node:http';
import { Client, Pool, type Dispatcher } from 'undici';
import type { ForwardRequest } from '../extract/index.js';
import { PROXY_CODES } from './codes.js';
import { sendProblem } from './denial.js';

/** Where one api's canonical requests go. */
export interface Upstream {
  /** The catalog api requests are read as (its `metadata.name`). */
  api: string;
  /** Scheme, host and port of the upstream; a path is prefixed to every forwarded path. */
  origin: URL;
  /** A keep-alive connection pool for this upstream (`upstreamPool`); one per upstream keeps connections apart. */
  pool: Dispatcher;
}

/**
 * Keep-alive connection pool for an upstream (undici: a minimal pass-through over it costs about
 * 36 µs of CPU per request against 51 over a `node:http` agent, measured on the bench request).
 * `ca` replaces the trust anchors (tests, a private CA); verification stays on.
 */
export function upstreamPool(origin: URL, options: { ca?: string | Buffer; connections?: number } = {}): Dispatcher {
  const connect = options.ca === undefined ? {} : { connect: { ca: options.ca } };
  const pool = new Pool(origin.origin, {
    connections: options.connections ?? 256,
    // One request at a time per connection: a slow answer never holds up another caller's.
    pipelining: 1,
    // Idle connections are dropped before the upstream's own idle limit can close them under a
    // request (ALB 60 s, nginx 75 s, many app servers 5 s): undici's 4 s unless the upstream
    // announces `Keep-Alive: timeout=` (then that, less undici's margin, up to 10 minutes).
    keepAliveTimeout: KEEP_ALIVE_MS,
    ...connect,
  });
  freshConnections.set(pool, () => new Client(origin.origin, { pipelining: 1, ...connect }));
  return pool;
}

/** How long an idle upstream connection is kept when the upstream announces no `Keep-Alive: timeout=`. */
export const KEEP_ALIVE_MS = 4_000;

/** A one-request connection to a pool's upstream, for the retry that must not reuse a pooled socket. */
const freshConnections = new WeakMap<Dispatcher, () => Client>();

/** Methods a request of which may be sent twice (RFC 9110 §9.2.2) without a second effect; PUT and DELETE are left out: their policy is the caller's. */
const RETRIED_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a pooled connection the upstream closed while the request was written fails with. */
const STALE_SOCKET_ERRORS = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

/** Where an upstream's requests go, worked out once per upstream rather than per request. */
interface Target {
  /** Lowercase host name without port or brackets: what the upstream reads the request under. */
  hostname: string;
  host: string;
  prefix: string;
  /** `origin.origin`: the URL getter builds a new string on each read. */
  origin: string;
}

const targets = new WeakMap<Upstream, Target>();

function targetOf(upstream: Upstream): Target {
  let target = targets.get(upstream);
  if (target === undefined) {
    target = { hostname: upstream.origin.hostname.replace(/^\[|\]$/g, ''), host: upstream.origin.host, prefix: upstream.origin.pathname.replace(/\/+$/, ''), origin: upstream.origin.origin };
    targets.set(upstream, target);
  }
  return target;
}

/** The host name (lowercase, no port or brackets) in the `Host` the upstream receives: what it reads the request under. */
export function forwardedHostname(upstream: Upstream): string {
  return targetOf(upstream).hostname.toLowerCase().replace(/\.$/, '');
}

/** Hop-by-hop response headers (RFC 9110 §7.6.1): the proxy's own connection decides these. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The lengths of the response header names `onHeaders` reads: the hop-by-hop ones, `content-type` and `content-length`. */
const NOTED_LENGTHS = new Set([...HOP_BY_HOP, 'content-type', 'content-length'].map((n) => n.length));

/** A `Content-Length` value as the parser holds the body to it (digits only), or -2: not one the last chunk is known by. */
function declaredLength(value: string): number {
  if (!/^\d{1,15}$/.test(value)) return -2;
  return Number(value);
}

/** Undici's codes for an upstream that stayed silent (headers, or between body chunks). */
const SILENT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Sends the canonical request and streams the answer back as it arrives (server-sent events
 * included). An unreachable, resetting or failing-TLS upstream is a 502, a silent one a 504; a
 * client that goes away aborts the upstream call. Every outcome is answered by the call itself:
 * nothing waits for it (no promise per request).
 */
export function forwardUpstream(forward: ForwardRequest, upstream: Upstream, res: ServerResponse, timeoutMs: number): void {
  new UpstreamCall(forward, upstream, res, timeoutMs).start();
}

/**
 * One forwarded call as an undici dispatch handler: one object per request instead of a
 * request, a response and a closure per event.
 */
class UpstreamCall implements Dispatcher.DispatchHandlers {
  private answered = false;
  private done = false;
  private abortCall: ((err?: Error) => void) | null = null;
  private resume: (() => void) | null = null;
  /** The idle timer between body chunks; armed only for answers that are not event streams. */
  private idle: NodeJS.Timeout | null = null;
  /** The idle timer starts once the current tick is over, unless the answer is complete by then (`armPending`). */
  private idlePending = false;
  /** The idle timer was stopped for back-pressure and restarts when the client drains. */
  private rearm = false;
  /** Some answer (informational included) came from the upstream: the call is never sent again. */
  private heard = false;
  /** The call was already sent a second time after a stale pooled connection failed. */
  private retried = false;
  /**
   * Body bytes still to come when the answer declares its length (`Content-Length`, not chunked):
   * the chunk that brings it to zero is the last, and is written with the end of the answer.
   */
  private remaining = -1;
  /** That last chunk, between `onData` and the `onComplete` the parser calls next (`end(chunk)`: one write, not two). */
  private last: Buffer | null = null;

  constructor(
    /** Kept for a second sending only when the call may be sent twice (`retriable`); let go after the first otherwise. */
    private forward: ForwardRequest | null,
    private readonly upstream: Upstream,
    private readonly res: ServerResponse,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    (this.res as CallingResponse)[CALL] = this;
    this.res.on('close', onResponseClose);
    const forward = this.forward!;
    // Only a repeatable read is ever sent twice: any other call's request is not kept while its answer streams.
    if (forward.repeatable !== true || !RETRIED_METHODS.has(forward.method)) this.forward = null;
    this.dispatch(this.upstream.pool, forward);
  }

  private dispatch(dispatcher: Dispatcher, forward: ForwardRequest): void {
    const target = targetOf(this.upstream);
    const body = forward.body.byteLength > 0 ? forward.body : null;
    // The headers as a flat name/value list in the object's order (a repeated header as repeated
    // pairs), the upstream's `Host` in place of any other: undici writes the same lines as from
    // the object (`Host` first either way), without a copy of the object for each request.
    const own = forward.headers;
    const names = Object.keys(own);
    const headers: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (name === 'host') continue;
      const value = own[name]!;
      if (typeof value === 'string') headers.push(name, value);
      else for (const v of value) headers.push(name, v);
    }
    headers.push('host', target.host);
    try {
      dispatcher.dispatch(
        {
          origin: target.origin,
          method: forward.method as Dispatcher.HttpMethod,
          path: target.prefix === '' ? forward.path : `${target.prefix}${forward.path}`,
          headers,
          body,
          headersTimeout: this.timeoutMs,
          // Set per answer once its type is known: a stream of events may stay quiet longer than a response takes to start.
          bodyTimeout: 0,
        },
        this,
      );
    } catch (e) {
      this.onError(e as Error);
    }
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortCall = abort;
    // The client went away while the call waited for a connection.
    if (this.done) abort();
  }

  onHeaders(statusCode: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    this.heard = true;
    // Informational answers are the upstream's business with this proxy's connection.
    if (statusCode < 200) return true;
    const { res } = this;
    this.answered = true;
    this.resume = resume;
    // The raw name/value list as received (names in their case, repeats kept), less hop-by-hop ones.
    const headers: string[] = [];
    let events = false;
    let framed = false;
    let length = -1;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      // Only a name as long as a hop-by-hop one, `Content-Type` or `Content-Length` is lowercased to be looked at.
      const lower = NOTED_LENGTHS.has(name.length) ? name.toLowerCase() : '';
      if (lower === 'transfer-encoding') framed = true;
      if (HOP_BY_HOP.has(lower)) continue;
      const value = raw[i + 1]!.toString('latin1');
      if (lower === 'content-type' && value.startsWith('text/event-stream')) events = true;
      else if (lower === 'content-length') length = length === -1 ? declaredLength(value) : -2;
      headers.push(name, value);
    }
    res.writeHead(statusCode, statusText, headers);
    // A body of one declared length (the parser holds the upstream to it) ends with the chunk
    // that completes it; any other framing is streamed chunk by chunk, its end written apart.
    this.remaining = events || framed || length < 0 ? -1 : length;
    // Events go out as they come; any other answer leaves with its first chunk (one write, not two).
    if (events) res.flushHeaders();
    else {
      // Most answers arrive whole, their last byte parsed in the same tick as their headers: the
      // timer is started after that tick, and only for an answer still coming, not set and cleared.
      this.idlePending = true;
      if (pending.push(this) === 1) queueMicrotask(armPending);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.idle?.refresh();
    if (this.remaining > 0) {
      this.remaining -= chunk.byteLength;
      // The last chunk: the parser completes the answer before it returns (nothing more to read,
      // so nothing to pause for), and `onComplete` writes it with the end.
      if (this.remaining === 0) {
        this.last = chunk;
        return true;
      }
    }
    if (this.res.write(chunk)) return true;
    // The client is not reading: the upstream is paused by us, not silent. The idle timer measures
    // the upstream only, so it stops while the client's socket is full and restarts on drain.
    if (this.idle !== null || this.idlePending) {
      this.clearIdle();
      this.rearm = true;
    }
    this.res.once('drain', () => this.onDrain());
    return false;
  }

  onComplete(): void {
    this.clearIdle();
    const { last } = this;
    if (last === null) this.res.end();
    else {
      this.last = null;
      this.res.end(last);
    }
    this.finish();
  }

  onError(err: Error): void {
    this.clearIdle();
    // A last chunk not followed by the end goes out as it would have without waiting for it.
    this.flushLast();
    if (this.done) return;
    if (this.retriable(err)) {
      // A pooled connection the upstream closed as the request went out (its idle limit raced
      // ours): nothing was answered, the request is buffered and idempotent, so it is sent once
      // more, on a connection of its own rather than another pooled one that may be as stale.
      this.retried = true;
      this.abortCall = null;
      const forward = this.forward!;
      const fresh = freshConnections.get(this.upstream.pool);
      if (fresh === undefined) this.dispatch(this.upstream.pool, forward);
      else {
        const client = fresh();
        this.dispatch(client, forward);
        // Closes once the one request is over (close waits for queued requests).
        void client.close().catch(() => undefined);
      }
      return;
    }
    if (this.answered) this.res.destroy();
    else {
      this.answered = true;
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (SILENT_ERRORS.has(code)) sendProblem(this.res, 504, PROXY_CODES.upstreamTimeout, `the upstream \`${this.upstream.api}\` sent nothing for ${this.timeoutMs} ms`);
      else sendProblem(this.res, 502, PROXY_CODES.upstreamFailed, `the upstream \`${this.upstream.api}\` failed: ${code}`);
    }
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    // The close listener stays: it does nothing once the call is done, and the answer is over.
  }

  private retriable(err: Error): boolean {
    // Only a request whose every operation is a read: a GET may be decided as a write (an AWS
    // query `Action=RunInstances`), and a reset after the upstream acted would run it twice.
    return !this.retried && !this.heard && this.forward !== null && this.forward.repeatable === true && RETRIED_METHODS.has(this.forward.method) && STALE_SOCKET_ERRORS.has((err as NodeJS.ErrnoException).code ?? '');
  }

  private clearIdle(): void {
    this.idlePending = false;
    if (this.idle !== null) {
      clearTimeout(this.idle);
      this.idle = null;
    }
  }

  /** Writes a held last chunk that its end did not follow in the same parse (the parser never does that; kept safe). */
  private flushLast(): void {
    const { last } = this;
    if (last === null) return;
    this.last = null;
    this.res.write(last);
  }

  /** Starts the idle timer put off by `onHeaders`, unless the answer ended (or was paused) since. */
  armIdle(): void {
    this.flushLast();
    if (!this.idlePending) return;
    this.idlePending = false;
    if (!this.done) this.idle = setTimeout(onIdle, this.timeoutMs, this);
  }

  private onDrain(): void {
    if (this.rearm && !this.done) {
      this.rearm = false;
      this.idle = setTimeout(onIdle, this.timeoutMs, this);
    }
    this.resume?.();
  }

  /** The upstream sent nothing for the idle time: the call is abandoned (a 504, or a cut answer). */
  silent(): void {
    this.idle = null;
    this.abortCall?.(Object.assign(new Error('the upstream went silent'), { code: 'UND_ERR_BODY_TIMEOUT' }));
  }

  /** The client went away before its answer was complete: the upstream call is abandoned. */
  clientClosed(): void {
    if (this.res.writableFinished || this.done) return;
    this.clearIdle();
    this.done = true;
    this.abortCall?.();
  }
}

const CALL = Symbol('blastguard.upstreamCall');

/** An answer with the call that writes it: one close listener shared by every answer, not one made per call. */
type CallingResponse = ServerResponse & { [CALL]?: UpstreamCall };

function onResponseClose(this: CallingResponse): void {
  this[CALL]?.clientClosed();
}

function onIdle(call: UpstreamCall): void {
  call.silent();
}

/** Calls whose idle timer starts once the current tick is over: one microtask for all of them. */
let pending: UpstreamCall[] = [];

function armPending(): void {
  const calls = pending;
  pending = [];
  for (const call of calls) call.armIdle();
}
