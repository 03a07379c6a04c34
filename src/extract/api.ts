import type { IrCatalog } from '../ir/catalog.js';
import type { IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';
import type { Context } from './input.js';
import { pathMatchesEndpoint } from './request.js';

/**
 * The API the host belongs to; the context names it (or the host) from here on. APIs sharing a
 * host are told apart by path: a GraphQL or MCP API whose `endpoint` the path is, else the one API
 * there without one (validation, BG065, makes sure there is at most one); in a set that failed
 * validation, the first by name.
 */
export function apiFor(ir: IrCatalog, host: string, url: URL, context: Context): IrApi {
  context.api = host || 'unknown';
  const claims = ir.apis.filter((a) => a.hosts.some((h) => h.toLowerCase() === host));
  const api =
    claims.length > 1
      ? (claims.find((a) => routedByEndpoint(a) && pathMatchesEndpoint(url, a.endpoint)) ?? claims.find((a) => !routedByEndpoint(a)) ?? claims[0])
      : claims[0];
  if (!api) return fail(EXTRACT_CODES.unknownHost, `host \`${host}\` belongs to no declared api`);
  context.api = api.name;
  return api;
}

/** Whether a shared host routes calls to the API by its `endpoint` (GraphQL and MCP) rather than by its operations. */
function routedByEndpoint(api: IrApi): boolean {
  return (api.protocol === 'graphql' || api.protocol === 'mcp') && api.endpoint !== null;
}

