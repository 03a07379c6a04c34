import { setTimeout as delay } from 'node:timers/promises';
import { printable } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError, HTTPError } from './codes.js';
import { isLoopbackHost } from './config.js';

/**
 * The one place this layer touches the network (sigstore-js `fetchWithRetry`, `oci/registry.ts`).
 * Everything above it builds requests and reads answers; `fetch` is injected so callers can add a
 * custom CA or a test double, and the global one is the default.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Fetch's `redirect: 'follow'` would resend `Authorization` to any host; we follow by hand. Ten covers every CDN chain seen in practice. */
export const MAX_REDIRECTS = 10;
/** Per attempt, including the body; a bundle of a few MB arrives in well under this on any working link. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Attempts after the first for 408/429/5xx and dropped connections: a blip, not an outage, is retried. */
export const DEFAULT_RETRIES = 2;
/** First retry delay, doubled each time; jittered so a fleet of enforcers does not retry in step. */
export const RETRY_BASE_MS = 250;
/**
 * A `Retry-After` longer than this is not waited for in place: the attempt gives up and the error
 * carries the wait (`HTTPError.retryAfterMs`), which the poll loop or upload backoff honours.
 */
export const MAX_RETRY_WAIT_MS = 10_000;
/** Largest response read into memory when the caller gives no limit (OPA bundles are capped far lower in practice). */
export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;

export interface TransportOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  retries?: number;
  /** Waits between retries; injected so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent only to this origin: dropped as soon as a redirect leaves it. */
  authorization?: { origin: string; value: string };
  body?: Uint8Array;
  /** Largest body accepted (Content-Length checked first, then the bytes as they arrive). */
  maxBytes?: number;
  /** Overrides the transport's time-out for this request (a long poll waits longer on purpose). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Statuses returned instead of thrown (200-299 always are). */
  accept?: readonly number[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** Where the answer came from, after redirects. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Request headers that carry protocol, not secrets: the only ones sent on after a redirect leaves
 * the origin. A configured header (`X-Api-Key`, `Cookie`) belongs to its origin, as `authorization` does.
 */
const PROTOCOL_HEADERS = new Set(['accept', 'accept-encoding', 'if-none-match', 'prefer', 'content-type', 'content-encoding', 'user-agent']);

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Full jitter over an exponential step: 0..base·2^attempt, capped. */
export function backoffMs(attempt: number, baseMs = RETRY_BASE_MS, maxMs = MAX_RETRY_WAIT_MS, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

/** `Retry-After` (seconds or an HTTP date) in milliseconds, uncapped; undefined when absent or unreadable. */
function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Text for a message: a URL without userinfo or query string (tokens live there). */
export function showUrl(url: string): string {
  try {
    const u = new URL(url);
    return printable(`${u.origin}${u.pathname}`);
  } catch {
    return printable(url);
  }
}

export class Transport {
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TransportOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
  }

  /** Sends `request`, following redirects and retrying transient failures; throws DistributeError (HTTPError for a status). */
  async send(request: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.once(request);
        if (response.status >= 200 && response.status < 300) return response;
        if (request.accept?.includes(response.status)) return response;
        if (isRetryableStatus(response.status) && attempt < this.retries) {
          const wait = retryAfterMs(response.headers);
          // Waiting longer in place would hold the caller (a poll, a shutdown): give up, the error says when.
          if (wait === undefined || wait <= MAX_RETRY_WAIT_MS) {
            await this.sleep(wait ?? backoffMs(attempt));
            continue;
          }
        }
        throw statusError(response);
      } catch (e) {
        const transient = e instanceof DistributeError && (e.code === DISTRIBUTE_CODES.unreachable || e.code === DISTRIBUTE_CODES.truncated);
        if (!transient || attempt >= this.retries || request.signal?.aborted) throw e;
        await this.sleep(backoffMs(attempt));
      }
    }
  }

  /** One attempt: the redirect chain and the body, under one time-out. */
  private async once(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    let url = request.url;
    let method = request.method ?? 'GET';
    let body = request.body;
    let authorization = request.authorization;
    const origin = new URL(request.url).origin;
    // Bytes as sent: a body decoded by fetch would not match its Content-Length, nor be what was signed over.
    const requested: Record<string, string> = { 'accept-encoding': 'identity', ...request.headers };
    for (let hop = 0; ; hop++) {
      const away = new URL(url).origin !== origin;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(requested)) if (!away || PROTOCOL_HEADERS.has(name.toLowerCase())) headers[name] = value;
      if (authorization !== undefined && new URL(url).origin === authorization.origin) headers['authorization'] = authorization.value;
      let response: Response;
      try {
        response = await this.fetchImpl(url, { method, headers, body, redirect: 'manual', signal });
      } catch (e) {
        throw networkError(e, url, timeout.aborted, timeoutMs);
      }
      if (!REDIRECTS.has(response.status)) {
        // A HEAD answer announces the size of a body it does not send.
        const bytes =
          method === 'HEAD' ? await discard(response) : await readBody(response, url, request.maxBytes ?? DEFAULT_MAX_BYTES, timeout, timeoutMs);
        return { status: response.status, headers: response.headers, body: bytes, url };
      }
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) {
        throw new DistributeError(DISTRIBUTE_CODES.tooManyRedirects, `more than ${MAX_REDIRECTS} redirects fetching \`${showUrl(request.url)}\``, { help: 'the server redirects in a loop; fix its configuration' });
      }
      const next = redirectTarget(response, url);
      // Credentials belong to the origin they were configured for: a redirect elsewhere (a CDN, a
      // blob store, an attacker who controls a redirect) never sees them.
      if (authorization !== undefined && new URL(next).origin !== authorization.origin) authorization = undefined;
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }
}

async function discard(response: Response): Promise<Uint8Array> {
  await response.body?.cancel().catch(() => undefined);
  return new Uint8Array(0);
}

function redirectTarget(response: Response, from: string): string {
  const location = response.headers.get('location');
  let next: URL;
  try {
    if (location === null || location === '') throw new TypeError('no location');
    next = new URL(location, from);
  } catch {
    throw new DistributeError(DISTRIBUTE_CODES.badRedirect, `redirect ${response.status} from \`${showUrl(from)}\` has no usable location`, { help: 'the server must send a `Location` header with a redirect' });
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw new DistributeError(DISTRIBUTE_CODES.badRedirect, `redirect from \`${showUrl(from)}\` to unsupported scheme \`${printable(next.protocol)}\``, { help: 'bundles are fetched over http(s) only' });
  }
  if (new URL(from).protocol === 'https:' && next.protocol === 'http:') {
    throw new DistributeError(DISTRIBUTE_CODES.badRedirect, `redirect from \`${showUrl(from)}\` downgrades https to http (\`${showUrl(next.href)}\`)`, { help: 'serve the bundle over https end to end' });
  }
  // The rule a configured url obeys holds for every hop: plain http only to loopback.
  if (next.protocol === 'http:' && !isLoopbackHost(next.hostname)) {
    throw new DistributeError(DISTRIBUTE_CODES.insecureTransport, `redirect from \`${showUrl(from)}\` to plain http at \`${printable(next.host)}\`, which is not loopback`, {
      help: 'serve the redirect target over https; plain http is allowed only to 127.0.0.1, ::1 or localhost',
    });
  }
  return next.href;
}

function statusError(response: HttpResponse): HTTPError {
  const where = showUrl(response.url);
  if (response.status === 401 || response.status === 403) {
    return new HTTPError(response.status, response.url, `\`${where}\` answered ${response.status}: credentials missing or refused`, {
      code: DISTRIBUTE_CODES.unauthorized,
      help: 'configure a bearer token or basic credentials for this source, and check they grant read access',
    });
  }
  const retryAfter = retryAfterMs(response.headers);
  return new HTTPError(response.status, response.url, `\`${where}\` answered ${response.status}`, {
    help: isRetryableStatus(response.status) ? 'the server failed repeatedly; the next poll tries again' : 'check the url and the server',
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
  });
}

function causeCode(e: unknown): string {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return '';
}

function networkError(e: unknown, url: string, timedOut: boolean, timeoutMs: number): DistributeError {
  if (e instanceof DistributeError) return e;
  if (timedOut) {
    return new DistributeError(DISTRIBUTE_CODES.timeout, `\`${showUrl(url)}\` did not answer within ${timeoutMs} ms`, { help: 'raise the source time-out, or check the server', cause: e });
  }
  if (e instanceof Error && e.name === 'AbortError') return new DistributeError(DISTRIBUTE_CODES.unreachable, `request to \`${showUrl(url)}\` was cancelled`, { cause: e });
  const code = causeCode(e);
  const detail = code === '' ? (e instanceof Error ? e.message.toLowerCase() : String(e)) : code;
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') {
    return new DistributeError(DISTRIBUTE_CODES.truncated, `connection to \`${showUrl(url)}\` dropped (${printable(detail)})`, { help: 'the server closed the connection early; the request is retried', cause: e });
  }
  return new DistributeError(DISTRIBUTE_CODES.unreachable, `cannot reach \`${showUrl(url)}\` (${printable(detail)})`, {
    help: /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code) ? 'the server certificate is not trusted; configure the source with its ca certificate' : 'check the url, and that the server is up',
    cause: e,
  });
}

/** Reads the body up to `maxBytes`, failing as soon as more arrives; a short read is a truncation. */
async function readBody(response: Response, url: string, maxBytes: number, timeout: AbortSignal, timeoutMs: number): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  const length = declared === null ? undefined : Number(declared);
  const tooLarge = (): DistributeError =>
    new DistributeError(DISTRIBUTE_CODES.tooLarge, `response from \`${showUrl(url)}\` is larger than the limit of ${maxBytes} bytes`, { help: 'raise the size limit if the bundle is really this large' });
  if (length !== undefined && length > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DistributeError) throw e;
    if (timeout.aborted) {
      throw new DistributeError(DISTRIBUTE_CODES.timeout, `\`${showUrl(url)}\` did not finish its response within ${timeoutMs} ms`, { help: 'raise the source time-out, or check the server', cause: e });
    }
    throw new DistributeError(DISTRIBUTE_CODES.truncated, `response from \`${showUrl(url)}\` ended after ${total} bytes`, { help: 'the connection dropped mid-body; the request is retried', cause: e });
  }
  // A server that compressed anyway (we ask for `identity`): fetch decoded the body, and Content-Length
  // counts the encoded bytes, so it says nothing about the decoded length (a cut stream fails to decode).
  const encoding = (response.headers.get('content-encoding') ?? '').trim().toLowerCase();
  const encoded = encoding !== '' && encoding !== 'identity';
  if (!encoded && length !== undefined && Number.isFinite(length) && total !== length) {
    throw new DistributeError(DISTRIBUTE_CODES.truncated, `response from \`${showUrl(url)}\` ended after ${total} of ${length} bytes`, { help: 'the connection dropped mid-body; the request is retried' });
  }
  return Buffer.concat(chunks);
}
