import { isRecord } from '../../core/record.js';
import type { HeaderMap } from '../../core/headers.js';
import { headerValues } from '../../core/headers.js';
import { escape } from '../../core/untrusted.js';
import { GUARD_CODES, type GuardCode } from '../codes.js';
import { STATELESS_REVISION } from './denial.js';
import { isUnreadable, type Frame } from './jsonrpc.js';

/*
 * Streamable HTTP 2026-07-28 (basic/transports/streamable-http.mdx): every POST carries
 * `MCP-Protocol-Version`, `Mcp-Method` (= the body's `method`) and, for `tools/call` and
 * `prompts/get`, `Mcp-Name` (= `params.name`; `resources/read`: `params.uri`); `x-mcp-header`
 * parameters may be mirrored as `Mcp-Param-<Name>`. Non-ASCII values are sent as
 * `=?base64?<base64 of UTF-8>?=`. A header disagreeing with the body is a `400`: gateways route on
 * the headers, servers act on the body, so both must say the same thing.
 */

/** Why the routing headers cannot be relayed, with the guard's code for it. */
export interface HeaderProblem {
  code: GuardCode;
  message: string;
}

const mismatch = (message: string): HeaderProblem => ({ code: GUARD_CODES.headerMismatch, message });

/** Methods whose target is mirrored in `Mcp-Name`, and where the body holds it. */
const NAMED: Readonly<Record<string, 'name' | 'uri'>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** A header value as sent: plain ASCII, or the `=?base64?…?=` form for anything else. */
export function decodeHeaderValue(value: string): string | null {
  const encoded = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/.exec(value.trim());
  if (encoded === null) return value.trim();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded[1]!, 'base64'));
  } catch {
    return null;
  }
}

function single(headers: HeaderMap, name: string): { value: string | null } | { problem: string } {
  const values = headerValues(headers, name);
  if (values.length === 0) return { value: null };
  // The headers come unjoined (`headersDistinct`): a comma is part of a value (a resource URI may hold one).
  if (values.length > 1) return { problem: `header \`${name}\` is sent more than once` };
  const decoded = decodeHeaderValue(values[0]!);
  if (decoded === null) return { problem: `header \`${name}\` is not valid \`=?base64?…?=\` utf-8` };
  return { value: decoded };
}

/**
 * Why the MCP routing headers disagree with the body, or null when they agree. With
 * `MCP-Protocol-Version: 2026-07-28` the headers are required; with an earlier revision they are
 * optional, but any that is sent must agree (a gateway in front may already have routed on it).
 */
export function headerMismatch(headers: HeaderMap, frame: Frame): HeaderProblem | null {
  const version = single(headers, 'mcp-protocol-version');
  const method = single(headers, 'mcp-method');
  const name = single(headers, 'mcp-name');
  for (const h of [version, method, name]) if ('problem' in h) return mismatch(h.problem);
  const stateless = 'value' in version && version.value === STATELESS_REVISION;
  const methodValue = 'value' in method ? method.value : null;
  const nameValue = 'value' in name ? name.value : null;
  const params = [...headers.keys()].filter((k) => k.startsWith('mcp-param-'));
  if (methodValue === null && nameValue === null && params.length === 0 && !stateless) return null;
  // An unreadable frame is refused for what it is, whatever its headers say.
  if ('fatal' in frame) return null;
  if (frame.batch) return mismatch('mcp routing headers describe one message, but the body is a batch');
  const [item] = frame.items;
  if (item === undefined || isUnreadable(item)) return null;
  const read = item;
  const bodyMethod = read?.method ?? null;
  if (bodyMethod === null) return methodValue === null ? null : mismatch(`header \`Mcp-Method\` is \`${escape(methodValue)}\` but the body is not a request`);
  if (methodValue === null) return mismatch(stateless ? 'header `Mcp-Method` is required with protocol version 2026-07-28' : 'header `Mcp-Method` is required with `Mcp-Name` or `Mcp-Param-*` headers');
  if (methodValue !== bodyMethod) return mismatch(`header \`Mcp-Method\` value \`${escape(methodValue)}\` does not match body value \`${escape(bodyMethod)}\``);
  const field = NAMED[bodyMethod];
  const bodyParams = read?.message['params'];
  const bodyName = field === undefined || !isRecord(bodyParams) ? undefined : bodyParams[field];
  if (field === undefined) {
    if (nameValue !== null) return mismatch(`header \`Mcp-Name\` is sent for \`${escape(bodyMethod)}\`, which names nothing`);
  } else if (nameValue === null) {
    if (stateless) return mismatch(`header \`Mcp-Name\` is required for \`${escape(bodyMethod)}\` with protocol version 2026-07-28`);
  } else if (nameValue !== bodyName) {
    return mismatch(`header \`Mcp-Name\` value \`${escape(nameValue)}\` does not match body value \`${typeof bodyName === 'string' ? escape(bodyName) : ''}\``);
  }
  return paramMismatch(headers, params, bodyMethod, bodyParams);
}

/**
 * `Mcp-Param-<Name>` mirrors the argument whose schema says `"x-mcp-header": "<Name>"`; a gateway
 * may route on the header while the server acts on the argument, so the two must agree. The guard
 * does not hold the tools' schemas (a stateless call need not follow a `tools/list` through it), so
 * it pairs the header with the top-level argument of that name, compared case-insensitively as
 * header names are (RFC 9110 §5.1); the `x-mcp-header` names are case-insensitively unique, so
 * one argument at most may answer. A header whose name pairs with no argument, or with several,
 * is refused: the guard cannot tell which argument a server compares it with (review finding: a
 * header equal to any argument passed, so it could carry another argument's value). The value is the argument's as the spec writes it: a string as is, a number in decimal,
 * a boolean as `true`/`false`; other types are never mirrored.
 */
function paramMismatch(headers: HeaderMap, params: string[], method: string, bodyParams: unknown): HeaderProblem | null {
  if (params.length === 0) return null;
  if (method !== 'tools/call') return mismatch(`header \`${escape(params[0]!)}\` is sent for \`${escape(method)}\`, which has no tool arguments`);
  const args = isRecord(bodyParams) && isRecord(bodyParams['arguments']) ? bodyParams['arguments'] : {};
  for (const param of params) {
    const sent = single(headers, param);
    if ('problem' in sent) return mismatch(sent.problem);
    if (sent.value === null) continue;
    const name = param.slice('mcp-param-'.length);
    const paired = Object.keys(args).filter((k) => k.toLowerCase() === name);
    if (paired.length !== 1) {
      const why = paired.length === 0 ? 'no argument of the call has that name' : `the arguments ${paired.map((k) => `\`${escape(k)}\``).join(', ')} all have that name`;
      return { code: GUARD_CODES.unpairedParamHeader, message: `header \`${escape(param)}\` mirrors no single argument: ${why} (compared case-insensitively)` };
    }
    const argument = paired[0]!;
    const value = mirrored(args[argument]);
    if (value !== sent.value) {
      return mismatch(`header \`${escape(param)}\` value \`${escape(sent.value)}\` does not match the argument \`${escape(argument)}\`${value === null ? ', which is not a string, number or boolean' : ` value \`${escape(value)}\``}`);
    }
  }
  return null;
}

/** An argument value as `Mcp-Param-*` carries it, or null for a type that is never mirrored. */
function mirrored(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return null;
}
