import type { DocumentNode } from 'graphql';
import type { FoundOperation, Message } from '../types.js';
import type { CanonicalGraphqlRequest } from './canonical.js';
import { graphqlRootFieldsOf } from './document.js';
import type { RootField } from './document.js';

/*
 * The decision inputs of the canonical request, built from the document that was printed into
 * it rather than by reading the printed text back: `print` and `parse` of graphql-js round-trip
 * a document, and `JSON.stringify` and `JSON.parse` round-trip the variables, so both readings
 * find the same operations (test/extract/forward-direct.property.test.ts holds them equal, with
 * the read-back as the reference), and the proxy still forwards exactly what it decided.
 */

/** One canonical request and the document its `query` was printed from. */
export interface PrintedRequest {
  request: CanonicalGraphqlRequest;
  document: DocumentNode;
  /** `JSON.stringify(request)`. */
  json: string;
}

/** The message one canonical request is decided as, read from its printed document. */
export function decidedMessage({ request, document }: PrintedRequest): Message {
  return () => foundOperations(graphqlRootFieldsOf(document, request.variables, request.operationName));
}

/** The root fields a GraphQL request runs, as the operations it is decided on. */
export function foundOperations(fields: readonly RootField[]): FoundOperation[] {
  return fields.map((f) => {
    // Introspection reads the schema whatever the operation type, so it is classified as a read.
    const type = f.name.startsWith('__') ? 'query' : f.operationType;
    const found: FoundOperation = { name: f.name, type, args: f.args };
    if (f.responseKey !== f.name) found.alias = f.responseKey;
    return found;
  });
}
