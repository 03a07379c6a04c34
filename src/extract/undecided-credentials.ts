import type { IrApi } from '../ir/types.js';
import { labelled } from '../core/untrusted.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';

/*
 * Credentials the decision does not read must not reach the upstream: a request decided for the
 * token in `Authorization` but run by the upstream as the principal of a session cookie or an
 * `?access_token=` runs the decided operation as someone the scope check never saw.
 *
 * - `Cookie` is dropped from what the proxy forwards, unless the api names `Cookie` among its
 *   `tokens.headers` (then its whole value is the credential read and fingerprinted).
 * - A query parameter named like a common credential carrier is refused. The list is short on
 *   purpose: names that APIs use for credentials and rarely for anything else (OAuth 2.0 bearer
 *   tokens in the URI, RFC 6750 §2.3; API keys; GitLab's and Gitea's token parameters; OAuth
 *   client secrets). `key` is left out: it is an ordinary parameter of too many APIs (object keys,
 *   sort keys, KV stores), although some (Google) take an API key in it.
 *
 * The AWS protocols are left alone: their principal is the SigV4 signature, read from the header or
 * a presigned url (presigned.ts); a parameter named `Token` there (SNS `ConfirmSubscription`) is an
 * argument signed along with the rest, not another principal.
 */

const CARRIERS = new Set(['access_token', 'api_key', 'apikey', 'api-key', 'api_token', 'auth_token', 'private_token', 'token', 'client_secret']);

const MAYBE = /token|key|secret|%/i;

const AWS = new Set<IrApi['protocol']>(['aws-query', 'aws-json', 'rest-xml', 's3']);

/** Whether `Cookie` is one of the api's declared credential headers, and so may be forwarded. */
export function forwardsCookie(api: IrApi): boolean {
  // Asked of every request: only a name of six characters can lowercase to `cookie`.
  for (const h of api.tokens.headers) if (h.name.length === 6 && h.name.toLowerCase() === 'cookie') return true;
  return false;
}

/** Fails when the query string `search` names a credential carrier the decision does not read. */
export function checkQueryCredentials(search: string, api: IrApi): void {
  if (search.length < 2 || AWS.has(api.protocol)) return;
  // Most query strings name no carrier: parsed only when one may be there (an escape may spell one).
  if (!MAYBE.test(search)) return;
  for (const name of new URLSearchParams(search).keys()) {
    // `access_token[]` and `Access_Token` are the same parameter to some frameworks (Rack, PHP; case-folding routers),
    // and PHP reads `.` and a space in a name as `_` (`access.token`, `access+token`).
    const bare = name.split('[', 1)[0]!.trim().toLowerCase().replace(/[. ]/g, '_');
    if (CARRIERS.has(bare)) {
      fail(
        EXTRACT_CODES.undecidedCredential,
        `${labelled('query parameter', name, 'key', 'a query parameter')} carries a credential the decision does not read: the upstream may act as another principal than the token decided; send the credential in a configured token header`,
      );
    }
  }
}
