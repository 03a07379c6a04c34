/**
 * Enforcement inside agent tool-calling (issue 11 item 3): the MCP guard sits between an MCP client
 * and server (stdio or Streamable HTTP), passes everything through except `tools/call`, which is
 * decided by the enforcer through extraction, and answers a denied call with an explicit tool error.
 */
export * from './mcp/index.js';
export { GUARD_CODES, GUARD_CODE_TITLES, GuardError } from './codes.js';
export type { GuardCode } from './codes.js';
