// Review: headers WSGI/CGI servers route on passed the proxy (BG443). gunicorn takes SCRIPT_NAME
// from a `script_name` header and routes on the rest of the path, so
// `/repos/acme/sandbox/contents/a%2Frepos%2Facme%2Fweb` was decided as acme/sandbox while the app
// ran acme/web. Each is refused with its code, never decided, never forwarded.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { send } from './send.js';
import { startProxy, type Harness } from './support.js';

const AUTH = { authorization: 'Bearer fake-github-developer-gh-token' };

describe('reverse proxy: cgi variables and gateway headers a server routes on', () => {
  let up: Server;
  let harness: Harness;
  const got: IncomingMessage['headers'][] = [];
  beforeAll(async () => {
    up = createServer((req, res) => {
      got.push(req.headers);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(up.address() as AddressInfo).port}` }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    up?.closeAllConnections();
    up?.close();
  });

  it('`script_name` that splits an encoded path is refused (BG443)', async () => {
    got.length = 0;
    harness.decided.length = 0;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/repos/acme/sandbox/contents/a%2Frepos%2Facme%2Fweb', headers: { ...AUTH, script_name: '/repos/acme/sandbox/contents/a' } });
    expect(res.status, res.text).toBe(403);
    expect(res.json()).toMatchObject({ error_code: EXTRACT_CODES.targetOverride });
    expect(got).toEqual([]);
  });

  it.each([
    ['path_info', '/repos/acme/web/hooks', EXTRACT_CODES.targetOverride],
    ['script_name', '/admin', EXTRACT_CODES.targetOverride],
    ['x-forwarded-pathbase', '/admin', EXTRACT_CODES.targetOverride],
    ['x-host', 'evil.internal', EXTRACT_CODES.targetOverride],
    ['x-forwarded-server', 'evil.internal', EXTRACT_CODES.targetOverride],
    ['x-original-path', '/admin', EXTRACT_CODES.targetOverride],
    ['x-forwarded-url', '/admin', EXTRACT_CODES.targetOverride],
    ['x_http_method_override', 'DELETE', EXTRACT_CODES.methodOverride],
  ])('`%s` is refused with its code and never forwarded', async (name, value, code) => {
    got.length = 0;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/repos/acme/web', headers: { ...AUTH, [name]: value } });
    expect(res.status, res.text).toBe(403);
    expect(res.json()).toMatchObject({ error_code: code });
    expect(got).toEqual([]);
  });
});
