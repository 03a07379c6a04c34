import type { IrApi } from '../../ir/types.js';
import { headerValues } from '../../core/headers.js';
import { isRecord } from '../../core/record.js';
import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { checkMemberCase, goFold } from '../params.js';
import { mediaType, pathMatchesEndpoint, readJson } from '../request.js';
import type { NormalizedRequest } from '../request.js';
import type { FoundOperation, ProtocolExtractor } from './types.js';
import { catalogedSpelling } from '../operation-case.js';

/*
 * The AWS JSON 1.0 and 1.1 protocols (botocore `"protocol": "json"`; DynamoDB, ECS, KMS, Logs):
 *
 *   POST / HTTP/1.1
 *   Host: ecs.us-east-1.amazonaws.com
 *   X-Amz-Target: AmazonEC2ContainerServiceV20141113.DeleteCluster
 *   Content-Type: application/x-amz-json-1.1
 *
 *   {"cluster": "prod"}
 *
 * The operation is the part of `X-Amz-Target` after the service's target prefix; the body's
 * members are its arguments.
 */

export const awsJson: ProtocolExtractor = {
  protocol: 'aws-json',
  messages: (request, api) => [() => jsonOperations(request, api)],
};

const CONTENT_TYPES = new Set(['application/x-amz-json-1.0', 'application/x-amz-json-1.1']);

function jsonOperations(request: NormalizedRequest, api: IrApi): FoundOperation[] {
  const { method, url, headers, text } = request;
  if (!pathMatchesEndpoint(url, api.endpoint ?? '/')) {
    fail(EXTRACT_CODES.wrongEndpoint, `path \`${url.pathname}\` is not the aws json endpoint \`${api.endpoint ?? '/'}\``);
  }
  if (method !== 'POST') fail(EXTRACT_CODES.unsupportedMethod, `method \`${method}\` cannot carry an aws json operation`);
  const type = mediaType(headers);
  if (type === null || !CONTENT_TYPES.has(type)) {
    fail(EXTRACT_CODES.unsupportedContentType, `content type ${quote(type, 'mediaType', 'of an unexpected form')} is not \`application/x-amz-json-1.0\` or \`-1.1\``);
  }
  // Endpoints that also speak the query protocol (SQS) may run the `Action` instead of the target.
  if ([...url.searchParams.keys()].some((name) => goFold(name.trim()) === 'action')) {
    fail(EXTRACT_CODES.ambiguousParameters, 'the request has an `Action` parameter next to `X-Amz-Target`: endpoints that speak both protocols differ on which they read');
  }
  // Repeated headers may arrive joined by `,` (RFC 9110 §5.3): each piece is a target.
  const targets = new Set(headerValues(headers, 'x-amz-target').flatMap((v) => v.split(',')).map((v) => v.trim()));
  if (targets.size === 0) fail(EXTRACT_CODES.noOperation, 'the request has no `X-Amz-Target` header');
  if (targets.size > 1) fail(EXTRACT_CODES.ambiguousParameters, 'the request has several different `X-Amz-Target` headers: servers differ on which they read');
  const [target = ''] = targets;
  const parts = /^([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9]*)$/.exec(target);
  if (!parts?.[2]) fail(EXTRACT_CODES.invalidBody, 'header `X-Amz-Target` is not of the form `Prefix.Operation`');
  // An empty body is an operation without input (`ListClusters`); servers read it as `{}`.
  const body = text.trim() === '' ? {} : readJson(text);
  if (!isRecord(body)) fail(EXTRACT_CODES.invalidBody, 'an aws json request body must be a json object');
  checkFoldedMembers(body, '');
  return [{ name: catalogedSpelling(api, parts[2], 'target operation'), type: 'request', args: body }];
}

/**
 * AWS services and their emulators written in Go (encoding/json) match members without case and
 * keep the last one that folds like a field: `{"cluster":"a","CLUSTER":"b"}` would be decided on
 * one and run on the other. Two members that fold alike, at any depth, are refused.
 */
function checkFoldedMembers(value: unknown, prefix: string): void {
  if (Array.isArray(value)) {
    for (const item of value) checkFoldedMembers(item, prefix);
    return;
  }
  if (!isRecord(value)) return;
  checkMemberCase(value, [], prefix);
  for (const [key, member] of Object.entries(value)) checkFoldedMembers(member, `${prefix}${key}.`);
}
