import { headerValues } from '../core/headers.js';
import type { IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { ExtractFailure, fail } from './failure.js';
import { PROTOCOLS } from './protocols/index.js';
import { withOriginal } from './protocols/original.js';
import { bestRoute } from './protocols/rest/route.js';
import type { CanonicalMessage } from './protocols/types.js';
import { pathMatchesEndpoint, type NormalizedRequest } from './request.js';
import type { RequestUrl } from './plain-url.js';

/*
 * Bodies that are data, not parameters: every body of a protocol that never reads one (S3 object
 * data), and the body of an http route declared `bodyIsData` by an HTTP or GraphQL api (an upload: Railway's
 * `POST /project/{projectId}/environment/{environmentId}/up`, a gzip tarball). Such a body is
 * bounded by the data limit, never decoded, and forwarded as sent, content type and encoding
 * included; the call is decided on its path and query string alone.
 */

const withDataRoutes = new WeakMap<IrApi, boolean>();

/** Whether the api declares any data route: worked out once per api object, since most declare none. */
export function hasDataRoutes(api: IrApi): boolean {
  let has = withDataRoutes.get(api);
  if (has === undefined) withDataRoutes.set(api, (has = (api.protocol === 'http' || api.protocol === 'graphql') && api.operations.some((op) => op.http?.bodyIsData === true)));
  return has;
}

/** Whether the body of `method url` to `api` is data the protocol never reads. */
export function bodyIsData(api: IrApi, method: string, url: RequestUrl): boolean {
  if (PROTOCOLS[api.protocol].bodyIsData === true) return true;
  if (!hasDataRoutes(api)) return false;
  // A GraphQL api's endpoint is read as GraphQL, never by its routes (transport.ts).
  if (api.protocol === 'graphql' && pathMatchesEndpoint(url, api.endpoint)) return false;
  const upper = method.toUpperCase();
  return dataRoute(api, upper, url) || (upper === 'HEAD' && dataRoute(api, 'GET', url));
}

function dataRoute(api: IrApi, method: string, url: RequestUrl): boolean {
  try {
    return bestRoute(api, method, url)?.op.http?.bodyIsData === true;
  } catch (e) {
    // Two routes matching equally well are refused when the request is read; the body is not data then.
    if (e instanceof ExtractFailure) return false;
    throw e;
  }
}

/**
 * The request as forwarded when its body is data on an HTTP api route: the query string encoded
 * once (as every canonical target is), the caller's one content type and encoding, the body bytes.
 */
export function canonicalData(request: NormalizedRequest, api: IrApi): CanonicalMessage {
  const types = headerValues(request.headers, 'content-type');
  if (new Set(types).size > 1) fail(EXTRACT_CODES.unsupportedContentType, 'the request has several content types');
  const encodings = headerValues(request.headers, 'content-encoding');
  const search = new URLSearchParams([...request.url.searchParams]).toString();
  return withOriginal(request, api, {
    method: request.method,
    target: `${request.url.pathname}${search === '' ? '' : `?${search}`}`,
    contentType: types[0] ?? null,
    body: request.bytes,
    ...(encodings.length === 0 ? {} : { contentEncoding: encodings.join(', ') }),
  });
}
