// In forward mode, as in the reverse proxy, a handler that fails while deciding is answered 500
// and the proxy goes on serving. The forward handler used to drop the handler's promise, so the
// failure became an unhandled rejection, which ends a Node process: one bad request stopped the
// proxy for every client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_CODES } from '../../../src/proxy/index.js';
import { startForwardRig, through, type ForwardRig } from './mode-rig.js';

describe('forward mode, a handler that fails while deciding', () => {
  let upstream: Server;
  let rig: ForwardRig;
  let failing = true;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"web"}'));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    rig = await startForwardRig([{ api: 'github-rest', url }], undefined, () => {
      if (failing) throw new Error('the decision failed');
    });
  }, 60_000);
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await rig?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  it('answers 500, rejects nothing unhandled, and serves the next request', async () => {
    const call = (): ReturnType<typeof through> => through(rig, 'api.github.com', '/repos/acme/web', { headers: { authorization: 'Bearer fake-github-developer-gh-token' } });
    failing = true;
    const failed = await call();
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toMatchObject({ code: PROXY_CODES.upstreamFailed });
    failing = false;
    const served = await call();
    expect(served.status, served.body).toBe(200);
    expect(served.body).toBe('{"name":"web"}');
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  }, 60_000);
});
