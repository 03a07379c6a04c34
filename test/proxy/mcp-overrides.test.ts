// Review: the MCP relay (proxy → guard's code) forwarded target and method override headers, a
// `?_method=` parameter and any method (PUT relayed with its body dropped) undecided. Every method
// is now checked as the proxy checks its own requests (BG443/BG418, HTTP 400), and methods other
// than POST, GET and DELETE are refused (BG403, HTTP 405); nothing refused reaches the server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { send } from './send.js';
import { startProxy, type Harness } from './support.js';

const AUTH = { authorization: 'Bearer fake-supabase-mcp-support-agent-token' };
const PING = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
const JSON_HEADERS = { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('MCP relay: overrides and methods', () => {
  let server: Server;
  let harness: Harness;
  const received: { method: string; url: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url! });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'supabase-mcp', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    server?.closeAllConnections();
    server?.close();
  });

  const refusedCode = (text: string): unknown => (JSON.parse(text) as { error?: { data?: { code?: unknown } } }).error?.data?.code;

  it.each([
    ['POST', { 'x-original-url': '/admin/reset' }, EXTRACT_CODES.targetOverride],
    ['POST', { 'x-forwarded-host': 'prod.internal' }, EXTRACT_CODES.targetOverride],
    ['POST', { forwarded: 'host=prod.internal' }, EXTRACT_CODES.targetOverride],
    ['POST', { script_name: '/admin' }, EXTRACT_CODES.targetOverride],
    ['POST', { x_http_method_override: 'DELETE' }, EXTRACT_CODES.methodOverride],
    ['POST', { 'x-http-method-override': 'DELETE' }, EXTRACT_CODES.methodOverride],
    ['GET', { 'x-original-url': '/admin/reset' }, EXTRACT_CODES.targetOverride],
    ['DELETE', { 'x-original-url': '/admin/reset' }, EXTRACT_CODES.targetOverride],
    ['DELETE', { 'x_method_override': 'POST' }, EXTRACT_CODES.methodOverride],
  ] as const)('%s with %o is refused with its code, not relayed', async (method, headers, code) => {
    received.length = 0;
    const res = await send(harness.proxy.url, { method, path: '/mcp', ...(method === 'POST' ? { body: PING } : {}), headers: { ...JSON_HEADERS, 'mcp-session-id': 's', ...headers } });
    expect(res.status, res.text).toBe(400);
    expect(refusedCode(res.text)).toBe(code);
    expect(received).toEqual([]);
  });

  it('a `_method` url parameter is refused on any method (BG418)', async () => {
    received.length = 0;
    for (const method of ['POST', 'GET', 'DELETE']) {
      const res = await send(harness.proxy.url, { method, path: '/mcp?_method=DELETE', ...(method === 'POST' ? { body: PING } : {}), headers: { ...JSON_HEADERS, 'mcp-session-id': 's' } });
      expect(res.status, `${method}: ${res.text}`).toBe(400);
      expect(refusedCode(res.text)).toBe(EXTRACT_CODES.methodOverride);
    }
    expect(received).toEqual([]);
  });

  it('methods other than POST, GET and DELETE are refused 405 (BG403)', async () => {
    received.length = 0;
    const call = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'p', query: 'DROP TABLE users' } } });
    // OPTIONS without a body: Node's client sends one with neither length nor chunking for it.
    for (const method of ['PUT', 'PATCH', 'OPTIONS']) {
      const res = await send(harness.proxy.url, { method, path: '/mcp', ...(method === 'OPTIONS' ? {} : { body: call }), headers: { ...JSON_HEADERS, 'mcp-session-id': 's' } });
      expect(res.status, `${method}: ${res.text}`).toBe(405);
      expect(res.headers['allow']).toBe('POST, GET, DELETE');
      expect(refusedCode(res.text)).toBe(EXTRACT_CODES.unsupportedMethod);
    }
    expect(received).toEqual([]);
  });

  it('clean POST, GET and DELETE still pass', async () => {
    received.length = 0;
    const post = await send(harness.proxy.url, { method: 'POST', path: '/mcp', body: PING, headers: JSON_HEADERS });
    expect(post.status, post.text).toBe(200);
    for (const method of ['GET', 'DELETE']) {
      const res = await send(harness.proxy.url, { method, path: '/mcp', headers: { ...AUTH, 'mcp-session-id': 's' } });
      expect(res.status, `${method}: ${res.text}`).toBe(200);
    }
    expect(received.map((r) => r.method)).toEqual(['POST', 'GET', 'DELETE']);
  });
});
