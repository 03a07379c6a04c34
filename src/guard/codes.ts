import { BlastguardError, codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/**
 * Error codes BG760–BG779 (and BG734, BG780): the MCP tool-call guard. Configuration mistakes stop the guard before it
 * relays anything; message-level codes name why one message was refused (they travel in the
 * JSON-RPC error's `data.code` and in the guard's log line), and the guard keeps running.
 */
const REGISTRY = codeRegistry({
  /** A guard option is missing or wrong (no catalog, an unknown or non-MCP `--api`, a bad `--listen`). */
  invalidConfig: ['BG760', 'an mcp guard option is missing or wrong (catalog, `--api`, `--listen`, `--upstream`)'],
  /** The MCP server command could not be started, or the guard cannot listen. */
  startFailed: ['BG761', 'the mcp server command cannot be started, or the guard cannot listen'],
  /** A client message is not JSON, repeats a member name, or is not a JSON-RPC 2.0 message: refused, never forwarded. */
  unreadableMessage: ['BG762', 'a client message is not readable json-rpc 2.0 (not json, a repeated member name, a bad `id`); refused, not forwarded'],
  /** A 2026-07-28 `Mcp-Method`/`Mcp-Name`/`Mcp-Param-*` header disagrees with the body, or a required one is missing. */
  headerMismatch: ['BG763', 'an `Mcp-Method`, `Mcp-Name` or `Mcp-Param-*` header disagrees with the json-rpc body (http 400)'],
  /** The request body is larger than the guard reads, or not `application/json`. */
  unreadableBody: ['BG764', 'the http request body is too large, not `application/json`, or content-encoded; refused'],
  /** The upstream MCP server did not answer (refused, reset, timed out). */
  upstreamFailed: ['BG765', 'the upstream mcp server cannot be reached (refused, reset or timed out)'],
  /** A `tools/call` was denied by policy: answered with a tool result `isError: true`, never forwarded. */
  denied: ['BG766', 'a `tools/call` was denied by policy; the client got a tool result with `isError: true`'],
  /** A batch repeats a request id: responses could not be told apart; the batch is refused. */
  duplicateId: ['BG767', 'a json-rpc batch repeats a request `id`; the batch is refused'],
  /**
   * An `Mcp-Param-<Name>` header the tool's `x-mcp-header` declarations (learnt from the
   * `tools/list` results the guard relayed) do not name, and that pairs with no single top-level
   * argument of the call: none, or several, has the name `<Name>` (case-insensitively). HTTP 400,
   * not forwarded.
   */
  unpairedParamHeader: ['BG734', 'an `Mcp-Param-*` header is declared by no `x-mcp-header` of the tool the guard relayed and names no single argument (compared case-insensitively); refused (http 400)'],
  /**
   * A client message holds a JSON number a JavaScript number does not hold exactly (an integer
   * beyond ±2^53, more digits than a double keeps): forwarded re-serialized it would reach the
   * server as another value, so the frame is refused.
   */
  inexactNumber: ['BG768', 'a client message holds a json number that cannot be forwarded exactly (beyond ±2^53 or a double\'s precision); refused'],
  /**
   * A request to the MCP endpoint carries its own query string: the upstream gets exactly the query
   * configured on its url (`--upstream`), so a client's query (which would replace or add to it,
   * undecided) is refused with HTTP 400, whatever the method.
   */
  clientQuery: ['BG780', 'a request to the mcp endpoint carries its own query string; only the upstream url\'s configured query is sent (http 400)'],
});

export const GUARD_CODES = REGISTRY.codes;

export type GuardCode = CodeOf<typeof GUARD_CODES>;

/** Titles for the code table (src/cli/codes.ts joins every layer's registry). */
export const GUARD_CODE_TITLES = REGISTRY.titles;

/** A guard failure with a code of this layer. */
export class GuardError extends BlastguardError {
  declare readonly code: GuardCode;
  constructor(code: GuardCode, message: string, options: { help?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'GuardError';
  }
}
