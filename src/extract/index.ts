import { normalizeHeaders } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';
import { quote } from '../core/untrusted.js';
import { identityOf, parseAttempt } from '../identity/index.js';
import type { Ir, IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { extractToken } from './credentials.js';
import { ExtractFailure, fail } from './failure.js';
import { failed, toInput } from './input.js';
import type { Context } from './input.js';
import { PROTOCOLS } from './protocols/index.js';
import { DEFAULT_MAX_BODY_BYTES, hostOf, normalizeRequest, parseUrl } from './request.js';
import { inventoryLookups } from './resource.js';
import { withSqlClass } from './sql/tool.js';
import type { ExtractOptions, ExtractedOperation, HttpRequest } from './types.js';

export { EXTRACT_CODES } from './codes.js';
export type { ExtractCode } from './codes.js';
export { fingerprintOf } from './credentials.js';
export { DEFAULT_MAX_BODY_BYTES } from './request.js';
export type * from './types.js';

/**
 * Turns one HTTP request into one decision input per operation it performs, in request order:
 * normalize the request → read it with its API's protocol → name SQL-carrying operations by their
 * statements → one input per operation. Pure: no
 * I/O, no clock. It never throws for anything a client can send: a request it cannot understand
 * yields exactly one input without `operation` (one per unreadable batch message), which every
 * policy denies (`input:invalid`). Credentials are reduced to `sha256:` fingerprints before
 * anything is returned.
 */
export function extractDecisionInputs(request: HttpRequest, ir: Ir, options: ExtractOptions): ExtractedOperation[] {
  const context: Context = { api: 'unknown', time: typeof options.time === 'string' ? options.time : options.time.toISOString() };
  const out: ExtractedOperation[] = [];
  const inventory = inventoryLookups(options.inventory);
  try {
    const headers = normalizeHeaders(request.headers);
    const url = parseUrl(request.url, headers);
    const api = apiFor(ir, hostOf(url), context);
    readCaller(headers, api, context);
    const normalized = normalizeRequest(request, url, headers, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    for (const message of PROTOCOLS[api.protocol].messages(normalized, api)) {
      try {
        // An operation whose argument carries SQL is named for what its statements do.
        for (const found of message()) out.push(toInput(api, withSqlClass(found, api), context, inventory));
      } catch (e) {
        out.push(failed(context, asFailure(e)));
      }
    }
  } catch (e) {
    return [failed(context, asFailure(e))];
  }
  return out;
}

/** An `ExtractFailure`, rethrowing anything else: a bug is never mistaken for a malformed request. */
function asFailure(e: unknown): ExtractFailure {
  if (e instanceof ExtractFailure) return e;
  throw e;
}

/** The API the host belongs to; the context names it (or the host) from here on. */
function apiFor(ir: Ir, host: string, context: Context): IrApi {
  context.api = host || 'unknown';
  const api = ir.apis.find((a) => a.hosts.some((h) => h.toLowerCase() === host));
  if (!api) return fail(EXTRACT_CODES.unknownHost, `host \`${host}\` belongs to no declared api`);
  context.api = api.name;
  return api;
}

/** Who calls and which attempt this is, into the context as each is read (a failure keeps what came before it). */
function readCaller(headers: HeaderMap, api: IrApi, context: Context): void {
  const fingerprint = extractToken(headers, api.tokens.headers);
  if (fingerprint !== null) context.token = { fingerprint };
  context.identity = identityOf(headers, api.identity);
  const attempt = parseAttempt(headers, api.identity.attemptHeader);
  if ('malformed' in attempt) {
    const header = api.identity.attemptHeader ?? '';
    fail(EXTRACT_CODES.malformedAttempt, `header \`${header}\` must be an integer from 1 to 1000000000, got ${quote(attempt.malformed, 'number', 'a non-numeric value')}`);
  }
  if (attempt.attempt !== null) context.attempt = attempt.attempt;
}
