import type { ServerResponse } from 'node:http';
import { EXTRACT_CODES } from '../extract/index.js';
import type { Refusal } from './denial.js';

/*
 * Apollo's automatic persisted queries (APQ): a client first sends only the hash of its query and,
 * told the hash is not stored, sends the query next to it. The proxy never forwards a hash it
 * cannot expand (the upstream might run another document stored under it), so it answers the probe
 * itself, the way an Apollo server that has not stored the hash does. Apollo Client's persisted-
 * query link resends on the message `PersistedQueryNotFound` or the code `PERSISTED_QUERY_NOT_FOUND`;
 * the resent request is read and decided like any other. The probe itself was decided and logged.
 */

/** Whether every refusal is an APQ hash the proxy cannot expand, so the client may send the query. */
export function onlyPersistedQueryMisses(refusals: readonly Refusal[]): boolean {
  return refusals.length > 0 && refusals.every((r) => r.error?.code === EXTRACT_CODES.persistedQueryNotFound);
}

/** Answers as a GraphQL server whose APQ cache lacks the hash: HTTP 200, nothing forwarded. */
export function sendPersistedQueryNotFound(res: ServerResponse, refusals: readonly Refusal[]): void {
  const text = JSON.stringify({
    errors: refusals.map((r) => ({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', error_code: EXTRACT_CODES.persistedQueryNotFound, decision_id: r.decisionId },
    })),
  });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
