import type { IrApi } from '../../../ir/types.js';
import { stableElementTexts } from '../../../core/json-stable.js';
import { isRecord } from '../../../core/record.js';
import { labelled, quote } from '../../../core/untrusted.js';
import { EXTRACT_CODES } from '../../codes.js';
import { fail } from '../../failure.js';
import { checkMemberCase, checkParameterNames, goFold } from '../../params.js';
import { isJson, jsonBody, mediaType, pathMatchesEndpoint, stableJsonText } from '../../request.js';
import type { NormalizedRequest } from '../../request.js';
import type { ForwardLimits } from '../../types.js';
import type { CanonicalMessage, FoundOperation, ProtocolExtractor } from '../types.js';
import { canonicalHttp } from '../canonical-http.js';
import { http } from '../rest/route.js';
import { canonicalGraphqlRequest } from './canonical.js';
import { decidedMessage, foundOperations } from './decided.js';
import { MAX_TOKENS, graphqlRootFields } from './document.js';
import { GRAPHQL_MEMBERS, GRAPHQL_PARAMS, PERSISTED_PARAMS, persistedMembers, persistedNextToQuery } from './members.js';
import { expandStoredDocument } from './persisted.js';
import type { GraphqlRequest } from './document.js';

/*
 * GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/):
 *
 *   GET  /graphql?query=…&variables=…&operationName=…
 *   POST /graphql   Content-Type: application/json     {"query": …, "variables": …, "operationName": …}
 *   POST /graphql   Content-Type: application/graphql  <document>
 *
 * and what servers accept around it: a JSON array of requests (batching, Apollo and gqlgen), and
 * a stored document named instead of `query` (persisted queries, `documentId`).
 */

export const graphql: ProtocolExtractor = {
  protocol: 'graphql',
  messages: (request, api) => (offEndpointRoute(request, api) ? http.messages(request, api) : graphqlRequests(request, api).map((entry) => () => graphqlOperations(expandStoredDocument(entry, api)))),
  canonical: (request, api, limits) => (offEndpointRoute(request, api) ? canonicalHttp(request, api) : canonicalGraphql(request, api, limits)),
};

/**
 * Whether the request is read by the api's declared HTTP routes rather than as GraphQL: it is off
 * the endpoint of an api that declares routes beside it (Railway's `POST /project/…/up` upload).
 */
function offEndpointRoute(request: NormalizedRequest, api: IrApi): boolean {
  return !pathMatchesEndpoint(request.url, api.endpoint) && api.operations.some((op) => op.http !== null);
}

/**
 * The request as forwarded: every GraphQL request it carries (a batch stays a batch) in its
 * canonical form, POSTed as UTF-8 JSON to the endpoint, with no query string at all. Everything
 * GraphQL reads is in the body; a URL parameter the proxy did not decide on never reaches the
 * upstream, whatever that upstream's query parser makes of it (qs reads `query[]=…` as `query`).
 */
function canonicalGraphql(request: NormalizedRequest, api: IrApi, limits: ForwardLimits): CanonicalMessage {
  const entries = graphqlRequests(request, api);
  const type = mediaType(request.headers);
  // `graphqlRequests` read the body as JSON already: a JSON text opening with `[` is an array.
  const batch = request.method === 'POST' && type !== 'application/graphql' && request.text.trimStart().startsWith('[');
  // A body written as `JSON.stringify` writes it gives each request's text, whose `variables` the
  // canonical request may then carry as written instead of stringifying them again (canonical.ts).
  const texts = request.method === 'POST' && type !== 'application/graphql' ? entryTexts(request, entries, batch) : undefined;
  const written = entries.map((entry, i) => {
    const expanded = expandStoredDocument(entry, api);
    return canonicalGraphqlRequest(expanded, limits, request.method, expanded === entry ? texts?.[i] : undefined);
  });
  const message: CanonicalMessage = {
    method: 'POST',
    target: request.url.pathname,
    contentType: 'application/json',
    // `JSON.stringify` of the request, or of the batch: its elements joined by `,` in brackets.
    body: batch ? `[${written.map((w) => w.json).join(',')}]` : written[0]!.json,
  };
  // Reading the written request back parses its document within `MAX_TOKENS`: a larger bound
  // than that leaves the reading back to decide.
  if (limits.maxTokens <= MAX_TOKENS) message.decided = written.map(decidedMessage);
  return message;
}

/** The text of each request of a JSON body that is `JSON.stringify` of what it reads as, else undefined. */
function entryTexts(request: NormalizedRequest, entries: readonly unknown[], batch: boolean): readonly (string | undefined)[] | undefined {
  const text = stableJsonText(request);
  if (text === undefined) return undefined;
  return batch ? stableElementTexts(text, entries) : [text];
}

/** The GraphQL requests a request carries: one from a GET's url or a POST's body, or a batch. */
export function graphqlRequests(request: NormalizedRequest, api: IrApi): readonly unknown[] {
  const { method, url, headers, text, limit } = request;
  if (!pathMatchesEndpoint(url, api.endpoint)) {
    fail(EXTRACT_CODES.wrongEndpoint, `path \`${url.pathname}\` is not the graphql endpoint \`${api.endpoint ?? ''}\``);
  }
  const ambiguous = (message: string): never => fail(EXTRACT_CODES.ambiguousParameters, message);
  if (method === 'GET') {
    const params = url.searchParams;
    // A GET carries its document in the URL: the same size bound applies as to a body.
    if (url.search.length > limit) {
      fail(EXTRACT_CODES.bodyTooLarge, `the request query string has ${url.search.length} characters, more than the limit of ${limit}`);
    }
    checkParameterNames(url.search, [...params.keys()], GRAPHQL_MEMBERS);
    checkMemberForms([...params.keys()], GRAPHQL_MEMBERS);
    // Servers differ on which copy of a repeated parameter they read, and some read a GET's body.
    const repeated = GRAPHQL_PARAMS.filter((name) => params.getAll(name).length > 1);
    if (repeated.length > 0) ambiguous(`the url repeats ${repeated.map((n) => `\`${n}\``).join(', ')}: servers differ on which copy they read`);
    if (text.trim() !== '') ambiguous('a GET request with a body: servers differ on whether they read the url or the body');
    const repeatedIds = PERSISTED_PARAMS.filter((name) => params.getAll(name).length > 1);
    if (repeatedIds.length > 0) ambiguous(`the url repeats ${repeatedIds.map((n) => `\`${n}\``).join(', ')}: servers differ on which copy they read`);
    // Stored-document members go along: they are expanded from the trusted documents, or refused.
    const fromUrl: Record<string, unknown> = { query: params.get('query'), variables: params.get('variables'), operationName: params.get('operationName') };
    for (const name of PERSISTED_PARAMS) if (params.has(name)) fromUrl[name] = params.get(name);
    return [fromUrl];
  }
  if (method !== 'POST') fail(EXTRACT_CODES.unsupportedMethod, `method \`${method}\` cannot carry a graphql operation`);
  // Some servers merge url parameters into a POST (and let them win), others ignore them. A url
  // without a query string (nearly every POST) has no parameters to check.
  if (url.search !== '') {
    const params = url.searchParams;
    checkParameterNames(url.search, [...params.keys()], GRAPHQL_MEMBERS);
    const inUrl = GRAPHQL_MEMBERS.filter((name) => params.has(name));
    if (inUrl.length > 0) {
      ambiguous(`a POST request with ${inUrl.map((n) => `\`${n}\``).join(', ')} in its url: servers differ on whether the url or the body wins`);
    }
    checkMemberForms([...params.keys()], []);
  }
  const type = mediaType(headers);
  if (type === 'application/graphql') return [{ query: text, variables: undefined, operationName: undefined }];
  // A missing content type is read as JSON: clients that omit it still get their body executed upstream.
  if (type !== null && !isJson(type)) {
    fail(EXTRACT_CODES.unsupportedContentType, `content type ${quote(type, 'mediaType', 'of an unexpected form')} is not a graphql request`);
  }
  if (text.trim() === '') fail(EXTRACT_CODES.missingQuery, 'the request body is empty');
  const body = jsonBody(request);
  if (!Array.isArray(body)) return [body];
  if (body.length === 0) fail(EXTRACT_CODES.noOperation, 'the batched request is an empty array');
  return body;
}

/** The GraphQL request members by their Go fold: built once, not per request. */
const MEMBERS_BY_FOLD: ReadonlyMap<string, string> = new Map(GRAPHQL_MEMBERS.map((m) => [goFold(m), m]));

/**
 * Fails when a URL parameter may be read as a GraphQL request member by some server although it is
 * not spelled as one: qs (Express's `extended` parser) and Rack read `query[]=…` and `query[0]=…`
 * as `query`, and `variables[id]=…` as a member of `variables`; qs with `allowDots` reads
 * `variables.id`; Go servers match names without case; a server may percent-decode a name twice.
 * Only the exact `spelled` names are read (a GET's `query`, `variables`, `operationName`). The
 * canonical request drops the query string, but the client learns its request was not read as sent.
 */
function checkMemberForms(names: readonly string[], spelled: readonly string[]): void {
  for (const name of names) {
    if (spelled.includes(name)) continue;
    const member = readings(name)
      .map((reading) => MEMBERS_BY_FOLD.get(goFold(reading.split(/[[.]/, 1)[0]!.trim())))
      .find((m) => m !== undefined);
    if (member !== undefined) {
      fail(
        EXTRACT_CODES.ambiguousParameters,
        `${labelled('url parameter', name, 'key', 'a url parameter')} may be read as the graphql member \`${member}\` (bracket, dotted, case or encoded forms): the proxy reads graphql members only from the body, or a GET's exact \`query\`, \`variables\` and \`operationName\``,
      );
    }
  }
}

/** A parameter name as it reads after each further percent-decoding a server may apply. */
function readings(name: string): string[] {
  const out = [name];
  let current = name;
  for (let i = 0; i < 3 && current.includes('%'); i++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break;
    }
    out.push(current);
  }
  return out;
}

/** The root fields one GraphQL request runs, once its members read one way. */
function graphqlOperations(entry: unknown): FoundOperation[] {
  if (!isRecord(entry)) fail(EXTRACT_CODES.invalidBody, 'a graphql request must be a json object');
  checkMemberCase(entry, GRAPHQL_MEMBERS);
  if (entry.query !== undefined && entry.query !== null) {
    const persisted = persistedMembers(entry);
    if (persisted.length > 0) persistedNextToQuery(persisted);
  }
  return rootOperations({ query: entry.query, variables: entry.variables, operationName: entry.operationName });
}

function rootOperations(request: GraphqlRequest): FoundOperation[] {
  return foundOperations(graphqlRootFields(request));
}

