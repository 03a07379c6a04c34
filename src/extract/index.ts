import { normalizeHeaders } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';
import { hasOwn } from '../core/record.js';
import { familyKey, familyOf } from '../core/token-family.js';
import { quote } from '../core/untrusted.js';
import { identityOf, parseAttempt } from '../identity/index.js';
import type { IrCatalog } from '../ir/catalog.js';
import type { IrApi } from '../ir/types.js';
import { EXTRACT_CODES } from './codes.js';
import { extractToken } from './credentials.js';
import { presignedCredential } from './presigned.js';
import { chainIdentity, envelopeVerifier, headerEnvelope } from './envelope.js';
import { ExtractFailure, fail } from './failure.js';
import { declaredBodyType } from './form-json.js';
import { failed, toInput } from './input.js';
import { declaredInventory } from './inventory.js';
import type { Context } from './input.js';
import { PROTOCOLS } from './protocols/index.js';
import type { Message } from './protocols/index.js';
import { apiFor } from './api.js';
import { bodyIsData } from './data-route.js';
import { DEFAULT_MAX_BODY_BYTES, hostOf, normalizeRequest, parseUrl } from './request.js';
import { inventoryLookups } from './resource.js';
import type { InventoryLookups } from './resource.js';
import { withSqlClass } from './sql/tool.js';
import { checkQueryCredentials } from './undecided-credentials.js';
import type { ExtractOptions, ExtractedOperation, HttpRequest, Inventory } from './types.js';

export { EXTRACT_CODES } from './codes.js';
export { forwardsCookie } from './undecided-credentials.js';
export { isEnvelopeCode } from './envelope.js';
export type { DeclaredKey as IssuerPublicKey, FetchedKeys } from '../identity/index.js';
export type { ExtractCode } from './codes.js';
export { fingerprintOf } from './credentials.js';
export { InventoryFileError, inventoryOf, parseInventoryFile } from './inventory.js';
export { DEFAULT_MAX_BODY_BYTES } from './request.js';
export { DEFAULT_FORWARD_LIMITS, extractForwarding, extractForwardingOf } from './forward.js';
export { hostReading } from './host-reading.js';
export { bodyLimitOf } from './body-limit.js';
export { isRoutingHeader, overrideOf, type DecidedTarget, type Override } from './url-override.js';
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
export function extractDecisionInputs(request: HttpRequest, ir: IrCatalog, options: ExtractOptions): ExtractedOperation[] {
  return decisionInputsOfRequest(request, normalizeHeaders(request.headers), ir, options);
}

/** `extractDecisionInputs` of a request whose headers were read into `headers` already; `request.headers` is not read. */
export function decisionInputsOfRequest(request: HttpRequest, headers: HeaderMap, ir: IrCatalog, options: ExtractOptions): ExtractedOperation[] {
  const context: Context = { api: 'unknown', time: timeOf(options) };
  const out: ExtractedOperation[] = [];
  try {
    const url = parseUrl(request.url, headers);
    const api = apiFor(ir, hostOf(url), url, context);
    const inventory = lookupsFor(options, ir, api);
    readCaller(headers, api, ir, context, options, url.search);
    const opaque = bodyIsData(api, request.method, url);
    const normalized = normalizeRequest(request, url, opaque ? headers : declaredBodyType(headers, api), options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, opaque);
    inputsOf(PROTOCOLS[api.protocol].messages(normalized, api), api, context, inventory, out);
  } catch (e) {
    return [failed(context, asFailure(e))];
  }
  return out;
}

/**
 * `extractDecisionInputs` of a request the proxy wrote itself, for `api`, whose messages it built
 * from what it wrote (`CanonicalMessage.decided`) instead of reading its body back; `headers` are
 * the ones it forwards.
 */
export function decisionInputsOf(messages: readonly Message[], headers: HeaderMap, api: IrApi, ir: IrCatalog, options: ExtractOptions, search = ''): ExtractedOperation[] {
  const context: Context = { api: api.name, time: timeOf(options) };
  const out: ExtractedOperation[] = [];
  try {
    const inventory = lookupsFor(options, ir, api);
    readCaller(headers, api, ir, context, options, search);
    inputsOf(messages, api, context, inventory, out);
  } catch (e) {
    return [failed(context, asFailure(e))];
  }
  return out;
}

function timeOf(options: ExtractOptions): string {
  return typeof options.time === 'string' ? options.time : options.time.toISOString();
}

function lookupsFor(options: ExtractOptions, ir: IrCatalog, api: IrApi): InventoryLookups {
  return inventoryLookups(options.inventory ?? runtimeInventory(options.inventories, api.name) ?? declaredInventory(ir, api.name), api.resourceIds.caseInsensitive);
}

function inputsOf(messages: readonly Message[], api: IrApi, context: Context, inventory: InventoryLookups, out: ExtractedOperation[]): void {
  for (const message of messages) {
    try {
      // An operation whose argument carries SQL is named for what its statements do.
      for (const found of message()) out.push(toInput(api, withSqlClass(found, api), context, inventory));
    } catch (e) {
      out.push(failed(context, asFailure(e)));
    }
  }
}

function runtimeInventory(inventories: ExtractOptions['inventories'], api: string): Inventory | undefined {
  if (inventories === undefined) return undefined;
  if (inventories instanceof Map) return (inventories as ReadonlyMap<string, Inventory>).get(api);
  const record = inventories as Readonly<Record<string, Inventory>>;
  return hasOwn(record, api) ? record[api] : undefined;
}

/** An `ExtractFailure`, rethrowing anything else: a bug is never mistaken for a malformed request. */
function asFailure(e: unknown): ExtractFailure {
  if (e instanceof ExtractFailure) return e;
  throw e;
}

const resolvers = new WeakMap<IrCatalog, Map<string, (credential: string, fingerprint: string) => string | null>>();

/**
 * A credential no Token declares by its own fingerprint, but whose prefix a token family of the
 * API names, is decided as that family (its key stands in for the fingerprint).
 */
function familyResolver(ir: IrCatalog, api: string): (credential: string, fingerprint: string) => string | null {
  let byApi = resolvers.get(ir);
  if (!byApi) resolvers.set(ir, (byApi = new Map()));
  let resolve = byApi.get(api);
  if (!resolve) {
    const declared = new Set(ir.tokens.filter((t) => t.api === api && t.family === null).map((t) => t.fingerprint));
    const prefixes = ir.tokens.flatMap((t) => (t.api === api && t.family !== null ? [t.family] : []));
    resolve = (credential, fingerprint) => {
      if (prefixes.length === 0 || declared.has(fingerprint)) return null;
      const prefix = familyOf(credential, prefixes);
      return prefix === null ? null : familyKey(prefix);
    };
    byApi.set(api, resolve);
  }
  return resolve;
}

/** Who calls and which attempt this is, into the context as each is read (a failure keeps what came before it). */
function readCaller(headers: HeaderMap, api: IrApi, ir: IrCatalog, context: Context, options: ExtractOptions, search: string): void {
  const fingerprint = extractToken(headers, api.tokens.headers, familyResolver(ir, api.name), presignedCredential(search, api));
  if (fingerprint !== null) context.token = { fingerprint };
  checkQueryCredentials(search, api);
  context.verifyEnvelope = envelopeVerifier(ir, context.time, options.issuerKeys);
  const envelope = headerEnvelope(headers);
  if (envelope !== null) {
    // A present envelope decides the identity, or fails the call: never a fall-back to baggage.
    const chain = context.verifyEnvelope(envelope);
    context.envelope = { text: envelope, chain };
    context.identity = chainIdentity(chain);
  } else {
    context.identity = identityOf(headers, api.identity);
  }
  const attemptHeader = api.identity.attemptHeader;
  // A request without the attempt header (nearly every one) has no attempt to read.
  if (attemptHeader === null || !headers.has(lowerName(attemptHeader))) return;
  const attempt = parseAttempt(headers, attemptHeader);
  if ('malformed' in attempt) {
    const header = api.identity.attemptHeader ?? '';
    fail(EXTRACT_CODES.malformedAttempt, `header \`${header}\` must be an integer from 1 to 1000000000, got ${quote(attempt.malformed, 'number', 'a non-numeric value')}`);
  }
  if (attempt.attempt !== null) context.attempt = attempt.attempt;
}

// Lowercase configured header names, by their text (a function of it alone), for the reads of every request.
const lowerNames = new Map<string, string>();

function lowerName(name: string): string {
  let lower = lowerNames.get(name);
  if (lower === undefined) {
    if (lowerNames.size >= 256) lowerNames.clear();
    lowerNames.set(name, (lower = name.toLowerCase()));
  }
  return lower;
}
