import type { IncomingMessage, ServerResponse } from 'node:http';
import { newDecisionId, type Enforcer } from '../enforce/index.js';
import { headerMapOfRaw, normalizeHeaders, type HttpHeaders } from '../core/headers.js';
import { bodyLimitOf, DEFAULT_FORWARD_LIMITS, extractForwardingOf } from '../extract/index.js';
import type { ExtractedOperation, ForwardLimits, ForwardOptions, HttpRequest, Inventory } from '../extract/index.js';
import type { IrApi } from '../ir/types.js';
import type { IrCatalog } from '../ir/catalog.js';
import { PROXY_CODES, type ProxyCode } from './codes.js';
import { sendDenial, sendProblem, type Refusal } from './denial.js';
import { forwardUpstream, type Upstream } from './upstream.js';
import { decidedHosts, readsOf } from './per-api.js';
import { BodyReader, type ReadBody } from './body.js';
import { decisionClock } from './decision-clock.js';
import { createMcpRelay } from './mcp.js';
import { onlyPersistedQueryMisses, sendPersistedQueryNotFound } from './apq.js';
import { isWebSocketUpgrade, refuseWebSocket } from './websocket.js';

export type { Upstream } from './upstream.js';

/** What the handler needs from an enforcer: the catalog it reads requests with, and decisions. */
export type DecidingEnforcer = Pick<Enforcer, 'decide' | 'catalog'>;

export interface ProxyHandlerOptions {
  enforcer: DecidingEnforcer;
  /** Runtime inventories by api name (`--inventory`), instead of the ones the bundle declares. */
  inventories?: ReadonlyMap<string, Inventory>;
  /** Reading limits (body bytes, GraphQL depth, aliases, tokens); defaults in `DEFAULT_FORWARD_LIMITS`. */
  limits?: Partial<ForwardLimits>;
  /** Milliseconds the client has to send its whole request (default 30 s): 408 after. */
  clientTimeoutMs?: number;
  /** Milliseconds without a byte from the upstream before the call is abandoned (default 30 s; MCP apis: the mcp-guard's, 300 s): 504. */
  upstreamTimeoutMs?: number;
  /** Milliseconds since the epoch (tests). */
  clock?: () => number;
  /** Extra trust anchors for upstream TLS (PEM); the MCP relay reads them here, the pools where they are made. */
  upstreamCa?: string | Buffer;
}

/**
 * Handles one request for one upstream: `read → extract (canonical) → decide → forward | deny`.
 * The reverse proxy calls it with the upstream an `--upstream` names; the forward proxy with the
 * upstream of the host a client tunnels to. It never throws: every failure is answered.
 */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse, upstream: Upstream) => Promise<void>;

/**
 * `ProxyHandler` without a promise per request: `settled` is called once, when the request was
 * answered or handed to the upstream, with what was thrown when the handler failed (the caller answers
 * then; nothing was answered yet unless `res.headersSent`).
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, upstream: Upstream, settled: Settled) => void;

export type Settled = (res: ServerResponse, failure?: { error: unknown }) => void;

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * What follows a handled request in both proxy modes: nothing, or a 500 for a handler that
 * failed, so one failing request neither goes unanswered nor ends the process (shared by every
 * request, not made per request).
 */
export function answerFailure(res: ServerResponse, failure?: { error: unknown }): void {
  if (failure !== undefined) sendProblem(res, 500, PROXY_CODES.upstreamFailed, 'the proxy failed while handling the request');
}

export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const handle = createRequestHandler(options);
  return (req, res, upstream) =>
    new Promise((resolve, reject) => {
      handle(req, res, upstream, (_res, failure) => (failure === undefined ? resolve() : reject(failure.error)));
    });
}

export function createRequestHandler(options: ProxyHandlerOptions): RequestHandler {
  const clock = options.clock ?? Date.now;
  const limits = { ...DEFAULT_FORWARD_LIMITS, ...(options.limits ?? {}) };
  const clientTimeoutMs = options.clientTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = decisionClock(clock);
  // MCP apis keep the mcp-guard's own default (a JSON-response tool call sends nothing until it is done) unless one is given.
  const mcp = createMcpRelay({
    enforcer: options.enforcer,
    ...(options.inventories === undefined ? {} : { inventories: options.inventories }),
    now,
    ...(options.upstreamTimeoutMs === undefined ? {} : { upstreamTimeoutMs }),
    maxBodyBytes: limits.maxBodyBytes,
    ...(options.upstreamCa === undefined ? {} : { upstreamCa: options.upstreamCa }),
  });
  const reading: Omit<ForwardOptions, 'time'> = {
    ...(options.inventories === undefined ? {} : { inventories: options.inventories }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  };
  // The reading options with the decision time, made once per time value (frozen: shared by the requests of one millisecond).
  let readingAt = '';
  let readingNow: ForwardOptions = Object.freeze({ ...reading, time: '' });
  const readingAtNow = (): ForwardOptions => {
    const time = now();
    if (time !== readingAt) {
      readingAt = time;
      readingNow = Object.freeze({ ...reading, time });
    }
    return readingNow;
  };
  const hosts = decidedHosts();

  /** Everything after the body was read: runs without yielding, from the event that ended the reading. */
  const decideAndForward = (req: IncomingMessage, res: ServerResponse, upstream: Upstream, body: ReadBody | null): void => {
    if (body === null) return sendProblem(res, 408, PROXY_CODES.clientTimeout, `the request was not received within ${clientTimeoutMs} ms`);
    // A bundle may have activated while the body arrived. Everything from here to the decisions
    // runs without yielding, so the catalog read now and the policy that decides come from one
    // revision; the catalog read before the body only bounded its size.
    const current = activeApi(options.enforcer, upstream);
    if ('problem' in current) return sendProblem(res, current.status, current.code, current.problem);
    const { catalog, api } = current;
    if (api.protocol === 'mcp') return sendProblem(res, 503, PROXY_CODES.notReady, `api \`${api.name}\` became an mcp api while the request arrived: send it again`);
    // The request is read as sent to one of the api's own hosts that reads as the host the
    // upstream receives (decided-host.ts): the one it names, or one the upstream's host reads as.
    const { named, decided } = hosts(api, upstream, req.headers.host ?? '');
    if ('problem' in decided) return sendProblem(res, 421, PROXY_CODES.hostReadsOtherwise, decided.problem, decided.help);
    const headers = headerMapOfRaw(req.rawHeaders, decided.host) ?? normalizeHeaders({ ...(req.headersDistinct as HttpHeaders), host: [decided.host] });
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const request: HttpRequest = named === decided.host ? { method, url, body: body.bytes } : { method, url, body: body.bytes, clientHost: named };
    const extraction = extractForwardingOf(request, headers, catalog, readingAtNow());
    const mismatch = otherApi(extraction.api, upstream);
    if (mismatch !== null) return sendProblem(res, 421, PROXY_CODES.apiMismatch, mismatch);
    const traceparent = req.headers['traceparent'];
    const refusals: Refusal[] = [];
    for (const op of extraction.operations) {
      const decisionId = newDecisionId();
      const decision = options.enforcer.decide(op.input, typeof traceparent === 'string' ? { decisionId, traceparent } : { decisionId });
      if (!decision.allow || op.operation === null) refusals.push(refusal(op, decision, decisionId));
    }
    if (!body.complete) res.once('finish', () => req.destroy());
    if (refusals.length > 0 || extraction.forward === null || extraction.operations.length === 0) {
      if (body.complete && api.protocol === 'graphql' && onlyPersistedQueryMisses(refusals)) return sendPersistedQueryNotFound(res, refusals);
      if (!body.complete) res.setHeader('connection', 'close');
      // A body cut at the limit is refused as too large (413), after its denial was decided and logged.
      return sendDenial(res, api.protocol, refusals, body.complete ? 403 : 413);
    }
    if (allReads(extraction.operations, readsOf(api))) extraction.forward.repeatable = true;
    forwardUpstream(extraction.forward, upstream, res, upstreamTimeoutMs);
    return undefined;
  };

  /** Reads one request's body and goes on with `decideAndForward`: the one object a request costs here. */
  class RequestReading extends BodyReader {
    constructor(
      req: IncomingMessage,
      limit: number,
      private readonly res: ServerResponse,
      private readonly upstream: Upstream,
      private readonly onSettled: Settled,
    ) {
      super(req, limit, clientTimeoutMs);
    }

    protected bodyRead(body: ReadBody | null): void {
      const { res, onSettled: settled } = this;
      try {
        decideAndForward(this.req, res, this.upstream, body);
      } catch (e) {
        return settled(res, { error: e });
      }
      settled(res);
    }
  }

  /** Answers the request or starts reading it: true when it was answered (settled now), false when it goes on later. */
  const begin = (req: IncomingMessage, res: ServerResponse, upstream: Upstream, settled: Settled): boolean => {
    if (isWebSocketUpgrade(req)) {
      refuseWebSocket(res);
      return true;
    }
    const before = activeApi(options.enforcer, upstream);
    if ('problem' in before) {
      sendProblem(res, before.status, before.code, before.problem);
      return true;
    }
    if (before.api.protocol === 'mcp') {
      mcp(req, res, upstream, before.api).then(
        () => settled(res),
        (error: unknown) => settled(res, { error }),
      );
      return false;
    }
    new RequestReading(req, bodyLimitOf(before.api, limits, { method: req.method ?? 'GET', target: req.url ?? '/' }), res, upstream, settled).start();
    return false;
  };

  return (req, res, upstream, settled) => {
    let answered: boolean;
    try {
      answered = begin(req, res, upstream, settled);
    } catch (error) {
      return settled(res, { error });
    }
    if (answered) settled(res);
    return undefined;
  };
}

/** Whether every operation is one the api catalogues as a read (a request that may be sent twice). */
function allReads(operations: readonly ExtractedOperation[], reads: ReadonlySet<string>): boolean {
  for (const op of operations) if (op.operation === null || !reads.has(op.operation)) return false;
  return true;
}

/** The active catalog and the upstream's api in it, or why there is none to read the request with. */
function activeApi(enforcer: DecidingEnforcer, upstream: Upstream): { catalog: IrCatalog; api: IrApi } | { problem: string; status: number; code: ProxyCode } {
  const catalog = enforcer.catalog();
  if (catalog === null) return { status: 503, code: PROXY_CODES.notReady, problem: 'no api catalog is active yet (no bundle, or one built without `catalog.json`): nothing is forwarded' };
  let api: IrApi | undefined;
  for (const a of catalog.apis) {
    if (a.name === upstream.api) {
      api = a;
      break;
    }
  }
  if (api === undefined) return { status: 421, code: PROXY_CODES.noUpstream, problem: `api \`${upstream.api}\` is not in the active catalog` };
  return { catalog, api };
}

/**
 * Why the request may not go to `upstream`: it was read (and would be decided) as a call to another
 * api. Forwarding it would send a decision made for one api, and the caller's credential, to another.
 */
function otherApi(read: string | null, upstream: Upstream): string | null {
  if (read === null || read === upstream.api) return null;
  return `the request reads as a call to api \`${read}\`, but its upstream serves api \`${upstream.api}\`: nothing is forwarded`;
}

function refusal(op: ExtractedOperation, decision: Refusal['decision'], decisionId: string): Refusal {
  return {
    operation: op.operation,
    ...(op.alias === undefined ? {} : { alias: op.alias }),
    decision,
    decisionId,
    ...(op.error === undefined ? {} : { error: op.error }),
  };
}
