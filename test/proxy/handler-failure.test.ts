// A handler that fails after the body was read (here: the enforcer throws while deciding) is
// answered 500 by the reverse proxy, which goes on serving; `createProxyHandler`'s promise rejects
// with what was thrown. The handler continues from the body reader's event, with no promise per
// request (handler.ts): a failure there must still reach the one answer, not the event emitter.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_CODES, createProxyHandler, startReverseProxy, upstreamPool, type ReverseProxy, type Upstream } from '../../src/proxy/index.js';
import { createRequestHandler } from '../../src/proxy/handler.js';
import { startProxy, type Harness } from './support.js';
import { send } from './send.js';

describe('a handler that fails while deciding', () => {
  let upstream: Server;
  let harness: Harness;
  let proxy: ReverseProxy;
  let failing = true;
  let catalogFails = false;
  let upstreamUrl = '';
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"web"}'));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    harness = await startProxy([{ api: 'github-rest', url: upstreamUrl }]);
    const { enforcer } = harness;
    proxy = await startReverseProxy({
      port: 0,
      upstreams: [{ api: 'github-rest', url: upstreamUrl }],
      enforcer: {
        catalog: () => {
          if (catalogFails) throw new Error('the catalog failed');
          return enforcer.catalog();
        },
        status: () => enforcer.status(),
        metrics: enforcer.metrics,
        decide: (input, context) => {
          if (failing) throw new Error('the decision failed');
          return enforcer.decide(input, context);
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  const call = (url: string, body?: string): ReturnType<typeof send> =>
    send(url, { method: body === undefined ? 'GET' : 'POST', path: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body }) });

  it('answers 500 and serves the next request', async () => {
    failing = true;
    const failed = await call(proxy.url);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.text)).toMatchObject({ code: PROXY_CODES.upstreamFailed });
    failing = false;
    const served = await call(proxy.url);
    expect(served.status).toBe(200);
    expect(served.text).toBe('{"name":"web"}');
  });

  it('rejects the promise of `createProxyHandler` with what was thrown', async () => {
    const origin = new URL(upstreamUrl);
    const target: Upstream = { api: 'github-rest', origin, pool: upstreamPool(origin) };
    const { enforcer } = harness;
    const handle = createProxyHandler({
      enforcer: {
        catalog: () => enforcer.catalog(),
        decide: () => {
          throw new Error('the decision failed');
        },
      },
    });
    const outcomes: Promise<unknown>[] = [];
    const front = createServer((req: IncomingMessage, res) => {
      outcomes.push(
        handle(req, res, target).then(
          () => 'resolved',
          (e: unknown) => {
            res.writeHead(500).end();
            return (e as Error).message;
          },
        ),
      );
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    try {
      const res = await call(`http://127.0.0.1:${(front.address() as AddressInfo).port}`, '{}');
      expect(res.status).toBe(500);
      expect(await Promise.all(outcomes)).toEqual(['the decision failed']);
    } finally {
      front.closeAllConnections();
      front.close();
      await target.pool.destroy();
    }
  });

  it('answers 500 when routing fails, before the body is read, and serves the next request', async () => {
    // Before: the reverse proxy's request listener read the catalog outside any try, so this
    // failure was an uncaught exception that ended the process.
    failing = false;
    catalogFails = true;
    try {
      const failed = await call(proxy.url);
      expect(failed.status).toBe(500);
      expect(JSON.parse(failed.text)).toMatchObject({ code: PROXY_CODES.upstreamFailed });
    } finally {
      catalogFails = false;
    }
    const served = await call(proxy.url);
    expect(served.status).toBe(200);
  });

  it('settles a failure before the body is read instead of throwing from the request handler', async () => {
    const origin = new URL(upstreamUrl);
    const target: Upstream = { api: 'github-rest', origin, pool: upstreamPool(origin) };
    const { enforcer } = harness;
    const handle = createRequestHandler({
      enforcer: {
        catalog: () => {
          throw new Error('the catalog failed');
        },
        decide: (input, context) => enforcer.decide(input, context),
      },
    });
    const outcomes: string[] = [];
    const front = createServer((req: IncomingMessage, res) => {
      try {
        handle(req, res, target, (settledRes, failure) => {
          outcomes.push(failure === undefined ? 'settled' : `failed: ${(failure.error as Error).message}`);
          settledRes.writeHead(500).end();
        });
      } catch (e) {
        outcomes.push(`thrown: ${(e as Error).message}`);
        res.writeHead(500).end();
      }
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    try {
      const res = await call(`http://127.0.0.1:${(front.address() as AddressInfo).port}`, '{}');
      expect(res.status).toBe(500);
      expect(outcomes).toEqual(['failed: the catalog failed']);
    } finally {
      front.closeAllConnections();
      front.close();
      await target.pool.destroy();
    }
  });
});
