// The answer an upstream sends with a `Content-Length` reaches the client through the proxy byte
// for byte as a plain `node:http` server writes it chunk by chunk (`writeHead`, `write` per
// chunk, `end()`): the proxy writes the last chunk of such an answer with `end(chunk)` instead
// (upstream.ts), which must change nothing the client receives, however the body is split.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type Harness } from './support.js';

/** One upstream answer: status, headers as sent (a `Date` keeps the server from adding its own), body pieces with pauses. */
interface Answer {
  status: number;
  reason: string;
  headers: [string, string][];
  /** Each piece is its own write, after its pause: the proxy reads the body in as many parts, or fewer. */
  pieces: { bytes: Buffer; pauseMs: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Upstream writing `current` raw, the body in its pieces. */
function rawUpstream(current: () => Answer): Server {
  return createServer((socket: Socket) => {
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.slice(0, end);
      buffered = '';
      const answer = current();
      const lines = [`HTTP/1.1 ${answer.status} ${answer.reason}`, ...answer.headers.map(([n, v]) => `${n}: ${v}`)];
      void (async () => {
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.startsWith('HEAD ')) return;
        for (const piece of answer.pieces) {
          if (piece.pauseMs > 0) await sleep(piece.pauseMs);
          socket.write(piece.bytes);
        }
      })();
    });
  });
}

/** What a plain `node:http` server sends for the answer, written chunk by chunk as it arrives. */
function referenceServer(current: () => Answer): HttpServer {
  return createHttpServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const answer = current();
    res.writeHead(answer.status, answer.reason, answer.headers.flat());
    if (req.method !== 'HEAD') for (const piece of answer.pieces) res.write(piece.bytes);
    res.end();
  });
}

/** Every byte the server at `port` sends for one request on a connection the client asks to close. */
function rawExchange(port: number, method: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${method} /repos/acme/web HTTP/1.1\r\nHost: api.github.com\r\nAuthorization: Bearer fake-github-developer-gh-token\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const listen = async <S extends Server | HttpServer>(server: S): Promise<number> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
};

describe('answers with a Content-Length, through the proxy', () => {
  let answer: Answer;
  let upstream: Server;
  let reference: HttpServer;
  let referencePort: number;
  let harness: Harness;
  beforeAll(async () => {
    upstream = rawUpstream(() => answer);
    reference = referenceServer(() => answer);
    const upstreamPort = await listen(upstream);
    referencePort = await listen(reference);
    harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${upstreamPort}` }]);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await new Promise<void>((r) => upstream?.close(() => r()));
    await new Promise<void>((r) => reference?.close(() => r()));
  });

  const answers = fc
    .record({
      status: fc.constantFrom([200, 'OK'] as const, [201, 'Created'] as const, [404, 'Not Found'] as const, [500, 'Internal Server Error'] as const),
      body: fc.uint8Array({ maxLength: 40_000 }),
      cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
      pauses: fc.array(fc.constantFrom(0, 0, 2, 10), { minLength: 4, maxLength: 4 }),
      extra: fc.array(fc.tuple(fc.constantFrom('x-trace', 'ETag', 'Cache-Control', 'link'), fc.stringMatching(/^[!-~]{1,20}$/)), { maxLength: 3 }),
      lengthFirst: fc.boolean(),
      method: fc.constantFrom('GET', 'GET', 'HEAD'),
    })
    .map(({ status, body, cuts, pauses, extra, lengthFirst, method }) => {
      const bytes = Buffer.from(body);
      const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
      const bounds = [0, ...points, bytes.length];
      const pieces = bounds.slice(1).map((end, i) => ({ bytes: bytes.subarray(bounds[i], end), pauseMs: pauses[i]! })).filter((p) => p.bytes.length > 0);
      const length: [string, string] = ['Content-Length', String(bytes.length)];
      const headers: [string, string][] = [['Date', 'Tue, 01 Dec 2026 06:00:00 GMT'], ...(lengthFirst ? [length] : []), ['Content-Type', 'application/octet-stream'], ...extra, ...(lengthFirst ? [] : [length])];
      return { answer: { status: status[0], reason: status[1], headers, pieces }, method };
    });

  it('reach the client byte for byte as written chunk by chunk', async () => {
    await fc.assert(
      fc.asyncProperty(answers, async ({ answer: a, method }) => {
        answer = a;
        const expected = await rawExchange(referencePort, method);
        const got = await rawExchange(Number(new URL(harness.proxy.url).port), method);
        expect(got.toString('latin1')).toBe(expected.toString('latin1'));
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
