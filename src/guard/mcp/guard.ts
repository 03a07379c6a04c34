import type { ExtractCode, HttpHeaders } from '../../extract/index.js';
import type { IrCatalog } from '../../ir/catalog.js';
import { isRecord } from '../../core/record.js';
import type { GuardCode } from '../codes.js';
import { apiNamed, decideCall, type CallVerdict, type RequestDecider } from './decide.js';
import { denialResult } from './denial.js';
import type { DeclaredHeaders } from './headers.js';
import { ToolHeaderMemory, type ToolHeaderLimits } from './tool-headers.js';
import { JSONRPC_ERRORS, errorResponse, isUnreadable, readFrame, type Frame, type FrameItem, type JsonRpcId, type JsonRpcMessage, type ReadMessage } from './jsonrpc.js';

/** What the guard did with one client message, for its log and metrics. */
export type GuardEvent =
  | { kind: 'denied'; id: JsonRpcId | null; verdict: CallVerdict }
  | { kind: 'shadow'; id: JsonRpcId | null; verdict: CallVerdict }
  | { kind: 'allowed'; id: JsonRpcId | null; verdict: CallVerdict }
  | { kind: 'refused'; id: JsonRpcId | null; code: GuardCode | ExtractCode; message: string }
  | { kind: 'dropped'; id: JsonRpcId | null; message: string };

export interface McpGuardOptions {
  /** The enforcer (or anything that extracts and decides one HTTP request). */
  decider: RequestDecider;
  /** The api catalog in effect now; read at every decision, so a bundle carrying a new catalog applies at once. */
  catalog: () => IrCatalog | undefined;
  /** The MCP Api (in the catalog) the wrapped server is. */
  api: string;
  onEvent?: (event: GuardEvent) => void;
  /** Bounds of the `x-mcp-header` declarations learnt from relayed `tools/list` results. */
  toolHeaderLimits?: Partial<ToolHeaderLimits>;
}

/** One element of a client frame: forwarded to the server, answered by the guard, or dropped. */
export type Slot = { forward: ReadMessage } | { reply: JsonRpcMessage } | { drop: string };

/** What to do with one client frame, element by element in frame order. */
export interface Plan {
  batch: boolean;
  slots: Slot[];
}

/** Where a message came from: the caller's headers (decisions read credentials and trace context there) and its session. */
export interface FrameContext {
  headers: HttpHeaders;
  /** `Mcp-Session-Id`, or a connection's own key; denied ids are remembered per session. */
  session: string;
  /** `MCP-Protocol-Version`, when the transport carries it. */
  revision?: string | null;
}

/** Denied request ids remembered per session, so their cancellations stay with the guard. */
const MAX_DENIED_IDS = 4096;
const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';

/**
 * The transport-independent MCP guard: reads a client frame once, decides every `tools/call`
 * request through extraction and the enforcer, and plans each element — forward (re-serialized
 * from what was read), answer (a denial result, a refusal error) or drop (a notification about a
 * denied call, which the server never saw). Everything else passes: other methods, notifications,
 * and the client's responses to the server's own requests (sampling, elicitation, roots).
 */
export class McpGuard {
  private readonly denied = new Map<string, true>();
  private readonly toolHeaders: ToolHeaderMemory;

  constructor(private readonly options: McpGuardOptions) {
    this.toolHeaders = new ToolHeaderMemory(options.toolHeaderLimits);
  }

  /** The `x-mcp-header` declarations learnt in `scope` (a session, or a caller), for the header check. */
  declaredHeaders(scope: string): DeclaredHeaders {
    return (tool) => this.toolHeaders.declared(scope, tool);
  }

  /** A server's `tools/list` result, relayed in `scope` to the request it answers (`firstPage`: it had no `cursor`). */
  learnTools(scope: string, result: unknown, firstPage: boolean): void {
    this.toolHeaders.learn(scope, result, firstPage);
  }

  /** The server said its tools changed (`notifications/tools/list_changed`): no declaration learnt before is relied on. */
  toolsChanged(): void {
    this.toolHeaders.forgetAll();
  }

  plan(text: string, context: FrameContext): Plan {
    return this.planFrame(readFrame(text), context);
  }

  /** Plans a frame already read (the HTTP transport checks its headers against it first). */
  planFrame(frame: Frame, context: FrameContext): Plan {
    if ('fatal' in frame) {
      this.emit({ kind: 'refused', id: null, code: frame.fatal.code, message: frame.fatal.message });
      return { batch: false, slots: [{ reply: errorResponse(null, frame.fatal.rpc, frame.fatal.message, { code: frame.fatal.code }) }] };
    }
    return { batch: frame.batch, slots: frame.items.map((item) => this.slotFor(item, context)) };
  }

  /** Refuses a whole frame (a transport-level problem such as a header disagreeing with the body). */
  refuse(code: GuardCode | ExtractCode, message: string, id: JsonRpcId | null = null): JsonRpcMessage {
    this.emit({ kind: 'refused', id, code, message });
    return errorResponse(id, JSONRPC_ERRORS.invalidRequest, message, { code });
  }

  private slotFor(item: FrameItem, context: FrameContext): Slot {
    if (isUnreadable(item)) {
      this.emit({ kind: 'refused', id: item.id, code: item.unreadable.code, message: item.unreadable.message });
      return { reply: errorResponse(item.id, JSONRPC_ERRORS.invalidRequest, item.unreadable.message, { code: item.unreadable.code }) };
    }
    if (item.method === 'notifications/cancelled') {
      const params = item.message['params'];
      const target = isRecord(params) ? params['requestId'] : undefined;
      if ((typeof target === 'string' || typeof target === 'number') && this.denied.delete(this.key(context, target))) {
        this.emit({ kind: 'dropped', id: target, message: 'cancellation of a denied call, which the server never received' });
        return { drop: 'cancellation of a denied call' };
      }
      return { forward: item };
    }
    if (item.method !== 'tools/call') {
      if (item.kind === 'request' && item.id !== null) this.denied.delete(this.key(context, item.id));
      return { forward: item };
    }
    return this.decide(item, context);
  }

  private decide(item: ReadMessage, context: FrameContext): Slot {
    const api = apiNamed(this.options.catalog(), this.options.api);
    const verdict: CallVerdict =
      api === undefined
        ? { verdict: 'deny', tool: null, operation: null, rule: 'api:unknown', reasons: [`the catalog in effect has no mcp api \`${this.options.api}\``], decisionId: null }
        : decideCall(this.options.decider, api, item, context.headers);
    if (verdict.verdict !== 'deny') {
      if (item.id !== null) this.denied.delete(this.key(context, item.id));
      this.emit({ kind: verdict.verdict === 'shadow' ? 'shadow' : 'allowed', id: item.id, verdict });
      return { forward: item };
    }
    this.emit({ kind: 'denied', id: item.id, verdict });
    // A `tools/call` sent as a notification expects no answer; it is still never forwarded.
    if (item.id === null) return { drop: 'a denied tools/call notification' };
    this.remember(this.key(context, item.id));
    return { reply: denialResult(item.id, verdict, revisionOf(item, context)) };
  }

  private key(context: FrameContext, id: JsonRpcId): string {
    return `${context.session}\u0000${typeof id}:${String(id)}`;
  }

  private remember(key: string): void {
    this.denied.set(key, true);
    if (this.denied.size > MAX_DENIED_IDS) {
      const oldest = this.denied.keys().next().value;
      if (oldest !== undefined) this.denied.delete(oldest);
    }
  }

  private emit(event: GuardEvent): void {
    this.options.onEvent?.(event);
  }
}

/** The protocol revision a request speaks: the 2026-07-28 `_meta` field, else the transport's header. */
function revisionOf(item: ReadMessage, context: FrameContext): string | null {
  const params = item.message['params'];
  const meta = isRecord(params) ? params['_meta'] : undefined;
  const fromMeta = isRecord(meta) ? meta[PROTOCOL_VERSION_META] : undefined;
  return typeof fromMeta === 'string' ? fromMeta : (context.revision ?? null);
}

/** The responses of a plan's local answers and forwarded requests, merged in frame order. */
export function mergeResponses(plan: Plan, fromServer: ReadonlyMap<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const slot of plan.slots) {
    if ('reply' in slot) out.push(slot.reply);
    else if ('forward' in slot && slot.forward.kind === 'request' && slot.forward.id !== null) {
      const response = fromServer.get(idKey(slot.forward.id));
      if (response !== undefined) out.push(response);
    }
  }
  return out;
}

/** A response id as a map key (1 and "1" are different ids). */
export function idKey(id: unknown): string {
  return `${typeof id}:${String(id)}`;
}

/** The `tools/list` requests a plan forwards, by response key: whether each asks for the first page (no `cursor`). */
export function toolListRequests(plan: Plan): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const slot of plan.slots) {
    if (!('forward' in slot) || slot.forward.method !== 'tools/list' || slot.forward.kind !== 'request' || slot.forward.id === null) continue;
    const params = slot.forward.message['params'];
    out.set(idKey(slot.forward.id), !(isRecord(params) && params['cursor'] !== undefined));
  }
  return out;
}

/** The ids of the requests a plan forwards (their responses come from the server). */
export function forwardedRequestIds(plan: Plan): JsonRpcId[] {
  return plan.slots.flatMap((s) => ('forward' in s && s.forward.kind === 'request' && s.forward.id !== null ? [s.forward.id] : []));
}

