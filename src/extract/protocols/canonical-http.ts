import type { IrApi } from '../../ir/types.js';
import { stringifyInWrittenOrder } from '../../core/json-ordered.js';
import { quote } from '../../core/untrusted.js';
import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';
import { isJson, mediaType, readJson } from '../request.js';
import type { NormalizedRequest } from '../request.js';
import { withOriginal } from './original.js';
import type { CanonicalMessage } from './types.js';

/*
 * The canonical HTTP request the egress proxy forwards for an API read by its route and parameters
 * (REST, AWS query/JSON, REST-XML, S3, MCP): RFC 9110 semantics, written once —
 *
 *   <METHOD> <path>?<query re-encoded by the WHATWG urlencoded serializer>
 *   Content-Type: <the body's one media type>
 *   <a JSON body re-serialized, members in written order | a form body re-encoded | any other body as read>
 */

/** The AWS JSON protocols' media types (`application/x-amz-json-1.0`, `-1.1`): JSON, read as such. */
const AWS_JSON = /^application\/x-amz-json-\d+\.\d+$/;

/**
 * The request written back from what extraction read: query and body parameters encoded once each;
 * for the AWS protocols and signed requests, the original where it reads exactly as decided (original.ts).
 */
export function canonicalHttp(request: NormalizedRequest, api: IrApi): CanonicalMessage {
  return withOriginal(request, api, rewritten(request));
}

function rewritten(request: NormalizedRequest): CanonicalMessage {
  const { method, url, headers, text } = request;
  const search = new URLSearchParams([...url.searchParams]).toString();
  const target = `${url.pathname}${search === '' ? '' : `?${search}`}`;
  if (text === '') return { method, target, contentType: null, body: '' };
  const type = mediaType(headers);
  if (type === null) return fail(EXTRACT_CODES.unsupportedContentType, 'the request has a body but no content type: servers differ on how they read it');
  if (type.includes(',')) return fail(EXTRACT_CODES.unsupportedContentType, `the request has several content types (${quote(type, 'mediaType', 'of an unexpected form')})`);
  if (isJson(type) || AWS_JSON.test(type)) return { method, target, contentType: type, body: stringifyInWrittenOrder(text, readJson(text)) };
  if (type === 'application/x-www-form-urlencoded') return { method, target, contentType: type, body: new URLSearchParams(text).toString() };
  if (type.startsWith('multipart/')) return fail(EXTRACT_CODES.notForwardable, 'a multipart body is not forwarded: the proxy writes back only json and form bodies');
  // A body this protocol reads whole (XML, text) goes as it was read, in UTF-8, under its one media type.
  return { method, target, contentType: `${type}; charset=utf-8`, body: text };
}
