// Review legit2 #2, forward mode: a shutdown cut requests in flight inside intercepted tunnels
// (curl rc 52). With a grace the forward proxy stops accepting, closes idle intercepted
// connections, and lets the request in flight finish, answered with `Connection: close`.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwardRig, through, tunnel, type ForwardRig } from './mode-rig.js';

describe('forward mode drains on close with a grace', () => {
  let upstream: Server;
  let rig: ForwardRig;
  beforeAll(async () => {
    upstream = createServer((_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'), 1_500));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    rig = await startForwardRig([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }]);
  }, 60_000);
  afterAll(async () => {
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  it('finishes the intercepted request in flight, closes an idle tunnel, refuses new connections', async () => {
    const idle = await tunnel(rig, 'api.github.com');
    const idleClosed = new Promise<void>((r) => idle.once('close', () => r()));
    idle.on('error', () => undefined);
    const inFlight = through(rig, 'api.github.com', '/repos/acme/web', { headers: { authorization: 'Bearer fake-github-developer-gh-token', connection: 'keep-alive' } });
    await new Promise((r) => setTimeout(r, 500));
    const closed = rig.close(10_000);
    await idleClosed;
    const refused = await new Promise<string>((resolve) => {
      const s = connect(rig.port, '127.0.0.1', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    const res = await inFlight;
    expect(res.status, res.body).toBe(200);
    expect(res.body).toBe('{"slow":true}');
    expect(res.headers['connection']).toBe('close');
    await closed;
  }, 30_000);
});
