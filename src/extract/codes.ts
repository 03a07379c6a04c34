import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';
import type { EnvelopeCode } from '../identity/index.js';

/**
 * A closed union: extraction decides, so a caller can `switch` over every code exhaustively. An
 * identity envelope that fails verification fails the call with its own code (BG800–BG819, src/identity/codes.ts).
 */
export type ExtractCode = CodeOf<typeof EXTRACT_CODES> | EnvelopeCode;

/**
 * Why a request could not be turned into decision inputs. Each code yields one input without
 * `operation`, which the policy denies as `input:invalid`: an enforcer that cannot tell what a
 * call does must not let it through.
 */
export const { codes: EXTRACT_CODES, titles: EXTRACT_CODE_TITLES } = codeRegistry({
  /** The URL's host belongs to no `Api`. */
  unknownHost: ['BG401', 'request host belongs to no `Api`'],
  /** The path is not the API's `endpoint`, or no HTTP route matches; an S3 request with no known operation (an unknown subresource or query parameter). */
  wrongEndpoint: ['BG402', 'request path is not the API endpoint or a known route'],
  /** The method cannot carry an operation for this protocol. */
  unsupportedMethod: ['BG403', 'request method cannot carry an operation'],
  /**
   * A content type the protocol cannot carry; for an HTTP API, a non-empty body whose parameters
   * cannot be read (text/plain, octet-stream, no content type): the server may still read them.
   * Also a body with a `Content-Encoding` other than `identity` (the server may inflate it).
   */
  unsupportedContentType: ['BG404', 'unsupported request content type'],
  bodyTooLarge: ['BG405', 'request body is too large'],
  /** Malformed JSON, or JSON that is not a request object. */
  invalidBody: ['BG406', 'request body is malformed'],
  missingQuery: ['BG407', 'GraphQL request has no query'],
  graphqlSyntax: ['BG408', 'GraphQL syntax error'],
  /**
   * `operationName` names no operation, or several operations and no name; or the document defines
   * an operation name twice, or has an anonymous operation next to others (servers without
   * validation differ on which one runs).
   */
  operationNotFound: ['BG409', 'GraphQL operation not found'],
  /** A variable is referenced but neither supplied nor defaulted, or `variables` is not an object. */
  missingVariable: ['BG410', 'GraphQL variable missing'],
  malformedAttempt: ['BG411', 'malformed attempt header'],
  invalidUrl: ['BG412', 'request URL cannot be parsed'],
  /**
   * A credential header appears more than once with different values (its `_` and `-` spellings
   * included), or two credential headers carry different credentials (a value without the
   * configured scheme counts as a credential).
   */
  conflictingHeader: ['BG413', 'credential headers carry different values'],
  unknownFragment: ['BG414', 'unknown GraphQL fragment'],
  /** The document selects no operation at all (e.g. only fragments, or an empty batch). */
  noOperation: ['BG415', 'request selects no operation'],
  /**
   * An argument names another environment or project than the inventory records for the resource
   * (e.g. a service of one project with another `projectId`): which one the server acts on is unknowable.
   */
  conflictingResource: ['BG416', 'request arguments disagree with the inventory about the resource'],
  /**
   * An argument of a composed resource id (`id: "{owner}/{repo}"`) holds a character of the
   * template's separator (`{owner: "a/b", repo: "c"}` and `{owner: "a", repo: "b/c"}` would name the
   * same `a/b/c`): the id would not say which resource the call acts on.
   */
  ambiguousResourceId: ['BG456', 'a part of the composed resource id contains its separator'],
  /**
   * An argument of a composed resource id is missing, empty, or not a string or integer: an id
   * built from the other parts alone (`acme/` or `/web`) names no resource one way.
   */
  incompleteResourceId: ['BG457', 'a part of the composed resource id is missing'],
  /**
   * Request parameters given in several places with nothing to say which wins: GraphQL `query`,
   * `variables` or `operationName` in the URL of a POST, repeated in the URL of a GET, or a GET
   * that also has a body; a URL parameter some server may read as a GraphQL member although it is
   * not spelled as one (`query[]`, `variables[id]`, `variables.id`, `Query`, `query%5B%5D`); `query`
   * next to a stored-document id (`documentId`, `doc_id`, `id`, `queryId`,
   * `extensions.persistedQuery`) other than the `query`'s own sha256; an HTTP API parameter given in two of the path, the
   * query string and the body with different values (any body type; bracket/dotted forms and case
   * variants address the same name), a resource argument repeated differently or spelled in such
   * a form; a path two catalog routes match equally well; a JSON member (GraphQL request members,
   * JSON-RPC `method`/`params`/`params.name`/`params.arguments`/`params._meta`, members on the path
   * to a REST resource argument, MCP `params.arguments` members at any depth and the tool's SQL and
   * resource arguments) spelled in another case, or twice in cases Go folds alike; a `;`
   * in a query string or form body, or a parameter name padded with (or a guarded name split by)
   * whitespace.
   */
  ambiguousParameters: ['BG417', 'request parameters given in several places'],
  /** `X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override` or a `_method` parameter. */
  methodOverride: ['BG418', 'request asks for an HTTP method override'],
  /**
   * A header some server stacks read as the request's real path or host instead of the request
   * line and `Host` (`X-Original-URL`, `X-Rewrite-URL`, `X-Original-URI`, `X-Forwarded-Uri`,
   * `X-Forwarded-Path`, `X-Envoy-Original-Path`, `X-Forwarded-Prefix`, `X-Forwarded-Host`,
   * `X-Original-Host`, `Forwarded: host=`): the server may run another call than the one decided.
   */
  targetOverride: ['BG443', 'request carries a header that may override its path or host (`x-original-url`, `x-forwarded-host`, …)'],
  /**
   * A tool argument declared to carry SQL is missing, not a string, empty or not parseable as
   * PostgreSQL; or PostgreSQL may read it otherwise than the parser (a backslash in a standard
   * string, an unclosed literal or comment, statement boundaries the parser and the lexer disagree on).
   */
  sqlUnreadable: ['BG419', 'sql argument cannot be parsed'],
  /**
   * Forwarding only (the egress proxy): the request is within the body limit but exceeds another
   * bound the proxy keeps on what it reads (GraphQL selection depth, aliases, tokens; a gzip body
   * that inflates past the body limit).
   */
  limitExceeded: ['BG700', 'request exceeds a proxy reading limit'],
  /** Forwarding only: an `@skip`/`@include` whose `if` is not a Boolean, or a directive repeated on one selection. */
  unreadableDirective: ['BG701', 'GraphQL `@skip`/`@include` cannot be evaluated'],
  /**
   * Forwarding only: a request the proxy reads but cannot write back as one canonical request
   * that means the same (a GraphQL mutation sent with GET, which servers refuse; a selection left
   * empty by `@skip`/`@include`; a multipart body).
   */
  notForwardable: ['BG702', 'request cannot be forwarded canonically'],
  /**
   * Forwarding only: an AWS-signed request (SigV4 or V2, header or presigned url) whose query
   * string, content type or body the proxy would have to rewrite (a `+` or a byte outside `%XX`
   * escapes in the query or form, JSON that reads otherwise than its canonical form, a byte-order
   * mark), or whose gzip body is not one gzip member under one `Content-Encoding: gzip` (several
   * members, trailing bytes): the signature would no longer match what is forwarded.
   */
  signedNotForwardable: ['BG718', 'aws-signed request cannot be forwarded unchanged'],
  /**
   * An `OPTIONS` request (a CORS preflight) to an HTTP API path with no declared `OPTIONS` route:
   * servers may run any handler mounted for every method, so nothing says what it does.
   */
  undeclaredOptions: ['BG717', 'OPTIONS request has no declared route'],
  /**
   * A GraphQL request names a stored document (`extensions.persistedQuery.sha256Hash`,
   * `documentId`, `doc_id`, `id`, `queryId`) that the Api's trusted-documents manifest does not
   * list, or several that name different documents.
   */
  unknownStoredDocument: ['BG703', 'stored GraphQL document is not in the api\'s trusted documents'],
  /**
   * An Apollo automatic persisted query (APQ) names only a hash (`extensions.persistedQuery`, no
   * `query`) that the Api's trusted documents do not list (or the Api declares none). Nothing is
   * forwarded; the proxy answers as a GraphQL server that has not stored the hash does
   * (`PERSISTED_QUERY_NOT_FOUND`), so the client sends the query next to its hash, which is decided.
   */
  persistedQueryNotFound: ['BG705', 'automatic persisted query hash is not stored: the client may send the query'],
  /**
   * A JSON number (a body member, GraphQL `variables`) a JavaScript number does not hold exactly:
   * an integer beyond ±2^53, more digits than a double keeps, an exponent out of range. Read and
   * re-serialized, it would reach the server as another number.
   */
  inexactNumber: ['BG704', 'JSON number cannot be read exactly (beyond ±2^53 or a double\'s precision)'],
  /**
   * The XML body of S3 `DeleteObjects` (`POST /?delete`) does not read one way: a DTD, entity,
   * comment, CDATA section or processing instruction; a namespace other than S3's, an attribute;
   * an element S3 does not define there, or one given twice where one is allowed (`Key`, `Quiet`);
   * a carriage return or a character XML forbids; no object, or more than S3's 1,000.
   */
  unreadableDeleteBody: ['BG437', 'S3 `DeleteObjects` body cannot be read one way'],
  /**
   * A runtime inventory file (`parseInventoryFile`) that is not `Inventory` documents of declared
   * APIs: unreadable text, a wrong shape, an undeclared API or environment, a repeated id. It is
   * never a request's failure: the enforcer keeps the inventory it had.
   */
  invalidInventory: ['BG400', 'runtime inventory file is malformed'],
});
