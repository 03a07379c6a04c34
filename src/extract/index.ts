import type { Ir, IrApi, IrOperation } from '../ir/types.js';
import type { DecisionInput } from '../schemas/types.generated.js';
import { EXTRACT_CODES } from './codes.js';
import { argumentAt, graphqlRootFields } from './graphql.js';
import { duplicateJsonKey, foldConflict, goFold } from './json.js';
import type { GraphqlRequest } from './graphql.js';
import {
  extractToken,
  headerValues,
  normalizeHeaders,
  parseAttempt,
  parseBaggage,
  parseTraceparent,
} from './headers.js';
import type { HeaderMap } from './headers.js';
import type {
  ExtractError,
  ExtractOptions,
  ExtractedInput,
  ExtractedOperation,
  HttpRequest,
  Inventory,
  InventoryEntry,
} from './types.js';

export { EXTRACT_CODES } from './codes.js';
export type { ExtractCode } from './codes.js';
export { fingerprintOf } from './headers.js';
export type * from './types.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** An operation found in the request, before it becomes a decision input. */
interface Found {
  name: string;
  type: string;
  args: Readonly<Record<string, unknown>>;
  alias?: string;
  /** Trace context carried in the message itself (MCP `params._meta`), used when the headers carry none. */
  meta?: { traceparent?: string; baggage?: string };
}

/** What every input of one request shares: who calls, which attempt, when. */
interface Context {
  api: string;
  time: string;
  token?: { fingerprint: string };
  identity?: NonNullable<DecisionInput['identity']>;
  attempt?: number;
}

/**
 * Turns one HTTP request into one decision input per operation it performs, in request order.
 * Pure: no I/O, no clock. It never throws for anything a client can send: a request it cannot
 * understand yields exactly one input without `operation`, which every policy denies
 * (`input:invalid`). Credentials are reduced to `sha256:` fingerprints before anything is returned.
 */
export function extractDecisionInputs(request: HttpRequest, ir: Ir, options: ExtractOptions): ExtractedOperation[] {
  const time = typeof options.time === 'string' ? options.time : options.time.toISOString();
  const headers = normalizeHeaders(request.headers);

  const url = parseUrl(request.url, headers);
  if (typeof url === 'string') return [failed({ api: 'unknown', time }, EXTRACT_CODES.invalidUrl, url)];
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const api = ir.apis.find((a) => a.hosts.some((h) => h.toLowerCase() === host));
  if (!api) return [failed({ api: host || 'unknown', time }, EXTRACT_CODES.unknownHost, `host \`${host}\` belongs to no declared api`)];

  const context: Context = { api: api.name, time };
  const token = extractToken(headers, api.tokens.headers);
  if ('conflict' in token) {
    return [failed(context, EXTRACT_CODES.conflictingHeader, token.conflict)];
  }
  if (token.fingerprint !== null) context.token = { fingerprint: token.fingerprint };
  context.identity = identityOf(headers, api);
  const attempt = parseAttempt(headers, api.identity.attemptHeader);
  if ('malformed' in attempt) {
    return [
      failed(
        context,
        EXTRACT_CODES.malformedAttempt,
        `header \`${api.identity.attemptHeader ?? ''}\` must be an integer from 1 to 1000000000, got ${showNumber(attempt.malformed)}`,
      ),
    ];
  }
  if (attempt.attempt !== null) context.attempt = attempt.attempt;

  const method = request.method.toUpperCase();
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const body = readBody(request.body, limit);
  if ('error' in body) return [failed(context, body.error.code, body.error.message)];
  // A server that inflates `Content-Encoding: gzip` (Express, nginx modules) reads other bytes than
  // the ones the enforcer would parse: only an identity-encoded body is read.
  if (body.text !== '') {
    const codings = headerValues(headers, 'content-encoding')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim().toLowerCase())
      .filter((v) => v !== '' && v !== 'identity');
    if (codings.length > 0) {
      return [failed(context, EXTRACT_CODES.unsupportedContentType, 'the request body has a content encoding other than `identity`: the server may decode it into other bytes')];
    }
  }

  const override = methodOverride(headers, url, body.text);
  if (override !== null) return [failed(context, EXTRACT_CODES.methodOverride, override)];

  const groups = api.protocol === 'graphql'
    ? graphqlOperations(api, method, url, headers, body.text, limit)
    : api.protocol === 'mcp'
      ? mcpOperations(api, method, url, headers, body.text)
      : httpOperations(api, method, url, headers, body.text);

  const out: ExtractedOperation[] = [];
  for (const group of groups) {
    if ('error' in group) {
      out.push(failed(context, group.error.code, group.error.message));
      continue;
    }
    for (const found of group.found) out.push(toInput(api, found, context, options.inventory));
  }
  return out;
}

function failed(context: Context, code: string, message: string): ExtractedOperation {
  const input: ExtractedInput = {
    api: context.api,
    ...(context.token ? { token: context.token } : {}),
    ...(context.identity ? { identity: context.identity } : {}),
    ...(context.attempt !== undefined ? { attempt: context.attempt } : {}),
    time: context.time,
    error: message,
  };
  return { input, operation: null, error: { code, message } };
}

/**
 * The request URL, or why it is unparseable. Which host a request goes to must read one way: one
 * `Host` header, agreeing with an absolute-form URL's authority (servers behind a proxy may route
 * by either), and no userinfo (`user@host`), which parsers split at different `@`s.
 */
function parseUrl(raw: string, headers: HeaderMap): URL | string {
  const hosts = headerValues(headers, 'host');
  if (hosts.length > 1 || hosts.some((h) => h.includes(','))) return 'the request has several `Host` headers: servers differ on which one they read';
  const [hostHeader] = hosts;
  const header = hostHeader?.trim();
  if (header !== undefined && (header === '' || /[@/\\?#\s]/.test(header))) {
    return 'the `Host` header is not a plain host and port (userinfo, a path or spaces): servers read it differently';
  }
  let url: URL;
  try {
    if (raw.startsWith('/')) {
      if (header === undefined) return 'the request url cannot be parsed';
      url = new URL(raw, `http://${header}`);
    } else {
      url = new URL(raw);
    }
  } catch {
    return 'the request url cannot be parsed';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'the request url cannot be parsed';
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/*([^/?#]*)/.exec(raw)?.[1] ?? '';
  if (url.username !== '' || url.password !== '' || (!raw.startsWith('/') && authority.includes('@'))) {
    return 'the request url carries userinfo (`user@host`): parsers differ on which host it names';
  }
  if (!raw.startsWith('/') && header !== undefined) {
    let fromHeader: URL;
    try {
      fromHeader = new URL(`${url.protocol}//${header}`);
    } catch {
      return 'the `Host` header cannot be parsed';
    }
    const plain = (u: URL): string => `${u.hostname.toLowerCase().replace(/\.$/, '')}:${u.port}`;
    if (plain(fromHeader) !== plain(url)) {
      return 'the `Host` header names another host than the request url: servers differ on which one they route by';
    }
  }
  return url;
}

function identityOf(headers: HeaderMap, api: IrApi): NonNullable<DecisionInput['identity']> {
  const identity: NonNullable<DecisionInput['identity']> = {};
  const baggage = parseBaggage(headers);
  const originator = baggage.get(api.identity.originatorBaggageKey);
  const tenant = baggage.get(api.identity.tenantBaggageKey);
  if (originator) identity.originator = originator;
  if (tenant) identity.tenant = tenant;
  const causation = parseTraceparent(headers);
  if (causation) identity.causation = causation;
  // Baggage is unauthenticated: whoever sends the request writes it, so it is only ever a claim.
  identity.verified = false;
  return identity;
}

/** Header identity, completed field by field from trace context the message carries. */
function withMessageIdentity(
  fromHeaders: NonNullable<DecisionInput['identity']>,
  meta: NonNullable<Found['meta']>,
  api: IrApi,
): NonNullable<DecisionInput['identity']> {
  const headers = normalizeHeaders({
    ...(meta.traceparent === undefined ? {} : { traceparent: meta.traceparent }),
    ...(meta.baggage === undefined ? {} : { baggage: meta.baggage }),
  });
  const fromMessage = identityOf(headers, api);
  const merged: NonNullable<DecisionInput['identity']> = {};
  const originator = fromHeaders.originator ?? fromMessage.originator;
  const tenant = fromHeaders.tenant ?? fromMessage.tenant;
  const causation = fromHeaders.causation ?? fromMessage.causation;
  if (originator) merged.originator = originator;
  if (tenant) merged.tenant = tenant;
  if (causation) merged.causation = causation;
  merged.verified = false;
  return merged;
}

type BodyResult = { text: string } | { error: ExtractError };

function readBody(body: HttpRequest['body'], limit: number): BodyResult {
  if (body === undefined || body === null) return { text: '' };
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > limit) {
    return { error: { code: EXTRACT_CODES.bodyTooLarge, message: `the request body has ${size} bytes, more than the limit of ${limit}` } };
  }
  if (typeof body === 'string') return { text: body };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return { error: { code: EXTRACT_CODES.invalidBody, message: 'the request body is not valid utf-8' } };
  }
}

type Group = { found: Found[] } | { error: ExtractError };

function err(code: string, message: string): Group {
  return { error: { code, message } };
}

/** The media type, lowercase without parameters; several different ones are never a supported type. */
function mediaType(headers: HeaderMap): string | null {
  const types = new Set(headerValues(headers, 'content-type').map((v) => (v.split(';')[0] ?? '').trim().toLowerCase()));
  if (types.size === 0) return null;
  if (types.size > 1) return [...types].join(', ');
  const [type] = types;
  return type ?? null;
}

// Header values reach error messages and decision logs only when they look like what the header
// should hold: a misplaced credential must never be echoed.
function showMediaType(type: string): string {
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? `\`${type}\`` : 'of an unexpected form';
}

function showNumber(value: string): string {
  return /^[-+0-9., ]{1,24}$/.test(value) ? `\`${value}\`` : 'a non-numeric value';
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function pathMatchesEndpoint(url: URL, endpoint: string | null): boolean {
  if (endpoint === null) return true;
  const strip = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  return strip(url.pathname) === strip(endpoint);
}

function parseJson(text: string): { value: unknown } | { error: ExtractError } {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { error: { code: EXTRACT_CODES.invalidBody, message: 'the request body is not valid json' } };
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate !== null) {
    return { error: { code: EXTRACT_CODES.invalidBody, message: `the json body repeats ${showKey(duplicate, 'the member', 'a member name')} in one object: parsers differ on which copy they keep` } };
  }
  return { value };
}

function showKey(name: string, known: string, unknown: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/.test(name) && !/[A-Za-z0-9]{40,}/.test(name) ? `${known} \`${name}\`` : unknown;
}

function graphqlOperations(api: IrApi, method: string, url: URL, headers: HeaderMap, text: string, limit: number): Group[] {
  if (!pathMatchesEndpoint(url, api.endpoint)) {
    return [err(EXTRACT_CODES.wrongEndpoint, `path \`${url.pathname}\` is not the graphql endpoint \`${api.endpoint ?? ''}\``)];
  }
  const params = url.searchParams;
  if (method === 'GET') {
    // A GET carries its document in the URL: the same size bound applies as to a body.
    if (url.search.length > limit) {
      return [err(EXTRACT_CODES.bodyTooLarge, `the request query string has ${url.search.length} characters, more than the limit of ${limit}`)];
    }
    const names = parameterNameProblem(url.search, [...params.keys()], [...GRAPHQL_PARAMS, ...PERSISTED_PARAMS]);
    if (names !== null) return [err(EXTRACT_CODES.ambiguousParameters, names)];
    // Servers differ on which copy of a repeated parameter they read, and some read a GET's body.
    const repeated = GRAPHQL_PARAMS.filter((name) => params.getAll(name).length > 1);
    if (repeated.length > 0) {
      return [err(EXTRACT_CODES.ambiguousParameters, `the url repeats ${repeated.map((n) => `\`${n}\``).join(', ')}: servers differ on which copy they read`)];
    }
    if (text.trim() !== '') {
      return [err(EXTRACT_CODES.ambiguousParameters, 'a GET request with a body: servers differ on whether they read the url or the body')];
    }
    const persisted = PERSISTED_PARAMS.filter((name) =>
      name === 'extensions' ? params.getAll(name).some((v) => v.includes('persistedQuery')) : params.has(name),
    );
    if (params.has('query') && persisted.length > 0) return [persistedNextToQuery(persisted)];
    return [graphqlGroup({ query: params.get('query'), variables: params.get('variables'), operationName: params.get('operationName') })];
  }
  if (method !== 'POST') return [err(EXTRACT_CODES.unsupportedMethod, `method \`${method}\` cannot carry a graphql operation`)];
  // Some servers merge url parameters into a POST (and let them win), others ignore them.
  const urlNames = parameterNameProblem(url.search, [...params.keys()], [...GRAPHQL_PARAMS, ...PERSISTED_PARAMS]);
  if (urlNames !== null) return [err(EXTRACT_CODES.ambiguousParameters, urlNames)];
  const inUrl = [...GRAPHQL_PARAMS, ...PERSISTED_PARAMS].filter((name) => params.has(name));
  if (inUrl.length > 0) {
    return [
      err(
        EXTRACT_CODES.ambiguousParameters,
        `a POST request with ${inUrl.map((n) => `\`${n}\``).join(', ')} in its url: servers differ on whether the url or the body wins`,
      ),
    ];
  }
  const type = mediaType(headers);
  if (type === 'application/graphql') return [graphqlGroup({ query: text, variables: undefined, operationName: undefined })];
  // A missing content type is read as JSON: clients that omit it still get their body executed upstream.
  if (type !== null && !isJson(type)) {
    return [err(EXTRACT_CODES.unsupportedContentType, `content type ${showMediaType(type)} is not a graphql request`)];
  }
  if (text.trim() === '') return [err(EXTRACT_CODES.missingQuery, 'the request body is empty')];
  const json = parseJson(text);
  if ('error' in json) return [json];
  const body = json.value;
  if (Array.isArray(body)) {
    if (body.length === 0) return [err(EXTRACT_CODES.noOperation, 'the batched request is an empty array')];
    return body.map((entry) => graphqlGroup(entry));
  }
  return [graphqlGroup(body)];
}

/** Where GraphQL over HTTP puts a request's members in a URL. */
const GRAPHQL_PARAMS = ['query', 'variables', 'operationName'] as const;

/**
 * Members that name a stored (persisted, trusted) document: Apollo's `extensions.persistedQuery`,
 * GraphQL over HTTP's `documentId`, Relay's `doc_id` / `id`, `queryId`. A server that supports them
 * may run the stored document and ignore `query`, so both together are never decided by `query`.
 */
const PERSISTED_PARAMS = ['documentId', 'doc_id', 'id', 'queryId', 'extensions'] as const;

/** Request members a case-insensitive (Go) server reads whatever their case. */
const GRAPHQL_MEMBERS = [...GRAPHQL_PARAMS, ...PERSISTED_PARAMS] as const;

function caseConflict(name: string): Group {
  return err(
    EXTRACT_CODES.ambiguousParameters,
    `${showKey(name, 'member', 'a member')} is spelled in another case, or twice in different cases: servers that match names without case (Go's encoding/json) read it differently`,
  );
}

function persistedNextToQuery(members: readonly string[]): Group {
  return err(
    EXTRACT_CODES.ambiguousParameters,
    `the request has \`query\` and ${members.map((m) => `\`${m}\``).join(', ')}: a server with stored documents may run the stored one and ignore \`query\``,
  );
}

/** The persisted-document members next to `query` in one JSON request object. */
function persistedMembers(record: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const name of ['documentId', 'doc_id', 'queryId'] as const) {
    if (record[name] !== undefined && record[name] !== null) out.push(name);
  }
  // Relay's `id` is a string, but a server may take a number as the same stored-document key.
  if (typeof record.id === 'string' || typeof record.id === 'number') out.push('id');
  const extensions = record.extensions;
  if (typeof extensions === 'object' && extensions !== null && !Array.isArray(extensions)) {
    const stored = (extensions as Record<string, unknown>)['persistedQuery'];
    if (stored !== undefined && stored !== null) out.push('extensions.persistedQuery');
  } else if (typeof extensions === 'string' && extensions.includes('persistedQuery')) {
    out.push('extensions.persistedQuery');
  }
  return out;
}

/** Headers frameworks read to run a request as another method than the one it was sent with. */
const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

/**
 * Why the request may be run as another method than its own, or null. Frameworks (Rails, Laravel,
 * Express method-override, ASP.NET, Google APIs) honour these; whether this upstream or a proxy in
 * between does is unknowable, so any of them makes the request unparseable.
 */
function methodOverride(headers: HeaderMap, url: URL, text: string): string | null {
  // CGI, Rack and PHP servers read `X_HTTP_Method_Override` as `X-HTTP-Method-Override`.
  for (const sent of headers.keys()) {
    const name = OVERRIDE_HEADERS.find((o) => o === sent.replace(/_/g, '-'));
    if (name !== undefined) return `header \`${name}\` may make the server run the request as another method`;
  }
  if ([...url.searchParams.keys()].some(isMethodParam)) return 'url parameter `_method` may make the server run the request as another method';
  if (text.trim() === '') return null;
  const type = mediaType(headers);
  let inBody = false;
  if (type === 'application/x-www-form-urlencoded') {
    inBody = [...new URLSearchParams(text).keys()].some(isMethodParam);
  } else if (type !== null && type.startsWith('multipart/')) {
    inBody = /name\s*=\s*"?_method"?/i.test(text);
  } else {
    const json = parseJson(text);
    if ('value' in json) {
      const members = Array.isArray(json.value) ? (json.value as unknown[]) : [json.value];
      inBody = members.some((m) => typeof m === 'object' && m !== null && !Array.isArray(m) && Object.keys(m).some(isMethodParam));
    }
  }
  return inBody ? 'body parameter `_method` may make the server run the request as another method' : null;
}

function isMethodParam(name: string): boolean {
  return name.toLowerCase() === '_method';
}

function graphqlGroup(entry: unknown): Group {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return err(EXTRACT_CODES.invalidBody, 'a graphql request must be a json object');
  }
  const record = entry as Record<string, unknown>;
  const folded = foldConflict(record, GRAPHQL_MEMBERS);
  if (folded !== null) return caseConflict(folded);
  if (record.query !== undefined && record.query !== null) {
    const persisted = persistedMembers(record);
    if (persisted.length > 0) return persistedNextToQuery(persisted);
  }
  const request: GraphqlRequest = { query: record.query, variables: record.variables, operationName: record.operationName };
  const result = graphqlRootFields(request);
  if ('error' in result) return result;
  return {
    found: result.fields.map((f) => {
      // Introspection reads the schema whatever the operation type, so it is classified as a read.
      const type = f.name.startsWith('__') ? 'query' : f.operationType;
      const found: Found = { name: f.name, type, args: f.args };
      if (f.responseKey !== f.name) found.alias = f.responseKey;
      return found;
    }),
  };
}

/**
 * MCP over streamable HTTP: each JSON-RPC `tools/call` is the named tool with its arguments;
 * other methods (`initialize`, `tools/list`, notifications) only exchange protocol metadata and
 * are reported as reads named by their method.
 */
function mcpOperations(api: IrApi, method: string, url: URL, headers: HeaderMap, text: string): Group[] {
  if (!pathMatchesEndpoint(url, api.endpoint)) {
    return [err(EXTRACT_CODES.wrongEndpoint, `path \`${url.pathname}\` is not the mcp endpoint \`${api.endpoint ?? ''}\``)];
  }
  if (method !== 'POST') return [err(EXTRACT_CODES.unsupportedMethod, `method \`${method}\` cannot carry an mcp message`)];
  const type = mediaType(headers);
  if (type !== null && !isJson(type)) {
    return [err(EXTRACT_CODES.unsupportedContentType, `content type ${showMediaType(type)} is not a json-rpc message`)];
  }
  const json = parseJson(text);
  if ('error' in json) return [json];
  const messages = Array.isArray(json.value) ? json.value : [json.value];
  if (messages.length === 0) return [err(EXTRACT_CODES.noOperation, 'the json-rpc batch is an empty array')];
  return messages.map((message): Group => {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return err(EXTRACT_CODES.invalidBody, 'a json-rpc message must be a json object');
    }
    const record = message as Record<string, unknown>;
    const folded = foldConflict(record, ['method', 'params']);
    if (folded !== null) return caseConflict(folded);
    const rawParams = record.params;
    if (typeof rawParams === 'object' && rawParams !== null && !Array.isArray(rawParams)) {
      const inParams = foldConflict(rawParams as Record<string, unknown>, ['name', 'arguments', '_meta']);
      if (inParams !== null) return caseConflict(`params.${inParams}`);
    }
    if (typeof record.method !== 'string' || record.method === '') {
      // A response or an error object sent by the client performs nothing upstream.
      if ('result' in record || 'error' in record) return { found: [{ name: 'jsonrpc/response', type: 'query', args: {} }] };
      return err(EXTRACT_CODES.invalidBody, 'a json-rpc request must have a string `method`');
    }
    if (record.method !== 'tools/call') return { found: [{ name: record.method, type: 'query', args: {} }] };
    const params = record.params;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      return err(EXTRACT_CODES.invalidBody, '`tools/call` must have object `params`');
    }
    const { name, arguments: args } = params as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') return err(EXTRACT_CODES.missingQuery, '`tools/call` must name a tool in `params.name`');
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      return err(EXTRACT_CODES.invalidBody, '`params.arguments` must be an object');
    }
    const found: Found = { name, type: 'tool', args: (args ?? {}) as Record<string, unknown> };
    const meta = (params as Record<string, unknown>)['_meta'];
    if (typeof meta === 'object' && meta !== null && !Array.isArray(meta)) {
      // MCP reserves `_meta.traceparent` and `_meta.baggage` for W3C trace propagation on messages.
      const { traceparent, baggage } = meta as Record<string, unknown>;
      found.meta = {
        ...(typeof traceparent === 'string' ? { traceparent } : {}),
        ...(typeof baggage === 'string' ? { baggage } : {}),
      };
    }
    return { found: [found] };
  });
}

/**
 * A REST call is the catalog operation whose `http` route matches method and path; `{name}`
 * path segments become arguments, as do query parameters and the fields of a JSON object body.
 */
function httpOperations(api: IrApi, method: string, url: URL, headers: HeaderMap, text: string): Group[] {
  const segments = splitPath(url.pathname);
  let best: { op: IrOperation; params: Record<string, string>; literal: number } | null = null;
  let tied: IrOperation | null = null;
  for (const op of api.operations) {
    if (!op.http || op.http.method !== method) continue;
    const template = splitPath(op.http.path);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literal = 0;
    let ok = true;
    template.forEach((part, i) => {
      const actual = segments[i] ?? '';
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m?.[1] !== undefined) params[m[1]] = safeDecode(actual);
      else if (part === actual) literal++;
      else ok = false;
    });
    if (!ok) continue;
    if (!best || literal > best.literal) {
      best = { op, params, literal };
      tied = null;
    } else if (literal === best.literal) {
      tied = op;
    }
  }
  if (!best) return [err(EXTRACT_CODES.wrongEndpoint, `no operation of api \`${api.name}\` matches \`${method} ${url.pathname}\``)];
  // Which route a server's router prefers is its own rule; the enforcer does not guess.
  if (tied) {
    return [err(EXTRACT_CODES.ambiguousParameters, `\`${method} ${url.pathname}\` matches operations \`${best.op.name}\` and \`${tied.name}\` equally well`)];
  }
  // Arguments come from the path, the query string and the body; frameworks merge them in
  // different orders (and some read only one of them), so a name given in two places with
  // different values is ambiguous, as is a resource argument repeated differently in one place.
  const spec = best.op.resource;
  const guarded = new Set<string>([
    ...Object.keys(best.params),
    ...[spec?.idArg, spec?.environmentArg, spec?.projectArg].flatMap((p) => (p ? [p.split('.')[0] ?? p] : [])),
  ]);
  const body = httpBodyParameters(headers, text);
  if ('error' in body) return [{ error: body.error }];
  const inQuery = parameterNameProblem(url.search, [...url.searchParams.keys()], [...guarded]);
  if (inQuery !== null) return [err(EXTRACT_CODES.ambiguousParameters, inQuery)];
  const inBody = parameterNameProblem(mediaType(headers) === 'application/x-www-form-urlencoded' ? text : '', body.pairs.map((p) => p.name), [...guarded]);
  if (inBody !== null) return [err(EXTRACT_CODES.ambiguousParameters, inBody)];
  const places: Place[] = [
    { where: 'path', pairs: Object.entries(best.params).map(([name, value]) => ({ name, value })) },
    { where: 'query string', pairs: [...url.searchParams].map(([name, value]) => ({ name, value })) },
    { where: 'body', pairs: body.pairs },
  ];
  // Names are compared without case (ASP.NET and Spring bind `ID` to `id`), and bracket or dotted
  // forms by the name they address.
  const guardedBy = new Map([...guarded].map((g) => [goFold(g), g]));
  // Below the top level, every member on the path to a resource argument must read one way too.
  const nested = [spec?.idArg, spec?.environmentArg, spec?.projectArg].flatMap((p) => (p?.includes('.') ? [p.split('.')] : []));
  const seen = new Map<string, { where: string; value: string }>();
  const args: Record<string, unknown> = {};
  for (const { where, pairs } of places) {
    const own = new Map<string, { name: string; values: unknown[] }>();
    for (const { name, value } of pairs) {
      const base = parameterBase(name);
      const key = goFold(base);
      // `id[]`, `id[0]`, `id[x]`, `id.x` are `id` to qs, Rack, PHP and Spring, and another name to
      // Go, Python or Node's URLSearchParams; `ID` is `id` to some binders only: for a resource
      // argument the enforcer cannot know which reading the server has.
      const guard = guardedBy.get(key);
      if (guard !== undefined && name !== guard) {
        return [err(EXTRACT_CODES.ambiguousParameters, `${showKey(guard, 'argument', 'an argument')} is given in another spelling (case, brackets or dots), which servers read differently`)];
      }
      for (const path of nested) {
        if (path[0] !== name) continue;
        const spelled = nestedFoldConflict(value, path.slice(1));
        if (spelled !== null) {
          return [err(EXTRACT_CODES.ambiguousParameters, `${showKey(spelled, 'member', 'a member')} on the path to argument ${'`'}${path.join('.')}${'`'} is spelled in another case, or twice in different cases: servers that match names without case read it differently`)];
        }
      }
      const entry = own.get(key) ?? { name: base, values: [] };
      entry.values.push(base === name ? value : { [name]: value });
      own.set(key, entry);
    }
    for (const [key, { name, values }] of own) {
      const distinct = new Set(values.map(canonical));
      if (distinct.size > 1 && guardedBy.has(key)) {
        return [err(EXTRACT_CODES.ambiguousParameters, `${showKey(name, 'argument', 'an argument')} is given several times with different values`)];
      }
      const [only] = distinct;
      const value = distinct.size === 1 && only !== undefined ? only : canonical(values.map(canonical));
      const earlier = seen.get(key);
      if (earlier && earlier.value !== value) {
        return [
          err(
            EXTRACT_CODES.ambiguousParameters,
            `${showKey(name, 'argument', 'an argument')} is given in the ${earlier.where} and the ${where} with different values: servers differ on which wins`,
          ),
        ];
      }
      if (!earlier) seen.set(key, { where, value });
      if (!Object.prototype.hasOwnProperty.call(args, name) && values.length > 0) args[name] = values[0];
    }
  }
  return [{ found: [{ name: best.op.name, type: best.op.type, args }] }];
}

/** A member on `path` inside `value` spelled so a case-insensitive server may read another one. */
function nestedFoldConflict(value: unknown, path: readonly string[]): string | null {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return null;
    const record = current as Record<string, unknown>;
    const conflict = foldConflict(record, [segment]);
    if (conflict !== null) return conflict;
    current = record[segment];
  }
  return null;
}

/** Whitespace and control characters: what servers may trim from, or drop in, a parameter name. */
function isSpace(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0x20 || code === 0x7f || /\s/.test(char);
}

/**
 * Why parameter names may read differently on some server, or null: a `;` in a query string or
 * form body (Rack 2 and old CGI parsers split on it, others keep it in the value); a name with
 * leading or trailing whitespace (trimmed by some frameworks); a name that is a guarded one but for
 * whitespace.
 */
function parameterNameProblem(raw: string, names: readonly string[], guarded: readonly string[]): string | null {
  if (raw.includes(';')) return 'the parameters contain `;`, which some servers read as a separator and others as data';
  const guards = new Set(guarded.map(goFold));
  for (const name of names) {
    const chars = [...name];
    if (chars.length > 0 && (isSpace(chars[0] ?? '') || isSpace(chars[chars.length - 1] ?? ''))) {
      return 'a parameter name has leading or trailing whitespace, which some servers trim';
    }
    const bare = chars.filter((c) => !isSpace(c)).join('');
    if (bare !== name && guards.has(goFold(bare))) {
      return `${showKey(bare, 'parameter', 'a parameter')} is spelled with whitespace, which some servers drop`;
    }
  }
  return null;
}

interface Place {
  where: string;
  pairs: { name: string; value: unknown }[];
}

/** The parameter a (qs, Rack, PHP or Spring style) bracket or dotted name addresses: `id[x]`, `id.x` → `id`. */
function parameterBase(name: string): string {
  const cut = name.search(/[[.]/);
  return cut > 0 ? name.slice(0, cut) : name;
}

/** A value as servers compare it: scalars by their text (`5` and `"5"` are one value), the rest as json. */
function canonical(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * The named parameters of an HTTP API request's body, whatever its content type: the members of a
 * JSON object, urlencoded form fields, multipart form-data fields. A non-empty body the enforcer
 * cannot read for parameters (text/plain, octet-stream, no content type) may still carry them for
 * the server (which may sniff JSON, or read a form), so it is unparseable.
 */
function httpBodyParameters(headers: HeaderMap, text: string): { pairs: Place['pairs'] } | { error: ExtractError } {
  if (text.trim() === '') return { pairs: [] };
  const type = mediaType(headers);
  if (type === null) {
    return { error: { code: EXTRACT_CODES.unsupportedContentType, message: 'the request has a body but no content type: servers differ on how they read it' } };
  }
  if (isJson(type)) {
    const json = parseJson(text);
    if ('error' in json) return json;
    const value = json.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { pairs: [] };
    return { pairs: Object.entries(value as Record<string, unknown>).map(([name, v]) => ({ name, value: v })) };
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { pairs: [...new URLSearchParams(text)].map(([name, value]) => ({ name, value })) };
  }
  if (type === 'multipart/form-data') {
    const fields = multipartFields(headers, text);
    if (fields === null) return { error: { code: EXTRACT_CODES.invalidBody, message: 'the multipart body cannot be read into named fields' } };
    return { pairs: fields };
  }
  return { error: { code: EXTRACT_CODES.unsupportedContentType, message: `content type ${showMediaType(type)} cannot be read for request parameters` } };
}

/**
 * The fields of a `multipart/form-data` body (RFC 7578), or null when any part cannot be read
 * unambiguously: no boundary, a part without exactly one plain `name`, an unterminated body, a
 * delimiter not at a line start, parts after the close delimiter. A file
 * part's value is its content, marked as a file so it never equals a plain field.
 */
function multipartFields(headers: HeaderMap, text: string): Place['pairs'] | null {
  const [raw] = headerValues(headers, 'content-type');
  const boundary = raw === undefined ? null : /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(raw);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (delimiter === undefined) return null;
  // A delimiter counts only at the start of the body or after CRLF, followed by `--` or the end of
  // its line (RFC 2046). `--boundary` anywhere else (inside a value, after a bare LF, as the prefix
  // of a longer line) is read as a delimiter by some parsers and as data by others.
  const marker = `--${delimiter}`;
  const starts: number[] = [];
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
    if (at !== 0 && text.slice(at - 2, at) !== '\r\n') return null;
    if (!/^(?:--)?[ \t]*(?:\r\n|$)/.test(text.slice(at + marker.length, at + marker.length + 200))) return null;
    starts.push(at);
  }
  const chunks = starts.map((at, i) => text.slice(at + marker.length, starts[i + 1] ?? text.length));
  if (chunks.length < 2) return null;
  const pairs: Place['pairs'] = [];
  let closed = false;
  for (const [i, chunk] of chunks.entries()) {
    if (chunk.startsWith('--')) {
      // Parts after the close delimiter are data to some parsers and fields to others.
      if (i !== chunks.length - 1) return null;
      closed = true;
      break;
    }
    const part = chunk.replace(/^[ \t]*\r\n/, '');
    const split = /\r?\n\r?\n/.exec(part);
    if (!split) return null;
    const head = part.slice(0, split.index).split(/\r?\n/);
    const content = part.slice(split.index + split[0].length).replace(/\r?\n$/, '');
    const dispositions = head.filter((line) => /^content-disposition\s*:/i.test(line));
    if (dispositions.length !== 1) return null;
    const disposition = dispositions[0] ?? '';
    if (/[;\s]name\*\s*=/i.test(disposition)) return null;
    const names = [...disposition.matchAll(/;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s"]+))/gi)];
    if (names.length !== 1) return null;
    const name = names[0]?.[1] ?? names[0]?.[2];
    if (name === undefined || name === '' || name.includes('\\')) return null;
    const file = /;\s*filename\*?\s*=/i.test(disposition);
    pairs.push({ name, value: file ? { file: content } : content });
  }
  return closed ? pairs : null;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function lookup<V>(source: ReadonlyMap<string, V> | Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  if (!source) return undefined;
  if (source instanceof Map) return (source as ReadonlyMap<string, V>).get(key);
  const record = source as Readonly<Record<string, V>>;
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Ids are strings; an integer literal or number is accepted as its digits, anything else is no id. */
function asId(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

function toInput(api: IrApi, found: Found, context: Context, inventory: Inventory | undefined): ExtractedOperation {
  const op = api.operations.find((o) => o.name === found.name);
  const resource = resourceOf(api, op, found.args, inventory);
  if (resource !== undefined && 'error' in resource) {
    return failed(context, resource.error.code, `\`${found.name}\`: ${resource.error.message}`);
  }
  const identity = found.meta && context.identity ? withMessageIdentity(context.identity, found.meta, api) : context.identity;
  const input: ExtractedInput = {
    api: context.api,
    operation: { name: found.name, type: found.type },
    ...(resource ? { resource } : {}),
    ...(context.token ? { token: context.token } : {}),
    ...(identity ? { identity } : {}),
    ...(context.attempt !== undefined ? { attempt: context.attempt } : {}),
    time: context.time,
  };
  const result: ExtractedOperation = { input, operation: found.name };
  if (found.alias !== undefined) result.alias = found.alias;
  return result;
}

/**
 * The resource an operation acts on. Arguments are claims of the caller; the inventory is what the
 * enforcer knows. When an argument names another environment or project than the inventory
 * records for the resource, the server acts on one of them and the enforcer cannot tell which: the
 * request is unparseable (deny), never decided in the argument's favour. An argument the inventory
 * cannot resolve leaves the field to the inventory, or out (the most protected environment is
 * then assumed), never to a guess.
 */
function resourceOf(
  api: IrApi,
  op: IrOperation | undefined,
  args: Readonly<Record<string, unknown>>,
  inventory: Inventory | undefined,
): NonNullable<DecisionInput['resource']> | { error: ExtractError } | undefined {
  // An operation missing from the catalog has no known resource argument: its environment stays
  // unknown, which the policy reads as the most protected one.
  if (!op?.resource) return undefined;
  const spec = op.resource;
  const resource: NonNullable<DecisionInput['resource']> = { kind: spec.kind };
  const id = spec.idArg ? asId(argumentAt(args, spec.idArg)) : null;
  const entry: InventoryEntry | undefined = id === null ? undefined : lookup(inventory?.resources, id);
  if (id !== null) resource.id = id;

  const fromId = entry?.environment ?? (spec.kind === 'environment' && id !== null ? environmentName(api, id, inventory) : undefined);
  const envArg = spec.environmentArg ? asId(argumentAt(args, spec.environmentArg)) : null;
  if (envArg !== null) {
    const fromArg = environmentName(api, envArg, inventory);
    if (fromArg === undefined) {
      // The call acts in an environment the enforcer does not know: it may be the protected one,
      // whatever the inventory says of the resource, so the environment is left out (assumed).
    } else if (fromId !== undefined && fromId !== fromArg) {
      return conflict(`argument \`${spec.environmentArg ?? ''}\` names environment ${showId(fromArg)}, but the inventory records ${showId(id, 'the resource')} in ${showId(fromId)}`);
    } else {
      resource.environment = fromArg;
    }
  } else if (fromId !== undefined) {
    resource.environment = fromId;
  }

  const fromInventory = entry?.project ?? (spec.kind === 'project' && id !== null ? projectName(id, inventory) : undefined);
  const projectArg = spec.projectArg ? asId(argumentAt(args, spec.projectArg)) : null;
  // An id the inventory does not map is compared as written, so naming the project directly agrees.
  const fromArg = projectArg === null ? undefined : (projectName(projectArg, inventory) ?? projectArg);
  if (fromArg !== undefined && fromInventory !== undefined && fromInventory !== fromArg) {
    return conflict(`argument \`${spec.projectArg ?? ''}\` names project ${showId(fromArg)}, but the inventory records ${showId(id, 'the resource')} in ${showId(fromInventory)}`);
  }
  // A project is what the inventory knows. An argument stands in only when the operation names no
  // resource id and the inventory knows the project it names: otherwise it is the caller's own
  // claim, and a project-scoped grant must not be satisfied by a claim.
  const claimed = id === null && projectArg !== null ? projectName(projectArg, inventory) : undefined;
  const project = fromInventory ?? claimed;
  if (project !== undefined) resource.project = project;
  return resource;
}

function conflict(message: string): { error: ExtractError } {
  return { error: { code: EXTRACT_CODES.conflictingResource, message } };
}

// Ids and names can be the caller's own text: shown only when they look like ids, so a misplaced
// credential is never echoed into an error or a decision log.
function showId(id: string | null, otherwise = 'a value not shown'): string {
  return id !== null && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) && !/[A-Za-z0-9]{40,}/.test(id) ? `\`${id}\`` : otherwise;
}

function environmentName(api: IrApi, id: string, inventory: Inventory | undefined): string | undefined {
  const named = lookup(inventory?.environments, id);
  if (named !== undefined) return named;
  const entry = lookup(inventory?.resources, id);
  if (entry?.kind === 'environment' && entry.environment !== undefined) return entry.environment;
  // Some callers pass the environment's name where an id is expected; accept only declared names.
  return api.environments.includes(id) ? id : undefined;
}

/** The project an id names, when the inventory knows it; an unknown id names nothing the policy can trust. */
function projectName(id: string, inventory: Inventory | undefined): string | undefined {
  const named = lookup(inventory?.projects, id);
  if (named !== undefined) return named;
  const entry = lookup(inventory?.resources, id);
  return entry?.kind === 'project' ? entry.project : undefined;
}
