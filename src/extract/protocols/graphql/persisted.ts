import { createHash } from 'node:crypto';
import type { IrApi } from '../../../ir/types.js';
import { isRecord } from '../../../core/record.js';
import { quote } from '../../../core/untrusted.js';
import { EXTRACT_CODES } from '../../codes.js';
import { fail } from '../../failure.js';
import { checkMemberCase } from '../../params.js';
import { readJson } from '../../request.js';
import { GRAPHQL_MEMBERS, persistedNextToQuery } from './members.js';

/*
 * Stored documents named instead of a `query` (issue 11: "persisted queries are expanded only
 * from a trusted-documents manifest the Api declares"):
 *
 *   Apollo APQ                 {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}, "variables": …}
 *   GraphQL over HTTP (App. A) {"documentId": "sha256:<hex>" | "<custom id>", "operationName": …, "variables": …}
 *   Relay and others           {"doc_id": "…"}, {"id": "…"}, {"queryId": "…"}
 *
 * A request naming one is rewritten into the plain request the manifest's body makes of it, before
 * anything is decided: extraction reads that document, and the proxy forwards it printed, never the
 * id (so the upstream cannot run another document stored under it). A `query` next to an id is
 * read only when every id is the `query`'s own sha256, as Apollo clients send while registering.
 */

const bodies = new WeakMap<IrApi, ReadonlyMap<string, string>>();

function trustedBodies(api: IrApi): ReadonlyMap<string, string> | null {
  if (api.trustedDocuments === undefined) return null;
  let map = bodies.get(api);
  if (map === undefined) bodies.set(api, (map = new Map(api.trustedDocuments.map((d) => [d.id, d.body]))));
  return map;
}

/** One stored-document id a request names: the member it came from and the manifest key it names. */
interface StoredId {
  member: string;
  /** The manifest id (sha256 hex) it names; for `documentId: "sha256:<hex>"` the hex. */
  id: string;
}

/**
 * The request with a stored-document id replaced by its trusted document, or as it was when it
 * names none. Never returns a request that still names one.
 */
export function expandStoredDocument(entry: unknown, api: IrApi): unknown {
  if (!isRecord(entry)) return entry;
  const ids = storedIds(entry);
  // A request naming no stored document goes on as it is (its members' case is checked there).
  if (ids.length === 0) return entry;
  // Before anything is dropped: a member spelled in another case is refused on the request as sent.
  checkMemberCase(entry, GRAPHQL_MEMBERS);
  const { query } = entry;
  if (query !== undefined && query !== null) {
    // Apollo's registration request: the query and its own hash name one document.
    const own = typeof query === 'string' ? createHash('sha256').update(query, 'utf8').digest('hex') : null;
    if (own === null || ids.some((s) => s.id !== own)) persistedNextToQuery(ids.map((s) => s.member));
    return plain(entry, query);
  }
  const trusted = trustedBodies(api);
  // An APQ hash alone is a cache probe with a fallback: the client sends the query when told the
  // hash is not stored. Other ids (`documentId`, Relay's) have none: a document the manifest lacks is refused.
  if (ids.length === 1 && ids[0]!.member === 'extensions.persistedQuery' && trusted?.get(ids[0]!.id) === undefined) {
    fail(EXTRACT_CODES.persistedQueryNotFound, `\`extensions.persistedQuery\` names ${quote(ids[0]!.id, 'id', 'a document')}, which is not stored: send the query with it`);
  }
  if (trusted === null) return fail(EXTRACT_CODES.missingQuery, 'the request names a stored document and the api declares no trusted documents');
  let body: string | undefined;
  for (const { member, id } of ids) {
    const found = trusted.get(id);
    if (found === undefined) fail(EXTRACT_CODES.unknownStoredDocument, `\`${member}\` names ${quote(id, 'id', 'a document')}, which is not in the api's trusted documents`);
    if (body !== undefined && found !== body) fail(EXTRACT_CODES.unknownStoredDocument, `the request names two different stored documents (${ids.map((s) => `\`${s.member}\``).join(', ')})`);
    body = found;
  }
  return plain(entry, body);
}

/** The plain GraphQL request: `query`, and the caller's `operationName` and `variables` as sent. */
function plain(entry: Readonly<Record<string, unknown>>, query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { query };
  if (entry.operationName !== undefined) out.operationName = entry.operationName;
  if (entry.variables !== undefined) out.variables = entry.variables;
  return out;
}

/** Every stored-document id the request names, in member order; an id that cannot be read is refused. */
function storedIds(entry: Readonly<Record<string, unknown>>): StoredId[] {
  const out: StoredId[] = [];
  const unreadable = (member: string): never => fail(EXTRACT_CODES.invalidBody, `\`${member}\` is not a string document id`);
  const documentId = entry['documentId'];
  if (documentId !== undefined && documentId !== null) {
    if (typeof documentId !== 'string') return unreadable('documentId');
    // A prefixed identifier (`sha256:<hex>`) names the manifest id after its prefix; another
    // prefix names a method the manifest does not use, and never matches.
    const colon = documentId.indexOf(':');
    const id = colon === -1 ? documentId : documentId.slice(0, colon) === 'sha256' ? documentId.slice(colon + 1) : documentId;
    out.push({ member: 'documentId', id });
  }
  for (const member of ['doc_id', 'queryId', 'id'] as const) {
    const value = entry[member];
    if (value === undefined || value === null) continue;
    // Relay's ids are strings; a server may take a number as the same key.
    if (typeof value === 'number') out.push({ member, id: String(value) });
    else if (typeof value === 'string') out.push({ member, id: value });
    else if (member !== 'id') unreadable(member);
  }
  let extensions = entry['extensions'];
  // In a GET's url `extensions` is JSON text.
  if (typeof extensions === 'string') {
    if (!extensions.includes('persistedQuery')) return out;
    extensions = readJson(extensions);
  }
  if (isRecord(extensions)) {
    const stored = extensions['persistedQuery'];
    if (stored !== undefined && stored !== null) {
      const hash = isRecord(stored) ? stored['sha256Hash'] : undefined;
      if (typeof hash !== 'string') return unreadable('extensions.persistedQuery.sha256Hash');
      out.push({ member: 'extensions.persistedQuery', id: hash });
    }
  }
  return out;
}
