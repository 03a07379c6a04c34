import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { isJson, mediaType } from '../request.js';
import { http } from './rest/route.js';
import type { ProtocolExtractor } from './types.js';

/*
 * The AWS REST-JSON protocol (botocore `"protocol": "rest-json"`; Lambda, EKS, API Gateway):
 *
 *   DELETE /2015-03-31/functions/{FunctionName}?Qualifier=… HTTP/1.1
 *   POST   /clusters HTTP/1.1          Content-Type: application/json   {"name": …}
 *
 * Operations are bound to method and URI template (`http` routes) as for `http` APIs; a payload,
 * when there is one, is a JSON object and nothing else.
 */

export const restJson: ProtocolExtractor = {
  protocol: 'rest-json',
  messages: (request, api) => {
    const type = mediaType(request.headers);
    if (request.text.trim() !== '' && (type === null || !isJson(type))) {
      fail(EXTRACT_CODES.unsupportedContentType, `content type ${quote(type, 'mediaType', 'of an unexpected form')} is not a json payload`);
    }
    return http.messages(request, api);
  },
};
