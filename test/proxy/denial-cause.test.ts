// Review of 3bb7baa (legitimate traffic item 11): `GET /user` (no route in the catalog) was denied
// with the detail "input field `operation` is missing"; only the proxy's log said which route did
// not match. A request that could not be read is denied with the reading's own code and message.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

describe('denial details', () => {
  let upstream: Server;
  let harness: Harness;
  beforeAll(async () => {
    upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  it('a request no route matches is denied with the extractor\'s code and message, not the missing operation', async () => {
    harness.decided.length = 0;
    const res = await send(harness.proxy.url, { method: 'GET', path: '/user/keys', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } });
    expect(res.status).toBe(403);
    const body = res.json() as { detail: string; error_code: string; reasons: string[] };
    expect(body.error_code).toBe(EXTRACT_CODES.wrongEndpoint);
    const error = harness.decided[0]?.input['error'];
    expect(typeof error).toBe('string');
    expect(body.detail).toContain(`${EXTRACT_CODES.wrongEndpoint} ${String(error)}`);
    for (const reason of body.reasons) expect(body.detail).not.toContain(reason);
  });
});
