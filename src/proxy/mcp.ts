import type { IncomingMessage, ServerResponse } from 'node:http';
import { newDecisionId, type RequestDecision } from '../enforce/index.js';
import { extractDecisionInputs, type HttpRequest, type Inventory } from '../extract/index.js';
import { GuardError, McpGuard, relayMcpRequest, upstreamTlsAgent, type RequestDecider } from '../guard/index.js';
import type { IrApi } from '../ir/types.js';
import { PROXY_CODES, ProxyError } from './codes.js';
import type { DecidingEnforcer } from './handler.js';
import type { Upstream } from './upstream.js';

/*
 * MCP apis behind `blastguard proxy` (reverse or `--forward`) are served the way `blastguard
 * mcp-guard` serves them, by its own code: a session starts (`initialize`, notifications, `ping`,
 * list calls pass), GET (the server's SSE stream) and DELETE (the session's end) pass through, and
 * only `tools/call` is decided, its denials answered as MCP tool errors. Reading every JSON-RPC
 * method as an operation refused every session before its first tool call.
 */

export interface McpRelayOptions {
  enforcer: DecidingEnforcer;
  inventories?: ReadonlyMap<string, Inventory>;
  /** The decision time, RFC 3339. */
  now: () => string;
  /** How long the upstream may take to start its answer; without it, the mcp-guard's default. */
  upstreamTimeoutMs?: number;
  maxBodyBytes: number;
  /** Extra trust anchors for `https:` upstreams (`--upstream-ca`), as the rest of the proxy trusts them. */
  upstreamCa?: string | Buffer;
}

export type McpRelay = (req: IncomingMessage, res: ServerResponse, upstream: Upstream, api: IrApi) => Promise<void>;

export function createMcpRelay(options: McpRelayOptions): McpRelay {
  const decider: RequestDecider = { decideRequest: (request, limits) => decideRequest(request, options, limits?.maxBodyBytes) };
  // One guard per api: a guard remembers the ids of the calls it denied, per session.
  const guards = new Map<string, McpGuard>();
  // Review (issue 11): the relay reached https upstreams with Node's roots only, ignoring `--upstream-ca`.
  const agent = options.upstreamCa === undefined ? undefined : tlsAgent(options.upstreamCa);
  return (req, res, upstream, api) => {
    let guard = guards.get(upstream.api);
    if (guard === undefined) {
      guard = new McpGuard({ decider, catalog: () => options.enforcer.catalog() ?? undefined, api: upstream.api });
      guards.set(upstream.api, guard);
    }
    const endpoint = api.endpoint ?? '/';
    const target = new URL(upstream.origin.href);
    // The upstream url's own query goes along as configured (servers read settings there).
    target.pathname = `${upstream.origin.pathname.replace(/\/+$/, '')}${endpoint}`;
    return relayMcpRequest({ guard, upstream: target, ...(options.upstreamTimeoutMs === undefined ? {} : { upstreamTimeoutMs: options.upstreamTimeoutMs }), maxBodyBytes: options.maxBodyBytes, ...(agent === undefined ? {} : { upstreamAgent: agent }) }, endpoint, req, res);
  };
}

/** The relay's https agent; an `--upstream-ca` holding no certificate stops the proxy with its own code. */
function tlsAgent(ca: string | Buffer): ReturnType<typeof upstreamTlsAgent> {
  try {
    return upstreamTlsAgent(ca);
  } catch (e) {
    if (!(e instanceof GuardError)) throw e;
    throw new ProxyError(PROXY_CODES.invalidConfig, `--upstream-ca: ${e.message}`, { ...(e.help === undefined ? {} : { help: e.help }), cause: e });
  }
}

/** `Enforcer.decideRequest` with the proxy's enforcer, inventories and clock. */
function decideRequest(request: HttpRequest, options: McpRelayOptions, maxBodyBytes: number | undefined): RequestDecision {
  const traceparent = request.headers?.['traceparent'];
  const context = typeof traceparent === 'string' ? { traceparent } : {};
  const catalog = options.enforcer.catalog();
  if (catalog === null) {
    // Nothing to read the request with: the one decision is the enforcer's not-ready deny.
    const decisionId = newDecisionId();
    return { allow: false, decisions: [{ operation: null, decision: options.enforcer.decide(null, { decisionId, ...context }), decision_id: decisionId }] };
  }
  const operations = extractDecisionInputs(request, catalog, {
    time: options.now(),
    ...(options.inventories === undefined ? {} : { inventories: options.inventories }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  const decisions = operations.map((op) => {
    const decisionId = newDecisionId();
    const decision = options.enforcer.decide(op.input, { decisionId, ...context });
    return { operation: op.operation, ...(op.alias === undefined ? {} : { alias: op.alias }), decision, decision_id: decisionId, ...(op.error === undefined ? {} : { error: op.error }) };
  });
  return { allow: decisions.length > 0 && decisions.every((d) => d.decision.allow), decisions };
}
