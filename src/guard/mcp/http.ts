import { listenOn } from '../../enforce/index.js';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest, type Agent } from 'node:https';
import { normalizeHeaders } from '../../core/headers.js';
import { EXTRACT_CODES, overrideOf, type ExtractCode, type HttpHeaders } from '../../extract/index.js';
import { GUARD_CODES, GuardError, type GuardCode } from '../codes.js';
import { forwardedRequestIds, idKey, mergeResponses, toolListRequests, type McpGuard, type Plan } from './guard.js';
import { headerMismatch, type DeclaredHeaders } from './headers.js';
import { answerReader, readMessage as watchMessage, scopeOf, type AnswerReader, type Watch } from './watch.js';
import { JSONRPC_ERRORS, errorResponse, readFrame } from './jsonrpc.js';
import { clientQueryProblem } from './query.js';

export interface HttpGuardOptions {
  guard: McpGuard;
  /** The Streamable HTTP MCP endpoint guarded (`http://127.0.0.1:3001/mcp`); the guard serves the same path. */
  upstream: URL;
  port: number;
  host?: string;
  /** Answers `/healthz`, `/readyz`, `/metrics`, `/status` on the guard's port (the enforcer's status listener). */
  status?: { paths: readonly string[]; listener: (req: IncomingMessage, res: ServerResponse) => void };
  /** Largest POST body read; larger ones are refused. Default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * Milliseconds to wait for the upstream's response headers (its first byte). Default 300 000:
   * a server that answers a `tools/call` with one JSON body sends nothing until the tool is done.
   */
  upstreamTimeoutMs?: number;
  /**
   * The agent for an `https:` upstream that must trust extra anchors (`upstreamTlsAgent`); without
   * one, Node's roots. Certificate verification is on either way.
   */
  upstreamAgent?: Agent;
}

/** What relaying one request needs: the guard's options but where it listens. */
export type RelayOptions = Omit<HttpGuardOptions, 'port' | 'host'>;

export interface HttpGuard {
  url: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_UPSTREAM_TIMEOUT_MS = 300_000;
/** Hop-by-hop headers (RFC 9110 §7.6.1) and framing the guard redoes; never copied across. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect']);
/** Headers some frameworks read to run a request as another method (`_` spellings are refused before). */
const METHOD_OVERRIDE = /^x-(http-)?method(-override)?$/;
/** What Streamable HTTP uses: POST (messages), GET (the server's stream), DELETE (a session's end). */
const RELAYED_METHODS = new Set(['POST', 'GET', 'DELETE']);

/**
 * The guard in front of a Streamable HTTP MCP server (revisions 2025-11-25 and 2026-07-28): a
 * POST's JSON-RPC body is planned by the guard and only its forwarded messages go upstream,
 * re-serialized; the upstream's answer (one JSON body, or an SSE stream) comes back streamed, with
 * the guard's own answers (denials, refusals) merged in frame order (JSON) or sent first (SSE).
 * GET (the server's SSE stream) and DELETE (ending a session) pass through, `Mcp-Session-Id`
 * included. Other methods (405, BG403) and any request naming another target or method in a
 * header or a `_method` parameter (400, BG443/BG418, as the proxy refuses them) are refused, and
 * so is one carrying a query string of its own (400, BG780): the upstream gets its url's query only.
 */
export async function serveHttpGuard(options: HttpGuardOptions): Promise<HttpGuard> {
  const endpoint = trimSlash(options.upstream.pathname);
  const server: Server = createServer((req, res) => {
    handle(options, endpoint, req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 502, errorResponse(null, JSONRPC_ERRORS.internal, `the guard could not relay the request: ${(e as Error).message.toLowerCase()}`, { code: GUARD_CODES.upstreamFailed }));
      else res.destroy();
    });
  });
  const listening = await listenOn(server, options.host ?? '127.0.0.1', options.port, (m, cause) => new GuardError(GUARD_CODES.startFailed, m, { cause }));
  return { url: `${listening.origin}${options.upstream.pathname}`, close: listening.close };
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

async function handle(options: RelayOptions, endpoint: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = trimSlash((req.url ?? '/').split('?')[0] ?? '/');
  if (path !== endpoint) {
    if (options.status !== undefined && options.status.paths.includes(path)) return options.status.listener(req, res);
    res.writeHead(404).end();
    return;
  }
  // Every method: GET and DELETE pass through undecided, so nothing may ask the server to run them
  // (or a POST) as another method or target than the guard relays.
  const override = overrideOf(normalizeHeaders(req.headersDistinct as HttpHeaders), (req.url ?? '').split('?').slice(1).join('?'));
  if (override !== null) {
    req.resume();
    return refuse(options, res, 400, override.code, override.message);
  }
  const query = clientQueryProblem(req.url ?? '');
  if (query !== null) {
    req.resume();
    return refuse(options, res, 400, GUARD_CODES.clientQuery, query);
  }
  if (!RELAYED_METHODS.has(req.method ?? '')) {
    req.resume();
    res.setHeader('allow', 'POST, GET, DELETE');
    return refuse(options, res, 405, EXTRACT_CODES.unsupportedMethod, `method \`${req.method ?? ''}\` is not one streamable http uses (post, get, delete); refused`);
  }
  if (req.method !== 'POST') {
    // A session's GET stream carries the server's own notifications (`tools/list_changed` among them).
    await relay(options, req, res, null, { guard: options.guard, scope: () => '', lists: new Map() });
    return;
  }
  const body = await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if ('refused' in body) return refuse(options, res, body.status, GUARD_CODES.unreadableBody, body.refused);
  const headers = normalizeHeaders(req.headersDistinct as HttpHeaders);
  const frame = readFrame(body.text);
  const scope = scopeOf(headers);
  const declared: DeclaredHeaders = (tool) => options.guard.declaredHeaders(scope())(tool);
  const mismatch = headerMismatch(headers, frame, declared);
  if (mismatch !== null) return refuse(options, res, 400, mismatch.code, mismatch.message);
  const session = headers.get('mcp-session-id')?.[0] ?? '';
  const revision = headers.get('mcp-protocol-version')?.[0] ?? null;
  const plan = options.guard.planFrame(frame, { headers: req.headers as HttpHeaders, session, revision });
  const forwarded = plan.slots.flatMap((s) => ('forward' in s ? [s.forward.text] : []));
  const local = mergeResponses(plan, new Map());
  if (forwarded.length === 0) {
    const status = 'fatal' in frame || plan.slots.every((s) => 'reply' in s && 'error' in s.reply) ? 400 : 200;
    if (local.length === 0) res.writeHead(202).end();
    else sendJson(res, status, plan.batch ? local : local[0]);
    return;
  }
  await relay(options, req, res, { text: plan.batch ? `[${forwarded.join(',')}]` : forwarded[0]!, plan, local }, { guard: options.guard, scope, lists: toolListRequests(plan) });
}

/** What a POST forwards: the re-serialized messages, and the guard's own answers to merge in. */
interface Forward {
  text: string;
  plan: Plan;
  local: unknown[];
}

function refuse(options: RelayOptions, res: ServerResponse, status: number, code: GuardCode | ExtractCode, message: string): void {
  sendJson(res, status, options.guard.refuse(code, message));
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<{ text: string } | { refused: string; status: number }> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') return drain(req, { refused: 'the request body has a content encoding other than `identity`', status: 415 });
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) return drain(req, { refused: 'an mcp message must be sent as `application/json`', status: 415 });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return drain(req, { refused: `the request body is larger than ${limit} bytes`, status: 413 });
    chunks.push(chunk as Buffer);
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { refused: 'the request body is not utf-8', status: 400 };
  }
}

/** Refuses without reading the rest: the connection closes after the answer. */
function drain(req: IncomingMessage, outcome: { refused: string; status: number }): { refused: string; status: number } {
  req.resume();
  return outcome;
}

function upstreamHeaders(incoming: IncomingHttpHeaders, upstream: URL, body: string | null, method: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const listed = new Set(String(incoming['connection'] ?? '').split(',').map((v) => v.trim().toLowerCase()));
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || METHOD_OVERRIDE.test(name)) continue;
    if (body !== null && (name === 'content-type' || name === 'content-encoding')) continue;
    out[name] = value;
  }
  out['host'] = upstream.host;
  // A GET stream carries `tools/list_changed`, which the guard reads as it passes (watch.ts).
  if (method === 'GET') out['accept-encoding'] = 'identity';
  if (body !== null) {
    // An answer the guard merges its own answers into must be readable as sent.
    out['accept-encoding'] = 'identity';
    out['content-type'] = 'application/json';
    out['content-length'] = Buffer.byteLength(body);
  }
  return out;
}

function clientHeaders(incoming: IncomingHttpHeaders, rebodied: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || (HOP_BY_HOP.has(name) && name !== 'content-length')) continue;
    if (rebodied && (name === 'content-length' || name === 'content-encoding' || name === 'content-type')) continue;
    out[name] = value;
  }
  return out;
}

/** Sends the request upstream and streams the answer back, merging the guard's own answers in. */
function relay(options: RelayOptions, req: IncomingMessage, res: ServerResponse, forward: Forward | null, watch: Watch): Promise<void> {
  const { upstream } = options;
  // The configured url as is, its query included: a client query was refused in handle().
  const target = new URL(upstream);
  const body = forward?.text ?? null;
  const method = req.method ?? 'GET';
  const request = { method, headers: upstreamHeaders(req.headers, upstream, body, method) };
  return new Promise<void>((resolve) => {
    const outgoing = target.protocol === 'https:' ? httpsRequest(target, { ...request, rejectUnauthorized: true, ...(options.upstreamAgent === undefined ? {} : { agent: options.upstreamAgent }) }) : httpRequest(target, request);
    const timeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    let timedOut = false;
    const fail = (status: number, message: string): void => {
      if (!res.headersSent) sendFailure(options, res, status, message, forward);
      else res.destroy();
      resolve();
    };
    outgoing.setTimeout(timeoutMs, () => {
      timedOut = true;
      outgoing.destroy(new Error('timed out'));
    });
    outgoing.once('error', (e) => {
      if (timedOut) fail(504, `the upstream mcp server timed out: no response within ${timeoutMs / 1000} s (raise \`--upstream-timeout\`)`);
      else fail(502, `the upstream mcp server cannot be reached: ${e.message.toLowerCase()}`);
    });
    // A client that goes away ends the upstream exchange too (2026-07-28: closing the stream cancels).
    res.once('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    outgoing.once('response', (answer) => {
      outgoing.setTimeout(0);
      respond(answer, res, forward, watch).then(resolve, () => {
        res.destroy();
        resolve();
      });
    });
    outgoing.end(body ?? undefined);
    if (body === null && req.method !== 'GET' && req.method !== 'HEAD') req.resume();
  });
}

/**
 * The upstream failed before answering: each forwarded request gets its own error, carrying its id
 * (a client matches answers to calls by id; `null` would leave the call pending), merged with the
 * guard's own answers in frame order. A frame that forwarded only notifications gets one error.
 */
function sendFailure(options: Pick<HttpGuardOptions, 'guard'>, res: ServerResponse, status: number, message: string, forward: Forward | null): void {
  const ids = forward === null ? [] : forwardedRequestIds(forward.plan);
  if (forward === null || ids.length === 0) {
    sendJson(res, status, options.guard.refuse(GUARD_CODES.upstreamFailed, message));
    return;
  }
  const failed = new Map(ids.map((id) => [idKey(id), options.guard.refuse(GUARD_CODES.upstreamFailed, message, id)]));
  const merged = mergeResponses(forward.plan, failed);
  sendJson(res, status, forward.plan.batch ? merged : merged[0]);
}

async function respond(answer: IncomingMessage, res: ServerResponse, forward: Forward | null, watch: Watch): Promise<void> {
  const status = answer.statusCode ?? 502;
  const type = String(answer.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const local = forward?.local ?? [];
  // Only a success carries tool lists and notifications; answers pass unchanged while read.
  const reader = status >= 200 && status < 300 && answer.headers['content-encoding'] === undefined ? answerReader(watch, type) : null;
  if (local.length === 0 || forward === null || status >= 300) {
    res.writeHead(status, answer.statusMessage, clientHeaders(answer.headers, false));
    await pipe(answer, res, reader);
    return;
  }
  if (type === 'text/event-stream') {
    // The guard's answers go first, as events of the same stream: each carries its request's id.
    res.writeHead(status, answer.statusMessage, clientHeaders(answer.headers, false));
    for (const reply of local) res.write(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
    await pipe(answer, res, reader);
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of answer) chunks.push(chunk as Buffer);
  const fromServer = new Map<string, unknown>();
  const text = Buffer.concat(chunks).toString('utf8');
  let value: unknown = undefined;
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
  }
  for (const response of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
    if (typeof response === 'object' && response !== null && 'id' in response) fromServer.set(idKey((response as { id: unknown }).id), response);
  }
  // Learnt before the answer is sent: the client's next call may use what it lists.
  if (reader !== null) watchMessage(watch, value);
  const merged = mergeResponses(forward.plan, fromServer);
  const known = new Set(forwardedRequestIds(forward.plan).map(idKey));
  for (const [key, response] of fromServer) if (!known.has(key)) merged.push(response);
  const out = JSON.stringify(forward.plan.batch ? merged : merged[0]);
  res.writeHead(200, { ...clientHeaders(answer.headers, true), 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
  res.end(out);
}

async function pipe(from: IncomingMessage, to: ServerResponse, reader: AnswerReader | null): Promise<void> {
  to.flushHeaders();
  for await (const chunk of from) {
    // Read before the client has it: what it learns applies to the client's next request.
    reader?.chunk(chunk as Buffer);
    if (!to.write(chunk as Buffer)) await new Promise<void>((resolve) => to.once('drain', () => resolve()));
  }
  reader?.end();
  to.end();
}

/**
 * One request to an MCP api, relayed the way the guard relays it (POST planned: only `tools/call`
 * decided; GET and DELETE passed through with the session): `blastguard proxy` serves MCP apis
 * with it. `endpoint` is the path clients use; `options.upstream` is where it goes.
 */
export function relayMcpRequest(options: RelayOptions, endpoint: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return handle(options, trimSlash(endpoint), req, res).catch((e: unknown) => {
    if (!res.headersSent) sendJson(res, 502, errorResponse(null, JSONRPC_ERRORS.internal, `the guard could not relay the request: ${(e as Error).message.toLowerCase()}`, { code: GUARD_CODES.upstreamFailed }));
    else res.destroy();
  });
}
