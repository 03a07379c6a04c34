// Review: headers WSGI/CGI servers and gateways route on passed BG443 — gunicorn sets SCRIPT_NAME
// from a `script_name` header by default (PATH_INFO from `path_info` from 22) and routes on the
// rest of the path. Each is refused with its code; names that fold onto nothing are not.
import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, overrideOf } from '../../src/extract/index.js';
import { normalizeHeaders } from '../../src/core/headers.js';
import { URL_COM } from './fixture.js';
import { errorCode, ops } from './helpers.js';

const body = JSON.stringify({ query: '{ me { id } }' });
const withHeaders = (headers: Record<string, string>): Parameters<typeof errorCode>[0] => ({ method: 'POST', url: URL_COM, headers: { 'Content-Type': 'application/json', ...headers }, body });

describe('target and method overrides', () => {
  test.each([
    'script_name', 'SCRIPT_NAME', 'script-name', 'path_info', 'PATH_INFO', 'path-translated', 'request_uri', 'query_string', 'server_name',
    'x-forwarded-pathbase', 'X_Forwarded_PathBase', 'x-original-path', 'x-forwarded-url', 'x-host', 'x-forwarded-server', 'x_forwarded_server',
  ])('`%s` is refused (BG443)', (name) => {
    expect(errorCode(withHeaders({ [name]: '/graphql/v2' }))).toBe(EXTRACT_CODES.targetOverride);
  });

  test.each(['x_http_method_override', 'X_HTTP_METHOD', 'x_method_override', 'x_original_method', 'request_method', 'Request-Method'])('`%s` is refused (BG418)', (name) => {
    expect(errorCode(withHeaders({ [name]: 'DELETE' }))).toBe(EXTRACT_CODES.methodOverride);
  });

  test('two names that are one cgi variable are refused; other `_` names pass', () => {
    expect(errorCode(withHeaders({ x_host: 'evil.internal' }))).toBe(EXTRACT_CODES.targetOverride);
    expect(errorCode(withHeaders({ 'x-tenant': 'acme', x_tenant: 'other' }))).toBe(EXTRACT_CODES.targetOverride);
    expect(overrideOf(normalizeHeaders({ host: 'a', ho_st: 'b' }))).toBeNull();
    expect(overrideOf(normalizeHeaders({ h_o_s_t: 'b' }))).toBeNull();
    expect(overrideOf(normalizeHeaders({ 'x_request_id': '1', api_key: 'k', 'x-forwarded-for': '192.0.2.1' }))).toBeNull();
    expect(ops(withHeaders({ x_request_id: 'abc' }))).toEqual(['me']);
  });

  test('overrideOf reads a `_method` url parameter, with or without `?`', () => {
    expect(overrideOf(normalizeHeaders({}), '?a=1&_METHOD=DELETE')?.code).toBe(EXTRACT_CODES.methodOverride);
    expect(overrideOf(normalizeHeaders({}), '_method=PUT')?.code).toBe(EXTRACT_CODES.methodOverride);
    expect(overrideOf(normalizeHeaders({}), 'method=PUT')).toBeNull();
  });
});
