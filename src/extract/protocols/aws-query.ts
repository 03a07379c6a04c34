import type { IrApi } from '../../ir/types.js';
import { headerValues } from '../../core/headers.js';
import { labelled, quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { checkParameterNames, goFold } from '../params.js';
import { mediaType, pathMatchesEndpoint } from '../request.js';
import type { NormalizedRequest } from '../request.js';
import type { FoundOperation, ProtocolExtractor } from './types.js';
import { awsParameters } from './aws-params.js';
import { catalogedSpelling } from '../operation-case.js';

/*
 * The AWS Query protocol (botocore `"protocol": "query"` / `"ec2"`; EC2, IAM, RDS, STS, ELB,
 * CloudFormation):
 *
 *   POST / HTTP/1.1
 *   Host: rds.us-east-1.amazonaws.com
 *   Content-Type: application/x-www-form-urlencoded; charset=utf-8
 *
 *   Action=DeleteDBInstance&Version=2014-10-31&DBInstanceIdentifier=db-1&SkipFinalSnapshot=true
 *
 * or the same parameters in the query string of a GET. The operation is the `Action`; lists are
 * flattened as `InstanceId.1=…` (EC2) or `Names.member.1=…` (query services).
 */

export const awsQuery: ProtocolExtractor = {
  protocol: 'aws-query',
  messages: (request, api) => [() => queryOperations(request, api)],
};

/** Parameters that select what runs; a JSON-protocol target next to them would be read by some endpoints instead. */
const SELECTORS = ['Action', 'Version'] as const;

function queryOperations(request: NormalizedRequest, api: IrApi): FoundOperation[] {
  const { method, url, headers, text } = request;
  if (!pathMatchesEndpoint(url, api.endpoint ?? '/')) {
    fail(EXTRACT_CODES.wrongEndpoint, `path \`${url.pathname}\` is not the aws query endpoint \`${api.endpoint ?? '/'}\``);
  }
  if (method !== 'POST' && method !== 'GET') fail(EXTRACT_CODES.unsupportedMethod, `method \`${method}\` cannot carry an aws query action`);
  if (headerValues(headers, 'x-amz-target').length > 0) {
    // Services moving from the query to the JSON protocol (SQS) accept both: which one wins is theirs.
    fail(EXTRACT_CODES.ambiguousParameters, 'the request has an `X-Amz-Target` header next to query parameters: endpoints that speak both protocols differ on which they read');
  }
  const fromUrl = [...url.searchParams];
  let fromBody: [string, string][] = [];
  if (text.trim() !== '') {
    if (method === 'GET') fail(EXTRACT_CODES.ambiguousParameters, 'a GET request with a body: servers differ on whether they read the url or the body');
    const type = mediaType(headers);
    if (type !== 'application/x-www-form-urlencoded') {
      fail(EXTRACT_CODES.unsupportedContentType, `content type ${quote(type, 'mediaType', 'of an unexpected form')} is not an aws query form`);
    }
    fromBody = [...new URLSearchParams(text)];
  }
  checkParameterNames(url.search, fromUrl.map(([n]) => n), SELECTORS);
  checkParameterNames(text, fromBody.map(([n]) => n), SELECTORS);
  // A parameter in both the url and the body: AWS reads both, in an order it does not document.
  const inUrl = new Set(fromUrl.map(([n]) => goFold(n)));
  const both = fromBody.find(([n]) => inUrl.has(goFold(n)));
  if (both) fail(EXTRACT_CODES.ambiguousParameters, `${labelled('parameter', both[0], 'key', 'a parameter')} is given in the query string and the body: servers differ on which wins`);
  const args = awsParameters([...fromUrl, ...fromBody], SELECTORS);
  const action = args['Action'];
  if (typeof action !== 'string' || action === '') fail(EXTRACT_CODES.noOperation, 'the request has no `Action` parameter');
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(action)) fail(EXTRACT_CODES.invalidBody, `${quote(action, 'key', 'the action')} is not an aws action name`);
  delete args['Action'];
  delete args['Version'];
  return [{ name: catalogedSpelling(api, action, 'action'), type: 'request', args }];
}
