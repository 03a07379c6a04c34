import { isRecord } from '../../../core/record.js';
import { EXTRACT_CODES } from '../../codes.js';
import { fail } from '../../failure.js';

/** Where GraphQL over HTTP puts a request's members in a URL. */
export const GRAPHQL_PARAMS = ['query', 'variables', 'operationName'] as const;

/**
 * Members that name a stored (persisted, trusted) document: Apollo's `extensions.persistedQuery`,
 * GraphQL over HTTP's `documentId`, Relay's `doc_id` / `id`, `queryId`. A server that supports them
 * may run the stored document and ignore `query`, so both together are decided by `query` only
 * when the id is the `query`'s own sha256 (persisted.ts); an id alone is expanded from the Api's
 * trusted documents.
 */
export const PERSISTED_PARAMS = ['documentId', 'doc_id', 'id', 'queryId', 'extensions'] as const;

/** Request members a case-insensitive (Go) server reads whatever their case. */
export const GRAPHQL_MEMBERS = [...GRAPHQL_PARAMS, ...PERSISTED_PARAMS] as const;

export function persistedNextToQuery(members: readonly string[]): never {
  return fail(
    EXTRACT_CODES.ambiguousParameters,
    `the request has \`query\` and ${members.map((m) => `\`${m}\``).join(', ')}: a server with stored documents may run the stored one and ignore \`query\``,
  );
}

/** The persisted-document members next to `query` in one JSON request object. */
export function persistedMembers(record: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const name of ['documentId', 'doc_id', 'queryId'] as const) {
    if (record[name] !== undefined && record[name] !== null) out.push(name);
  }
  // Relay's `id` is a string, but a server may take a number as the same stored-document key.
  if (typeof record.id === 'string' || typeof record.id === 'number') out.push('id');
  const extensions = record.extensions;
  if (isRecord(extensions)) {
    const stored = extensions['persistedQuery'];
    if (stored !== undefined && stored !== null) out.push('extensions.persistedQuery');
  } else if (typeof extensions === 'string' && extensions.includes('persistedQuery')) {
    out.push('extensions.persistedQuery');
  }
  return out;
}
