// Review: headers WSGI/CGI servers route on passed the proxy (BG443). gunicorn takes SCRIPT_NAME
// from a `script_name` header and routes on the rest of the path, so
// `/repos/acme/sandbox/contents/a%2Frepos%2Facme%2Fweb` was decided as acme/sandbox while the app
// ran acme/web. Each is refused with its code, never decided, never forwarded.
import { describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { send } from './send.js';
import { githubRestBehindProxy } from './github-rig.js';

const AUTH = { authorization: 'Bearer fake-github-developer-gh-token' };

describe('reverse proxy: cgi variables and gateway headers a server routes on', () => {
  const rig = githubRestBehindProxy();

  it('`script_name` that splits an encoded path is refused (BG443)', async () => {
    rig.received.length = 0;
    rig.harness.decided.length = 0;
    const res = await send(rig.harness.proxy.url, { method: 'GET', path: '/repos/acme/sandbox/contents/a%2Frepos%2Facme%2Fweb', headers: { ...AUTH, script_name: '/repos/acme/sandbox/contents/a' } });
    expect(res.status, res.text).toBe(403);
    expect(res.json()).toMatchObject({ error_code: EXTRACT_CODES.targetOverride });
    expect(rig.received).toEqual([]);
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
    rig.received.length = 0;
    const res = await send(rig.harness.proxy.url, { method: 'GET', path: '/repos/acme/web', headers: { ...AUTH, [name]: value } });
    expect(res.status, res.text).toBe(403);
    expect(res.json()).toMatchObject({ error_code: code });
    expect(rig.received).toEqual([]);
  });
});
