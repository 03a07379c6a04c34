// Review bypass2 #2: credentials outside the configured token headers reached the upstream
// undecided: a `Cookie` session and an `?access_token=` were forwarded next to the decided
// `Authorization` token, so the upstream could run the call as a principal the decision never saw.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { send } from './send.js';
import { startProxy, type Harness } from './support.js';

const AUTH = { authorization: 'Bearer fake-github-developer-gh-token' };

describe('reverse proxy: credentials the decision does not read', () => {
  let up: Server;
  let harness: Harness;
  const got: { url: string | undefined; headers: IncomingMessage['headers'] }[] = [];
  beforeAll(async () => {
    up = createServer((req, res) => {
      got.push({ url: req.url, headers: req.headers });
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

  it('drops `Cookie` from the forwarded request when the api declares no cookie carrier', async () => {
    got.length = 0;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/repos/acme/blastguard-sandbox', headers: { ...AUTH, cookie: 'user_session=ADMIN-SESSION' } });
    expect(res.status, res.text).toBe(200);
    expect(got).toHaveLength(1);
    expect(got[0]?.headers.cookie).toBeUndefined();
    expect(got[0]?.headers.authorization).toBe(AUTH.authorization);
  });

  it.each(['access_token=OTHER', 'Access_Token=OTHER', '%61ccess_token=OTHER', 'access_token[]=OTHER', 'api_key=k', 'apikey=k', 'token=t', 'private_token=t', 'per_page=5&client_secret=s'])(
    '`?%s` is refused (BG452) and never forwarded',
    async (query) => {
      got.length = 0;
      const res = await send(harness.proxy.url, { method: 'GET', path: `/repos/acme/blastguard-sandbox?${query}`, headers: AUTH });
      expect(res.status, res.text).toBe(403);
      expect(res.json()).toMatchObject({ error_code: EXTRACT_CODES.undecidedCredential });
      expect(got).toEqual([]);
    },
  );

  it('forwards ordinary query parameters (`key`, `per_page`) as before', async () => {
    got.length = 0;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/repos/acme/blastguard-sandbox?per_page=5&key=k', headers: AUTH });
    expect(res.status, res.text).toBe(200);
    expect(got[0]?.url).toBe('/repos/acme/blastguard-sandbox?per_page=5&key=k');
  });
});
