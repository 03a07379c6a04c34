import type { HeaderMap } from '../../../core/headers.js';
import { isRecord } from '../../../core/record.js';
import { quote } from '../../../core/untrusted.js';
import { EXTRACT_CODES } from '../../codes.js';
import { fail } from '../../failure.js';
import { isJson, mediaType, readJson } from '../../request.js';
import { multipartFields } from './multipart.js';
import type { Parameter } from './params.js';

/*
 * Request bodies that carry named parameters: a JSON object (RFC 8259), an
 * `application/x-www-form-urlencoded` form (WHATWG URL, "application/x-www-form-urlencoded
 * parsing"), or `multipart/form-data` fields (RFC 7578).
 */

/**
 * The named parameters of an HTTP API request's body, whatever its content type: the members of a
 * JSON object, urlencoded form fields, multipart form-data fields. A non-empty body the enforcer
 * cannot read for parameters (text/plain, octet-stream, no content type) may still carry them for
 * the server (which may sniff JSON, or read a form), so it is unparseable.
 */
export function bodyParameters(headers: HeaderMap, text: string): Parameter[] {
  if (text.trim() === '') return [];
  const type = mediaType(headers);
  if (type === null) return fail(EXTRACT_CODES.unsupportedContentType, 'the request has a body but no content type: servers differ on how they read it');
  if (isJson(type)) {
    const value = readJson(text);
    return isRecord(value) ? Object.entries(value).map(([name, v]) => ({ name, value: v })) : [];
  }
  if (type === 'application/x-www-form-urlencoded') return [...new URLSearchParams(text)].map(([name, value]) => ({ name, value }));
  if (type === 'multipart/form-data') {
    return multipartFields(headers, text) ?? fail(EXTRACT_CODES.invalidBody, 'the multipart body cannot be read into named fields');
  }
  return fail(EXTRACT_CODES.unsupportedContentType, `content type ${quote(type, 'mediaType', 'of an unexpected form')} cannot be read for request parameters`);
}
