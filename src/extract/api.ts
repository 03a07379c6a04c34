import type { IrCatalog } from '../ir/catalog.js';
import type { IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';
import type { Context } from './input.js';
import { pathMatchesEndpoint } from './request.js';
import type { RequestUrl } from './plain-url.js';

/**
 * The API the host belongs to; the context names it (or the host) from here on. APIs sharing a
 * host are told apart by path: a GraphQL or MCP API whose `endpoint` the path is, else the one API
 * there without one (validation, BG065, makes sure there is at most one); in a set that failed
 * validation, the first by name.
 */
export function apiFor(ir: IrCatalog, host: string, url: RequestUrl, context: Context): IrApi {
  context.api = host || 'unknown';
  const claims = claimsOf(ir).get(host) ?? [];
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


// The apis by each host they declare (lowercase), in catalog order: built once per list of apis.
const byHost = new WeakMap<readonly IrApi[], ReadonlyMap<string, readonly IrApi[]>>();

function claimsOf(ir: IrCatalog): ReadonlyMap<string, readonly IrApi[]> {
  let index = byHost.get(ir.apis);
  if (index === undefined) {
    const built = new Map<string, IrApi[]>();
    for (const api of ir.apis) {
      for (const host of new Set(api.hosts.map((h) => h.toLowerCase()))) {
        const list = built.get(host) ?? [];
        list.push(api);
        built.set(host, list);
      }
    }
    byHost.set(ir.apis, (index = built));
  }
  return index;
}
