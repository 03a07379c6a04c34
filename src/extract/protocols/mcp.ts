import type { IrApi } from '../../ir/types.js';
import { hasOwn, isRecord } from '../../core/record.js';
import { ENVELOPE_CODES, ENVELOPE_MCP_META_KEY } from '../../identity/index.js';
import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { checkMemberCase, goFold } from '../params.js';
import { catalogedSpelling } from '../operation-case.js';
import { resourcePaths } from '../resource.js';
import { isJson, mediaType, pathMatchesEndpoint, readJson } from '../request.js';
import type { NormalizedRequest } from '../request.js';
import type { FoundOperation, Message, ProtocolExtractor } from './types.js';

/*
 * MCP over streamable HTTP (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports):
 * the client POSTs one JSON-RPC 2.0 message, or a batch of them, to the MCP endpoint.
 *
 *   {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
 *    "params": {"name": "<tool>", "arguments": {…}, "_meta": {"traceparent": …, "baggage": …}}}
 *
 * Each `tools/call` is the named tool with its arguments; other methods (`initialize`,
 * `tools/list`, notifications) only exchange protocol metadata and are reported as reads named by
 * their method.
 */

export const mcp: ProtocolExtractor = {
  protocol: 'mcp',
  messages: mcpMessages,
};

function mcpMessages(request: NormalizedRequest, api: IrApi): readonly Message[] {
  const { method, url, headers, text } = request;
  if (!pathMatchesEndpoint(url, api.endpoint)) {
    fail(EXTRACT_CODES.wrongEndpoint, `path \`${url.pathname}\` is not the mcp endpoint \`${api.endpoint ?? ''}\``);
  }
  if (method !== 'POST') fail(EXTRACT_CODES.unsupportedMethod, `method \`${method}\` cannot carry an mcp message`);
  const type = mediaType(headers);
  if (type !== null && !isJson(type)) {
    fail(EXTRACT_CODES.unsupportedContentType, `content type ${quote(type, 'mediaType', 'of an unexpected form')} is not a json-rpc message`);
  }
  const body = readJson(text);
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) fail(EXTRACT_CODES.noOperation, 'the json-rpc batch is an empty array');
  return messages.map((message: unknown) => () => mcpOperations(message, api));
}

function mcpOperations(message: unknown, api: IrApi): FoundOperation[] {
  if (!isRecord(message)) fail(EXTRACT_CODES.invalidBody, 'a json-rpc message must be a json object');
  checkMemberCase(message, ['method', 'params']);
  const params = message.params;
  if (isRecord(params)) checkMemberCase(params, ['name', 'arguments', '_meta'], 'params.');
  if (typeof message.method !== 'string' || message.method === '') {
    // A response or an error object sent by the client performs nothing upstream.
    if ('result' in message || 'error' in message) return [{ name: 'jsonrpc/response', type: 'query', args: {} }];
    fail(EXTRACT_CODES.invalidBody, 'a json-rpc request must have a string `method`');
  }
  if (message.method !== 'tools/call') {
    // `TOOLS/CALL` to a server that dispatches methods without case would call a tool undecided.
    if (goFold(message.method) === 'tools/call') fail(EXTRACT_CODES.operationCase, 'the json-rpc method is `tools/call` in another case: send `tools/call`');
    return [{ name: message.method, type: 'query', args: {} }];
  }
  if (!isRecord(params)) fail(EXTRACT_CODES.invalidBody, '`tools/call` must have object `params`');
  const { name, arguments: args } = params;
  if (typeof name !== 'string' || name === '') fail(EXTRACT_CODES.missingQuery, '`tools/call` must name a tool in `params.name`');
  catalogedSpelling(api, name, 'tool');
  if (args !== undefined && !isRecord(args)) fail(EXTRACT_CODES.invalidBody, '`params.arguments` must be an object');
  if (args !== undefined) checkArgumentCase(args, guardedPaths(api, name), 'params.arguments.');
  const found: FoundOperation = { name, type: 'tool', args: args ?? {} };
  const meta = params['_meta'];
  if (isRecord(meta)) {
    // MCP reserves `_meta.traceparent` and `_meta.baggage` for W3C trace propagation on messages.
    const { traceparent, baggage } = meta;
    // The identity envelope rides next to them, verbatim; one that is not text is refused, not skipped.
    const envelope = hasOwn(meta, ENVELOPE_MCP_META_KEY) ? meta[ENVELOPE_MCP_META_KEY] : undefined;
    if (envelope !== undefined && typeof envelope !== 'string') fail(ENVELOPE_CODES.malformed, `\`params._meta.${ENVELOPE_MCP_META_KEY}\` must be a string`);
    found.meta = {
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
      ...(typeof baggage === 'string' ? { baggage } : {}),
      ...(envelope === undefined ? {} : { envelope }),
    };
  }
  return [found];
}

/** The argument paths the tool's decision reads (its SQL argument, its resource arguments), split at dots. */
function guardedPaths(api: IrApi, tool: string): string[][] {
  const op = api.operations.find((o) => o.name === tool);
  if (!op) return [];
  const sql = op.sql?.argument;
  return [...(sql === undefined ? [] : [sql]), ...resourcePaths(op)].map((p) => p.split('.'));
}

/**
 * Fails when a member of `value` or of any object within it may read as another member to a
 * server matching names without case (Go's encoding/json keeps the last of `query` and `QUERY`):
 * two members folding alike, or a member the decision reads spelled in another case. The enforcer
 * would decide on one copy while the server runs the other.
 */
function checkArgumentCase(value: unknown, guarded: readonly (readonly string[])[], prefix: string): void {
  if (Array.isArray(value)) {
    for (const item of value) checkArgumentCase(item, [], prefix);
    return;
  }
  if (!isRecord(value)) return;
  checkMemberCase(value, [...new Set(guarded.flatMap((p) => (p.length > 0 ? [p[0] ?? ''] : [])))], prefix);
  for (const [key, member] of Object.entries(value)) {
    const below = guarded.filter((p) => p.length > 1 && p[0] === key).map((p) => p.slice(1));
    checkArgumentCase(member, below, `${prefix}${key}.`);
  }
}
