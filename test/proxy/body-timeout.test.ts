// The body reader's time-out (body.ts): one timer per time-out value for every request being read,
// not one per request. Each request still gets its own time: a body that stops coming ends as null
// no earlier than its time-out after its own start, whatever else is being read with the same or
// another time-out; a body that completes in time is read whole.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRequestBody } from '../../src/proxy/body.js';

interface Outcome {
  id: string;
  waitedMs: number;
  body: string | null;
}

describe('body time-outs', () => {
  let server: Server;
  let port = 0;
  const outcomes: Outcome[] = [];
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const started = performance.now();
      void readRequestBody(req, 1_000, Number(req.headers['x-timeout'])).then((body) => {
        outcomes.push({ id: String(req.headers['x-id']), waitedMs: performance.now() - started, body: body === null ? null : body.bytes.toString() });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** Sends a request whose 10-byte body is cut after `sent` bytes, the rest after `restAfterMs` (never when null). */
  const request = (id: string, timeoutMs: number, sent: number, restAfterMs: number | null): void => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nx-id: ${id}\r\nx-timeout: ${timeoutMs}\r\ncontent-length: 10\r\n\r\n${'a'.repeat(sent)}`);
      if (restAfterMs !== null) setTimeout(() => socket.write('b'.repeat(10 - sent)), restAfterMs);
    });
    socket.on('error', () => undefined);
    sockets.push(socket);
  };

  it('ends each stalled body at its own time-out, and reads the others whole', async () => {
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    request('slow-300', 300, 3, null);
    await sleep(60);
    request('slow-150', 150, 0, null);
    request('done-300', 300, 4, 100);
    await sleep(60);
    request('slow-300-later', 300, 5, null);
    request('whole', 300, 10, null);
    while (outcomes.length < 5) await sleep(20);
    const by = new Map(outcomes.map((o) => [o.id, o]));
    expect(by.get('whole')!.body).toBe('aaaaaaaaaa');
    expect(by.get('done-300')!.body).toBe('aaaabbbbbb');
    for (const [id, timeoutMs] of [['slow-300', 300], ['slow-150', 150], ['slow-300-later', 300]] as const) {
      const o = by.get(id)!;
      expect(o.body, id).toBeNull();
      // A millisecond of slack for clock rounding (the reader starts after `started`).
      expect(o.waitedMs, id).toBeGreaterThanOrEqual(timeoutMs - 1);
      expect(o.waitedMs, id).toBeLessThan(timeoutMs + 250);
    }
    // The shorter time-out ended first, although its request came later.
    expect(outcomes.findIndex((o) => o.id === 'slow-150')).toBeLessThan(outcomes.findIndex((o) => o.id === 'slow-300'));
  });
});
