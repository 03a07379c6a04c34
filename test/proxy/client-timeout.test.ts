// The client's time to send its whole request (`clientTimeoutMs`): a body that stops coming is
// answered 408 (BG724) and nothing is forwarded; a body sent in pieces within the time is forwarded.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DOMAINS_TOKEN, startProxy, type Harness } from './support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function upstream(seen: string[]): Promise<string> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"me":{"id":"u1"}}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function proxy(url: string): Promise<Harness> {
  const h = await startProxy([{ api: 'railway', url }], { clientTimeoutMs: 300 });
  cleanups.push(() => h.close());
  return h;
}

/** Sends the head and the body pieces with `pause` ms between them; resolves with everything the proxy answered. */
function rawRequest(proxyUrl: string, body: string, pieces: string[], pause: number): Promise<string> {
  const { port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (b: Buffer) => received.push(b));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received).toString()));
    socket.on('connect', () => {
      void (async () => {
        socket.write(
          `POST /graphql/v2 HTTP/1.1\r\nhost: backboard.railway.com\r\nauthorization: Bearer ${DOMAINS_TOKEN}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`,
        );
        for (const piece of pieces) {
          await delay(pause);
          socket.write(piece);
        }
      })();
    });
  });
}

describe('the client time-out', () => {
  it('answers 408 (BG724) to a body that stops coming, and forwards nothing', async () => {
    const seen: string[] = [];
    const h = await proxy(await upstream(seen));
    const body = '{"query":"{ me { id } }"}';
    const answer = await rawRequest(h.proxy.url, body, [body.slice(0, 5)], 10);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(answer).toContain('"code":"BG724"');
    expect(seen).toEqual([]);
  });

  it('forwards a body sent in pieces within the time, and answers it once', async () => {
    const seen: string[] = [];
    const h = await proxy(await upstream(seen));
    const body = '{"query":"{ me { id } }"}';
    const answer = await rawRequest(h.proxy.url, body, [body.slice(0, 5), body.slice(5, 12), body.slice(12)], 60);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(seen).toHaveLength(1);
    // The time-out of a body read in time never fires later on.
    await delay(400);
    expect(seen).toHaveLength(1);
  });
});
