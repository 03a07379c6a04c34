import { isRecord } from '../../core/record.js';
import type { HeaderMap } from '../../core/headers.js';
import { headerValues } from '../../core/headers.js';
import { escape } from '../../core/untrusted.js';
import { GUARD_CODES, type GuardCode } from '../codes.js';
import { STATELESS_REVISION } from './denial.js';
import { isUnreadable, type Frame } from './jsonrpc.js';
import { argumentAt, type HeaderDeclarations } from './tool-headers.js';

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

/** Where a 2026-07-28 request names its revision in the body; `MCP-Protocol-Version` must say the same. */
const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';

/** The `x-mcp-header` declarations of a tool, as learnt from the server's `tools/list` (undefined: not known). */
export type DeclaredHeaders = (tool: string) => HeaderDeclarations | undefined;

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
export function headerMismatch(headers: HeaderMap, frame: Frame, declared?: DeclaredHeaders): HeaderProblem | null {
  const version = single(headers, 'mcp-protocol-version');
  const method = single(headers, 'mcp-method');
  const name = single(headers, 'mcp-name');
  for (const h of [version, method, name]) if ('problem' in h) return mismatch(h.problem);
  const versionValue = 'value' in version ? version.value : null;
  // 2026-07-28: the header must equal the body's `_meta` revision (a server reads the body's; a gateway the header's).
  const bodyVersion = revisionInBody(frame);
  if (bodyVersion !== null && versionValue !== bodyVersion) {
    return mismatch(versionValue === null ? `header \`MCP-Protocol-Version\` is required: the body speaks \`${escape(bodyVersion)}\`` : `header \`MCP-Protocol-Version\` value \`${escape(versionValue)}\` does not match body value \`${escape(bodyVersion)}\``);
  }
  const stateless = versionValue === STATELESS_REVISION;
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
  return paramMismatch(headers, params, bodyMethod, bodyParams, declared);
}

/** The revision a lone request's `_meta` names, or null (earlier revisions carry none; a batch is checked for its headers elsewhere). */
function revisionInBody(frame: Frame): string | null {
  if ('fatal' in frame || frame.batch || frame.items.length !== 1) return null;
  const [item] = frame.items;
  if (item === undefined || isUnreadable(item)) return null;
  const params = item.message['params'];
  const meta = isRecord(params) ? params['_meta'] : undefined;
  const value = isRecord(meta) ? meta[PROTOCOL_VERSION_META] : undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * `Mcp-Param-<Name>` mirrors the argument whose schema says `"x-mcp-header": "<Name>"`; a gateway
 * may route on the header while the server acts on the argument, so the two must agree. When the
 * guard has relayed the tool's definition (`tools/list`, see tool-headers.ts), a declared header
 * is compared with the argument at its declared path, whatever that argument is called; a declared
 * header sent for an argument with no value disagrees with the body too. Otherwise (the tool's
 * definition not seen, the header not declared by it) the header is paired with the top-level
 * argument of its own name, compared case-insensitively as header names are (RFC 9110 §5.1), one
 * argument at most answering. A header that pairs with no argument, or with several, is refused
 * (BG734): the guard cannot tell which argument a server compares it with (review finding: a
 * header equal to any argument passed, so it could carry another argument's value). The value is
 * the argument's as the spec writes it: a string as is, a number in decimal, a boolean as
 * `true`/`false`; other types are never mirrored.
 */
function paramMismatch(headers: HeaderMap, params: string[], method: string, bodyParams: unknown, declared: DeclaredHeaders | undefined): HeaderProblem | null {
  if (params.length === 0) return null;
  if (method !== 'tools/call') return mismatch(`header \`${escape(params[0]!)}\` is sent for \`${escape(method)}\`, which has no tool arguments`);
  const args = isRecord(bodyParams) && isRecord(bodyParams['arguments']) ? bodyParams['arguments'] : {};
  const tool = isRecord(bodyParams) && typeof bodyParams['name'] === 'string' ? bodyParams['name'] : null;
  const declarations = tool === null || declared === undefined ? undefined : declared(tool);
  for (const param of params) {
    const sent = single(headers, param);
    if ('problem' in sent) return mismatch(sent.problem);
    if (sent.value === null) continue;
    const name = param.slice('mcp-param-'.length);
    const path = declarations?.paths.get(name);
    if (path !== undefined) {
      const label = path.map((k) => escape(k)).join('.');
      const value = argumentAt(args, path);
      if (value === undefined) return mismatch(`header \`${escape(param)}\` is sent, but the argument \`${label}\` it mirrors (\`x-mcp-header: ${escape(declarations!.spelled.get(name) ?? name)}\`) has no value`);
      const mirror = mirrored(value);
      if (mirror !== sent.value) {
        return mismatch(`header \`${escape(param)}\` value \`${escape(sent.value)}\` does not match the argument \`${label}\` it mirrors${mirror === null ? ', which is not a string, number or boolean' : ` (value \`${escape(mirror)}\`)`}`);
      }
      continue;
    }
    const paired = Object.keys(args).filter((k) => k.toLowerCase() === name);
    if (paired.length !== 1) {
      const why = paired.length === 0 ? 'no argument of the call has that name' : `the arguments ${paired.map((k) => `\`${escape(k)}\``).join(', ')} all have that name`;
      const unknown = declarations === undefined ? '' : ` and the tool's \`x-mcp-header\` declarations do not name it`;
      return { code: GUARD_CODES.unpairedParamHeader, message: `header \`${escape(param)}\` mirrors no single argument: ${why} (compared case-insensitively)${unknown}` };
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
