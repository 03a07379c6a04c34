import type { RequestDecision } from '../../enforce/index.js';
import type { HttpHeaders, HttpRequest } from '../../extract/index.js';
import type { IrCatalog } from '../../ir/catalog.js';
import type { IrApi } from '../../ir/types.js';
import type { ReadMessage } from './jsonrpc.js';

/** What the guard needs of an enforcer: extraction plus decision for one request. */
export interface RequestDecider {
  /** `maxBodyBytes`: the largest body extraction reads (its default is 1 MiB). */
  decideRequest(request: HttpRequest, options?: { maxBodyBytes?: number }): RequestDecision;
}

/** A `tools/call` decided: forwarded (`allow`, `shadow`) or answered with a denial (`deny`). */
export interface CallVerdict {
  verdict: 'allow' | 'shadow' | 'deny';
  /** The tool as the client named it. */
  tool: string | null;
  /** The operation the policy decided (`execute_sql.destructive`), null when the call was unreadable. */
  operation: string | null;
  rule: string;
  reasons: string[];
  decisionId: string | null;
  /** Why extraction could not read the call, when it could not. */
  error?: { code: string; message: string };
}

/** Headers of the caller that never reach extraction: framing the guard redoes, and MCP's routing copies of the body. */
const NOT_DECIDED = /^(host|content-length|content-type|content-encoding|transfer-encoding|connection|keep-alive|te|trailer|upgrade|mcp-.*)$/i;

/**
 * Decides one `tools/call` by handing extraction the request the server will receive: a POST of
 * exactly `read.text` to the Api's MCP endpoint, with the caller's credential and trace headers.
 * Extraction stays the one reader of MCP messages (tool name = operation, `arguments`, resource
 * from `idArg`, `_meta` trace context, SQL arguments by their statements' class).
 */
export function decideCall(decider: RequestDecider, api: IrApi, read: ReadMessage, headers: HttpHeaders): CallVerdict {
  const params = read.message['params'];
  const tool = typeof params === 'object' && params !== null && typeof (params as Record<string, unknown>)['name'] === 'string' ? ((params as Record<string, unknown>)['name'] as string) : null;
  const forwarded: Record<string, string | readonly string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) if (!NOT_DECIDED.test(name)) forwarded[name] = value;
  forwarded['content-type'] = 'application/json';
  const host = api.hosts[0] ?? 'mcp.invalid';
  // The transport already bounded the message (mcp-guard's `--max-body-bytes`, the stdio line
  // limit): extraction reads what it read, rather than denying a call over its own 1 MiB default as policy.
  const maxBodyBytes = Buffer.byteLength(read.text, 'utf8');
  const result = decider.decideRequest({ method: 'POST', url: `https://${host}${api.endpoint ?? '/'}`, headers: forwarded, body: read.text }, { maxBodyBytes });
  const deciding = result.decisions.find((d) => !d.decision.allow) ?? result.decisions.find((d) => d.decision.mode === 'shadow') ?? result.decisions[0];
  if (deciding === undefined) {
    return { verdict: 'deny', tool, operation: null, rule: 'input:invalid', reasons: ['the call names no operation'], decisionId: null };
  }
  const { decision } = deciding;
  const verdict = !result.allow ? 'deny' : result.decisions.some((d) => d.decision.mode === 'shadow' || d.decision.would_deny) ? 'shadow' : 'allow';
  return {
    verdict,
    tool,
    operation: deciding.operation,
    rule: decision.rule,
    reasons: decision.reasons,
    decisionId: deciding.decision_id,
    ...(deciding.error === undefined ? {} : { error: deciding.error }),
  };
}

/** The Api the guard decides for, from the catalog in effect now (it may change with the bundle). */
export function apiNamed(catalog: IrCatalog | undefined, name: string): IrApi | undefined {
  return catalog?.apis.find((a) => a.name === name && a.protocol === 'mcp');
}
