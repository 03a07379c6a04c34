import { parseTemplate, splitPath } from '../../../core/route-template.js';
import type { TemplatePart } from '../../../core/route-template.js';
import type { IrApi, IrOperation } from '../../../ir/types.js';
import { EXTRACT_CODES } from '../../codes.js';
import { fail } from '../../failure.js';
import { checkParameterNames } from '../../params.js';
import { mediaType } from '../../request.js';
import type { NormalizedRequest } from '../../request.js';
import type { FoundOperation, ProtocolExtractor } from '../types.js';
import { bodyParameters } from './body.js';
import { mergeParameters, resourceArguments } from './params.js';
import type { RequestUrl } from '../../plain-url.js';

/*
 * A REST API as its catalog declares it (OpenAPI 3.1 "Path Templating"):
 *
 *   <METHOD> /services/{serviceId}/volumes/{volumeId}?<query>   [body]
 *
 * A call is the catalog operation whose `http` route matches method and path, the most literal
 * segments winning; `{name}` path segments become arguments, as do query parameters and the
 * fields of the body.
 */

export const http: ProtocolExtractor = {
  protocol: 'http',
  // A REST request is one message: the request itself.
  messages: (request, api) => [() => restOperations(request, api)],
};

function restOperations(request: NormalizedRequest, api: IrApi): FoundOperation[] {
  const { method, url, headers, text } = request;
  const route = matchRoute(api, method, url);
  // The arguments a rule or grant reads are guarded like resource arguments: a second spelling or
  // a repeat with another value would let the policy read one value and the server another.
  const read = api.argumentPaths ?? [];
  const guarded = new Set<string>([...Object.keys(route.params), ...resourceArguments(route.op), ...read.map((p) => p.split('.')[0] ?? p)]);
  const body = bodyParameters(headers, text);
  checkParameterNames(url.search, [...url.searchParams.keys()], [...guarded]);
  checkParameterNames(mediaType(headers) === 'application/x-www-form-urlencoded' ? text : '', body.map((p) => p.name), [...guarded]);
  const args = mergeParameters(
    [
      { where: 'path', pairs: Object.entries(route.params).map(([name, value]) => ({ name, value })) },
      { where: 'query string', pairs: [...url.searchParams].map(([name, value]) => ({ name, value })) },
      { where: 'body', pairs: body },
    ],
    guarded,
    route.op,
    read,
  );
  return [{ name: route.op.name, type: route.op.type, args }];
}

interface Route {
  op: IrOperation;
  /** Path template variables, percent-decoded. */
  params: Record<string, string>;
}

/**
 * The operation a request runs. `HEAD` is `GET` without the response body (RFC 9110 §9.3.2):
 * servers run the `GET` route for it (Express, Rails, Go's mux), so without a `HEAD` route of its
 * own it is decided as that operation, and forwarded as `HEAD`. `OPTIONS` runs whatever the server
 * mounts for every method (an Express `app.all` or `app.use` handler), not a preflight answer one
 * can count on: it is read only as an `OPTIONS` route of the catalog's, which the api schema does
 * not offer today, so it is refused. Egress callers are servers and CLIs, which send no preflight.
 */
function matchRoute(api: IrApi, method: string, url: RequestUrl): Route {
  const route = bestRoute(api, method, url) ?? (method === 'HEAD' ? bestRoute(api, 'GET', url) : null);
  if (route !== null) return route;
  if (method === 'OPTIONS') {
    return fail(EXTRACT_CODES.undeclaredOptions, `api \`${api.name}\` declares no \`OPTIONS\` route for \`${url.pathname}\`: the server may run any handler for it, so it is not forwarded`);
  }
  return fail(EXTRACT_CODES.wrongEndpoint, `no operation of api \`${api.name}\` matches \`${method} ${url.pathname}\``);
}

/** The one operation whose route matches method and path best, or null; which route a router prefers on a tie is its own rule. */
export function bestRoute(api: IrApi, method: string, url: RequestUrl): Route | null {
  const segments = splitPath(url.pathname);
  let best: (Route & { literal: number; greedy: number }) | null = null;
  let tied: IrOperation | null = null;
  for (const op of api.operations) {
    if (!op.http || op.http.method !== method) continue;
    const matched = matchTemplate(parseTemplate(op.http.path), segments);
    if (!matched) continue;
    const better = !best || matched.literal > best.literal || (matched.literal === best.literal && matched.greedy < best.greedy);
    if (better) {
      best = { op, ...matched };
      tied = null;
    } else if (best && matched.literal === best.literal && matched.greedy === best.greedy) {
      tied = op;
    }
  }
  if (!best) return null;
  if (tied) fail(EXTRACT_CODES.ambiguousParameters, `\`${method} ${url.pathname}\` matches operations \`${best.op.name}\` and \`${tied.name}\` equally well`);
  return best;
}

/**
 * Matches request segments against a template. A `{name+}` part takes every segment the parts
 * after it leave (at least one), joined with `/` after decoding each one; validation allows one
 * per template, so the match is unique.
 */
function matchTemplate(template: readonly TemplatePart[], segments: readonly string[]): { params: Record<string, string>; literal: number; greedy: number } | null {
  const greedyAt = template.findIndex((p) => 'param' in p && p.greedy);
  if (greedyAt < 0 ? template.length !== segments.length : segments.length < template.length) return null;
  const extra = segments.length - template.length;
  const params: Record<string, string> = {};
  let literal = 0;
  for (let i = 0; i < template.length; i++) {
    const part = template[i]!;
    const at = greedyAt >= 0 && i > greedyAt ? i + extra : i;
    if ('literal' in part) {
      if (part.literal !== segments[at]) return null;
      literal++;
    } else if (part.greedy) {
      params[part.param] = segments.slice(i, i + extra + 1).map(safeDecode).join('/');
    } else {
      params[part.param] = safeDecode(segments[at] ?? '');
    }
  }
  return { params, literal, greedy: greedyAt < 0 ? 0 : 1 };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
