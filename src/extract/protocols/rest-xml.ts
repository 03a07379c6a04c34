import type { IrApi } from '../../ir/types.js';
import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { mediaType } from '../request.js';
import type { NormalizedRequest } from '../request.js';
import { http } from './rest/route.js';
import { canonicalAsSent } from './original.js';
import type { ProtocolExtractor } from './types.js';

/*
 * The AWS REST-XML protocol (botocore `"protocol": "rest-xml"`; Route 53, CloudFront):
 *
 *   POST /2013-04-01/hostedzone/{Id}/rrset/ HTTP/1.1
 *   Content-Type: application/xml
 *
 *   <ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
 *     <ChangeBatch><Changes><Change><Action>DELETE</Action>…</Change></Changes></ChangeBatch>
 *   </ChangeResourceRecordSetsRequest>
 *
 * An operation is bound to method and URI template (`http` routes); its members are bound to the
 * URI, the query string, headers or the XML payload, each to one place. Arguments are the path's
 * and query string's; the XML payload is the operation's input document, not read for arguments.
 */

export const restXml: ProtocolExtractor = {
  protocol: 'rest-xml',
  messages: (request, api) => http.messages(withoutPayload(request, api), api),
  // The XML payload is not read for arguments: it goes as sent (the signature covers its bytes).
  canonical: (request, api) => canonicalAsSent(request, api),
};

/** The request with its XML payload set aside, once it is one. */
function withoutPayload(request: NormalizedRequest, api: IrApi): NormalizedRequest {
  if (request.text.trim() === '') return request;
  const type = mediaType(request.headers);
  if (type !== 'application/xml' && type !== 'text/xml') {
    fail(EXTRACT_CODES.unsupportedContentType, `content type ${quote(type, 'mediaType', 'of an unexpected form')} is not an xml payload of api \`${api.name}\``);
  }
  return { ...request, text: '' };
}

