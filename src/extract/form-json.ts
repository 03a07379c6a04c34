import type { HeaderMap } from '../core/headers.js';
import type { IrApi } from '../ir/types.js';
import { mediaType } from './request.js';

/*
 * `curl -d '{"query": …}'` labels a JSON body `application/x-www-form-urlencoded`. Servers that
 * read their body as JSON whatever its label (an Api declaring `http: { jsonLabelledAsForm:
 * accept }`) run it as JSON, so extraction reads it as JSON too — and a body that is not JSON is
 * then refused, never read as a form. The proxy forwards what it read as `application/json`.
 * Without the declaration the label is taken at its word, as before.
 */

const FORM = 'application/x-www-form-urlencoded';

/** The headers a request is read with: a form label is read as JSON when the Api declares it so. */
export function declaredBodyType(headers: HeaderMap, api: IrApi): HeaderMap {
  if (api.http?.jsonLabelledAsForm !== true || mediaType(headers) !== FORM) return headers;
  const out = new Map(headers);
  out.set('content-type', ['application/json']);
  return out;
}
