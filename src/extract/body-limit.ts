import type { IrApi } from '../ir/types.js';
import { PROTOCOLS } from './protocols/index.js';
import { bodyIsData, hasDataRoutes } from './data-route.js';
import type { ForwardLimits } from './types.js';

/**
 * The body bound a request to `api` keeps in the proxy. Data a protocol never reads (an S3
 * `PutObject`, an `UploadPart`) and the body of a route declared `bodyIsData` (Railway's `up`
 * tarball; known with `request`) are bounded by `maxDataBytes` alone: forwarded as sent and never
 * parsed, the bound on what the proxy parses (`maxBodyBytes`) does not apply to them.
 */
export function bodyLimitOf(api: IrApi, limits: Pick<ForwardLimits, 'maxBodyBytes' | 'maxDataBytes'>, request?: { method: string; target: string }): number {
  // Most apis have neither data bodies nor data routes: no url to parse for them.
  if (PROTOCOLS[api.protocol].bodyIsData !== true && !hasDataRoutes(api)) return limits.maxBodyBytes;
  // A GraphQL api's endpoint is never read by its routes (data-route.ts): a target that is the
  // endpoint itself, spelled as a url parser keeps it, needs no url parsed to know it.
  if (request !== undefined && api.protocol === 'graphql' && isEndpointTarget(request.target, api.endpoint)) return limits.maxBodyBytes;
  let url: URL;
  try {
    url = new URL(request?.target ?? '/', 'http://host.invalid');
  } catch {
    url = new URL('http://host.invalid/');
  }
  return bodyIsData(api, request?.method ?? '', url) ? limits.maxDataBytes : limits.maxBodyBytes;
}

/**
 * A path of letters, digits, `-` and `_` segments (`/graphql/v2`): one a WHATWG url parser keeps
 * exactly as written (nothing to percent-encode, no dot segments, no `\\`, no `//` authority).
 */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_-]+)+\/?$/;

/** Whether `target` parses to the path `endpoint`, a plain path, with or without a query string. */
function isEndpointTarget(target: string, endpoint: string | null): boolean {
  if (endpoint === null || !target.startsWith(endpoint)) return false;
  if (target.length !== endpoint.length && target.charCodeAt(endpoint.length) !== 0x3f) return false;
  return PLAIN_PATH.test(endpoint);
}
