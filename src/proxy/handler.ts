import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Enforcer } from '../enforce/index.js';
import { bodyLimitOf, DEFAULT_FORWARD_LIMITS, extractForwarding } from '../extract/index.js';
import type { ExtractedOperation, ForwardLimits, HttpRequest, Inventory } from '../extract/index.js';
import { PROXY_CODES } from './codes.js';
import { sendDenial, sendProblem, type Refusal } from './denial.js';
import { forwardUpstream, forwardedHostname, type Upstream } from './upstream.js';
import { decidedHost } from './decided-host.js';
import { readRequestBody } from './body.js';
import { createMcpRelay } from './mcp.js';
import { onlyPersistedQueryMisses, sendPersistedQueryNotFound } from './apq.js';

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
  /** Milliseconds without a byte from the upstream before the call is abandoned (default 30 s): 504. */
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

const DEFAULT_TIMEOUT_MS = 30_000;

export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const clock = options.clock ?? Date.now;
  const limits = { ...DEFAULT_FORWARD_LIMITS, ...(options.limits ?? {}) };
  const clientTimeoutMs = options.clientTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  // The decision time as RFC 3339, written once per millisecond rather than once per request.
  let at = Number.NaN;
  let time = '';
  const now = (): string => {
    const ms = clock();
    if (ms !== at) {
      at = ms;
      time = new Date(ms).toISOString();
    }
    return time;
  };
  const mcp = createMcpRelay({ enforcer: options.enforcer, ...(options.inventories === undefined ? {} : { inventories: options.inventories }), now, upstreamTimeoutMs, maxBodyBytes: limits.maxBodyBytes, ...(options.upstreamCa === undefined ? {} : { upstreamCa: options.upstreamCa }) });
  return async (req, res, upstream) => {
    const catalog = options.enforcer.catalog();
    if (catalog === null) return sendProblem(res, 503, PROXY_CODES.notReady, 'no api catalog is active yet (no bundle, or one built without `catalog.json`): nothing is forwarded');
    const api = catalog.apis.find((a) => a.name === upstream.api);
    if (api === undefined) return sendProblem(res, 421, PROXY_CODES.noUpstream, `api \`${upstream.api}\` is not in the active catalog`);
    if (api.protocol === 'mcp') return mcp(req, res, upstream, api);
    const body = await readRequestBody(req, bodyLimitOf(api, limits), clientTimeoutMs);
    if (body === null) return sendProblem(res, 408, PROXY_CODES.clientTimeout, `the request was not received within ${clientTimeoutMs} ms`);
    // The request is read as sent to one of the api's own hosts that reads as the host the
    // upstream receives (decided-host.ts): the one it names, or one the upstream's host reads as.
    const named = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const decided = decidedHost(api, named, forwardedHostname(upstream));
    if ('problem' in decided) return sendProblem(res, 421, PROXY_CODES.hostReadsOtherwise, decided.problem, decided.help);
    const headers = { ...req.headersDistinct, host: [decided.host] } as Record<string, string[]>;
    const request: HttpRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers, body: body.bytes, ...(named === decided.host ? {} : { clientHost: named }) };
    const extraction = extractForwarding(request, catalog, {
      time: now(),
      ...(options.inventories === undefined ? {} : { inventories: options.inventories }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    });
    const mismatch = otherApi(extraction.api, upstream);
    if (mismatch !== null) return sendProblem(res, 421, PROXY_CODES.apiMismatch, mismatch);
    const traceparent = req.headers['traceparent'];
    const refusals: Refusal[] = [];
    for (const op of extraction.operations) {
      const decisionId = randomUUID();
      const decision = options.enforcer.decide(op.input, { decisionId, ...(typeof traceparent === 'string' ? { traceparent } : {}) });
      if (!decision.allow || op.operation === null) refusals.push(refusal(op, decision, decisionId));
    }
    if (!body.complete) res.once('finish', () => req.destroy());
    if (refusals.length > 0 || extraction.forward === null || extraction.operations.length === 0) {
      if (body.complete && api.protocol === 'graphql' && onlyPersistedQueryMisses(refusals)) return sendPersistedQueryNotFound(res, refusals);
      if (!body.complete) res.setHeader('connection', 'close');
      // A body cut at the limit is refused as too large (413), after its denial was decided and logged.
      return sendDenial(res, api.protocol, refusals, body.complete ? 403 : 413);
    }
    await forwardUpstream(extraction.forward, upstream, res, upstreamTimeoutMs);
    return undefined;
  };
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
