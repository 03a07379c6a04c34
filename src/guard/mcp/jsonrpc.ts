import { parseJsonNotingDuplicates } from '../../core/json.js';
import { isRecord } from '../../core/record.js';
import { labelled, quote } from '../../core/untrusted.js';
import { GUARD_CODES, type GuardCode } from '../codes.js';

/*
 * JSON-RPC 2.0 (https://www.jsonrpc.org/specification) as MCP frames it: a request
 * `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{…}}`, a notification (no `id`), a
 * response (`result` or `error`, no `method`), or a batch (an array of these). Over stdio one
 * frame is one line; over streamable HTTP one frame is one POST body.
 *
 * The guard reads a frame once, here, and forwards each message re-serialized from what it read:
 * the bytes the server parses are the bytes the decision was made on (no repeated member, no
 * number spelled two ways, no member a case-insensitive decoder would read as another).
 */

export type JsonRpcId = string | number;
export type JsonRpcMessage = Record<string, unknown>;

/** JSON-RPC's reserved error codes. */
export const JSONRPC_ERRORS = { parse: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, internal: -32603 } as const;

export type MessageKind = 'request' | 'notification' | 'response';

/** One message read from a frame, with the text it is forwarded as. */
export interface ReadMessage {
  kind: MessageKind;
  message: JsonRpcMessage;
  /** The request's or response's id; null for a notification (or an error response to an unknown id). */
  id: JsonRpcId | null;
  method: string | null;
  /** `JSON.stringify(message)`: what is decided on and what is forwarded. */
  text: string;
}

/** A message of a frame that cannot be read one way; answered with an error, never forwarded. */
export interface UnreadableMessage {
  unreadable: { code: GuardCode; message: string };
  /** The id to answer with, when one could be read. */
  id: JsonRpcId | null;
}

export type FrameItem = ReadMessage | UnreadableMessage;

/** A frame: one message or a batch; `fatal` when the frame as a whole is unreadable. */
export type Frame = { batch: boolean; items: FrameItem[] } | { fatal: { code: GuardCode; message: string; rpc: number } };

/** Members JSON-RPC and MCP give meaning to; another spelling of one of them is read differently by some decoders. */
const ENVELOPE = ['jsonrpc', 'id', 'method', 'params', 'result', 'error'];
const PARAMS = ['name', 'arguments', '_meta', 'uri', 'requestId'];

export function isUnreadable(item: FrameItem): item is UnreadableMessage {
  return 'unreadable' in item;
}

/** Reads one frame (a stdio line, an HTTP body). Never throws. */
export function readFrame(text: string): Frame {
  const parsed = parseJsonNotingDuplicates(text);
  if (parsed === null) return { fatal: { code: GUARD_CODES.unreadableMessage, message: 'the message is not valid json', rpc: JSONRPC_ERRORS.parse } };
  if (parsed.duplicate !== null) {
    return {
      fatal: {
        code: GUARD_CODES.unreadableMessage,
        message: `the message repeats ${labelled('the member', parsed.duplicate, 'key', 'a member name')} in one object: parsers differ on which copy they keep`,
        rpc: JSONRPC_ERRORS.invalidRequest,
      },
    };
  }
  // A number re-serialized as another value: the whole frame is refused (which batch element holds
  // it is not known after `JSON.parse`), unless a lone message is unreadable for its own reason.
  const inexact: Frame | null =
    parsed.inexact === null
      ? null
      : {
          fatal: {
            code: GUARD_CODES.inexactNumber,
            message: `the message has the number ${quote(parsed.inexact.slice(0, 40), 'number', 'a long number')}, which the guard cannot forward exactly: it would reach the server as another value`,
            rpc: JSONRPC_ERRORS.invalidRequest,
          },
        };
  const value = parsed.value;
  if (!Array.isArray(value)) {
    const item = readMessage(value);
    return inexact !== null && !isUnreadable(item) ? inexact : { batch: false, items: [item] };
  }
  if (inexact !== null) return inexact;
  if (value.length === 0) return { fatal: { code: GUARD_CODES.unreadableMessage, message: 'the json-rpc batch is an empty array', rpc: JSONRPC_ERRORS.invalidRequest } };
  const items = value.map(readMessage);
  const seen = new Set<JsonRpcId>();
  for (const item of items) {
    if (isUnreadable(item) || item.kind !== 'request' || item.id === null) continue;
    if (seen.has(item.id)) {
      return { fatal: { code: GUARD_CODES.duplicateId, message: `the batch repeats request id ${JSON.stringify(item.id)}: responses could not be told apart`, rpc: JSONRPC_ERRORS.invalidRequest } };
    }
    seen.add(item.id);
  }
  return { batch: true, items };
}

function unreadable(message: string, id: JsonRpcId | null = null): UnreadableMessage {
  return { unreadable: { code: GUARD_CODES.unreadableMessage, message }, id };
}

/** A JSON-RPC id MCP allows: a string, or an integer JavaScript keeps exactly (a reply must echo it unchanged). */
function readId(value: unknown): JsonRpcId | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return undefined;
}

function caseVariant(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  return Object.keys(record).find((k) => !names.includes(k) && names.includes(k.toLowerCase()));
}

export function readMessage(value: unknown): FrameItem {
  if (!isRecord(value)) return unreadable('a json-rpc message must be a json object');
  const rawId = value['id'];
  const id = readId(rawId);
  const answerId = id ?? null;
  const variant = caseVariant(value, ENVELOPE) ?? (isRecord(value['params']) ? caseVariant(value['params'], PARAMS) : undefined);
  if (variant !== undefined) return unreadable(`${labelled('member', variant, 'key', 'a member')} differs from a json-rpc member only in case: decoders differ on which one they read`, answerId);
  if (value['jsonrpc'] !== '2.0') return unreadable('a json-rpc message must have `"jsonrpc": "2.0"`', answerId);
  if ('id' in value && id === undefined && !(rawId === null && !('method' in value) && 'error' in value)) {
    return unreadable('a json-rpc `id` must be a string or an integer of at most 2^53 - 1', null);
  }
  const text = JSON.stringify(value);
  if ('method' in value) {
    const method = value['method'];
    if (typeof method !== 'string' || method === '') return unreadable('a json-rpc request must have a non-empty string `method`', answerId);
    if ('result' in value || 'error' in value) return unreadable('a json-rpc message cannot be both a request and a response', answerId);
    if ('params' in value && !isRecord(value['params'])) return unreadable('mcp `params` must be a json object', answerId);
    return { kind: id === undefined ? 'notification' : 'request', message: value, id: answerId, method, text };
  }
  if ('result' in value === 'error' in value) return unreadable('a json-rpc response must have exactly one of `result` and `error`', answerId);
  return { kind: 'response', message: value, id: answerId, method: null, text };
}

/** A JSON-RPC error response; `data` carries blastguard's code (and, for refusals, what was refused). */
export function errorResponse(id: JsonRpcId | null, rpc: number, message: string, data: Record<string, unknown>): JsonRpcMessage {
  return { jsonrpc: '2.0', id, error: { code: rpc, message, data } };
}
