// Review legit2 #16: an upstream that closes idle keep-alive connections without announcing it
// (no `Keep-Alive` header: ALB, nginx, many app servers) raced the proxy's pooled connections, and a
// GET written on a connection the upstream had just closed was answered 502. Idle connections are
// now dropped after undici's 4 s, and an idempotent request that failed on a connection before any
// answer is sent once more on a fresh connection.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_CODES } from '../../src/proxy/index.js';
import { KEEP_ALIVE_MS } from '../../src/proxy/upstream.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

/**
 * A raw HTTP/1.1 upstream: answers the first request on each connection (keeping it open, with no
 * `Keep-Alive` header) and closes the connection unanswered when a second request arrives on it —
 * the race where its idle limit fires as the proxy reuses the connection, made certain.
 */
function closingUpstream(answered = 1): { server: Server; requests: string[]; closedByPeer: () => number } {
  const requests: string[] = [];
  let closedByPeer = 0;
  const server = createServer((socket: Socket) => {
    let served = 0;
    let head = '';
    socket.on('end', () => {
      closedByPeer += 1;
      socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        const end = head.indexOf('\r\n\r\n');
        const line = head.slice(0, head.indexOf('\r\n'));
        head = head.slice(end + 4);
        if (served >= answered) {
          requests.push(`${line} (closed)`);
          socket.destroy();
          return;
        }
        served += 1;
        requests.push(line);
        const body = line.startsWith('HEAD ') ? '' : '{"name":"web"}';
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 14\r\n\r\n${body}`);
      }
    });
  });
  return { server, requests, closedByPeer: () => closedByPeer };
}

describe('upstream connections the upstream closes when idle', () => {
  let upstream: ReturnType<typeof closingUpstream>;
  let harness: Harness;
  beforeAll(async () => {
    upstream = closingUpstream();
    await new Promise<void>((r) => upstream.server.listen(0, '127.0.0.1', r));
    harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}` }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await new Promise<void>((r) => upstream?.server.close(() => r()));
  });

  const call = (method: string): ReturnType<typeof send> =>
    send(harness.proxy.url, { method, path: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } });

  it('sends a GET or HEAD that failed on a reused connection once more, on a fresh one', async () => {
    for (const method of ['GET', 'GET', 'HEAD', 'GET']) {
      const res = await call(method);
      expect(res.status, `${method}: ${res.text}`).toBe(200);
      if (method === 'GET') expect(res.text).toBe('{"name":"web"}');
    }
    // Every call after the first met the closed connection first, then a fresh one.
    expect(upstream.requests.filter((r) => r.endsWith('(closed)')).length).toBeGreaterThan(0);
    expect(upstream.requests.filter((r) => !r.endsWith('(closed)'))).toHaveLength(4);
  });

  it('sends it once more only: 502 when the second connection fails as well', async () => {
    const mute = closingUpstream(0);
    await new Promise<void>((r) => mute.server.listen(0, '127.0.0.1', r));
    const other = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(mute.server.address() as AddressInfo).port}` }]);
    try {
      const res = await send(other.proxy.url, { method: 'GET', path: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } });
      expect(res.status, res.text).toBe(502);
      expect((res.json() as { code: string }).code).toBe(PROXY_CODES.upstreamFailed);
      expect(mute.requests).toEqual(['GET /repos/acme/web HTTP/1.1 (closed)', 'GET /repos/acme/web HTTP/1.1 (closed)']);
    } finally {
      await other.close();
      await new Promise<void>((r) => mute.server.close(() => r()));
    }
  });
});

describe('upstream keep-alive', () => {
  it('closes an idle upstream connection after undici\'s 4 s when the upstream announces no timeout', async () => {
    expect(KEEP_ALIVE_MS).toBeLessThanOrEqual(5_000);
    const upstream = closingUpstream();
    await new Promise<void>((r) => upstream.server.listen(0, '127.0.0.1', r));
    const harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}` }]);
    try {
      const res = await send(harness.proxy.url, { method: 'GET', path: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } });
      expect(res.status).toBe(200);
      const deadline = Date.now() + KEEP_ALIVE_MS + 3_000;
      while (upstream.closedByPeer() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(upstream.closedByPeer()).toBe(1);
    } finally {
      await harness.close();
      await new Promise<void>((r) => upstream.server.close(() => r()));
    }
  }, 30_000);
});
