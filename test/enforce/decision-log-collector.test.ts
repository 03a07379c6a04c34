// Decision-log uploads against a collector that pushes back: the backoff runs on a monotonic clock
// (a wall-clock step back does not stall uploads) and ends with a success; a Retry-After beyond
// the transport's in-place cap gives up the attempt and is honoured as the next earliest upload; a
// 413 (a body limit below upload_size_limit_bytes) shrinks the chunks instead of blocking forever.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError, MAX_RETRY_WAIT_MS, Transport } from '../../src/distribute/index.js';
import { DecisionLog } from '../../src/enforce/index.js';
import type { Decision } from '../../src/ir/types.js';

let server: Server;
let url: string;
let handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void = (_req, _body, res) => res.writeHead(204).end();
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const DENY: Decision = { allow: false, mode: 'deny', enforced: true, would_deny: true, rule: 'r', reasons: [], violations: [], environment: null, environment_assumed: false, class: null, enforcement: null };
const record = (log: DecisionLog, i: number, now = Date.now()): void => log.record({ input: { i, pad: 'x'.repeat(i % 97) }, result: DENY, bundle: null, timeMs: now, durationNs: 1 });
const events = (body: Buffer): number => (JSON.parse(gunzipSync(body).toString('utf8')) as unknown[]).length;

async function until(what: () => boolean, ms = 3_000): Promise<void> {
  const end = performance.now() + ms;
  while (!what()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('upload backoff', () => {
  it('keeps uploading after the wall clock steps back', async () => {
    let failing = true;
    let received = 0;
    handler = (_req, body, res) => {
      if (failing) return void res.writeHead(503).end();
      received += events(body);
      res.writeHead(204).end();
    };
    let offset = 0;
    const log = new DecisionLog({ upload: { url, retries: 0 }, flushIntervalMs: 20 }, {}, () => Date.now() + offset);
    log.start();
    record(log, 0);
    await until(() => log.stats().uploadFailures >= 1);
    failing = false;
    await until(() => received === 1);
    offset = -3_600_000; // the clock is stepped back an hour
    for (let i = 1; i <= 5; i++) record(log, i, Date.now() + offset);
    await until(() => log.stats().uploaded === 6);
    expect(received).toBe(6);
    expect(log.stats().buffered).toBe(0);
    await log.close();
  });

  it('gives up an attempt whose Retry-After is beyond the cap, and waits it before the next', async () => {
    let hits = 0;
    handler = (_req, _body, res) => {
      hits++;
      res.writeHead(429, { 'retry-after': '60' }).end();
    };
    const log = new DecisionLog({ upload: { url, retries: 2 }, flushIntervalMs: 20 }, {}, Date.now);
    log.start();
    record(log, 0);
    await until(() => log.stats().uploadFailures === 1, 2_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(hits).toBe(1);
    expect(log.stats()).toMatchObject({ uploadFailures: 1, buffered: 1 });
    await log.close();
  });

  it('Transport: a Retry-After beyond the cap is not slept on; the error carries it', async () => {
    const slept: number[] = [];
    let calls = 0;
    const transport = new Transport({
      retries: 3,
      sleep: async (ms) => void slept.push(ms),
      fetch: async () => (calls++, new Response(null, { status: 503, headers: { 'retry-after': String(MAX_RETRY_WAIT_MS / 1000 + 50) } })),
    });
    const error = await transport.send({ url: 'http://127.0.0.1:9/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).retryAfterMs).toBe(MAX_RETRY_WAIT_MS + 50_000);
    expect(calls).toBe(1);
    expect(slept).toEqual([]);
  });
});

describe('a collector whose body limit is below upload_size_limit_bytes (413)', () => {
  it('gets smaller chunks: every event arrives', async () => {
    let accepted = 0;
    let refused = 0;
    handler = (_req, body, res) => {
      if (body.byteLength > 1024) {
        refused++;
        return void res.writeHead(413).end();
      }
      accepted += events(body);
      res.writeHead(204).end();
    };
    const log = new DecisionLog({ upload: { url, retries: 0 }, flushIntervalMs: 3_600_000 }, {}, Date.now);
    for (let i = 0; i < 500; i++) record(log, i);
    await log.flush();
    expect(refused).toBeGreaterThan(0);
    expect(accepted).toBe(500);
    expect(log.stats()).toMatchObject({ uploaded: 500, buffered: 0, uploadFailures: 0, dropped: { decision_logs_dropped_upload_size_limit_exceeded: 0 } });
    await log.close();
  });

  it('drops and counts what the collector refuses even at the smallest chunk, and goes on', async () => {
    handler = (_req, _body, res) => void res.writeHead(413).end();
    const log = new DecisionLog({ upload: { url, retries: 0 }, flushIntervalMs: 3_600_000 }, {}, Date.now);
    for (let i = 0; i < 20; i++) record(log, i);
    await log.flush();
    expect(log.stats()).toMatchObject({ uploaded: 0, buffered: 0, dropped: { decision_logs_dropped_upload_size_limit_exceeded: 20 } });
    await log.close();
  });
});
