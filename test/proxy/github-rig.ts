// A loopback upstream for the example `github-rest` api behind the proxy (the test harness), which
// records every request it receives: for the suites that check what the proxy forwards, or that
// it forwards nothing.
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { ReverseProxyOptions } from '../../src/proxy/index.js';
import { startProxy, type Harness } from './support.js';

export interface GithubRig {
  /** The proxy in front of the upstream (set once the suite has started). */
  harness: Harness;
  /** What reached the upstream, in order. */
  received: { method: string | undefined; url: string | undefined; headers: IncomingMessage['headers'] }[];
}

/** Registers the rig's set-up and tear-down in the calling suite; the upstream answers every request `status`. */
export function githubRestBehindProxy(status = 200): GithubRig {
  const received: GithubRig['received'] = [];
  const upstream = githubUpstreamBehindProxy((req, res) => {
    received.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    if (status === 204) res.writeHead(204).end();
    else res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  return {
    received,
    get harness() {
      return upstream.harness;
    },
  };
}

/**
 * Registers, in the calling suite, a loopback upstream answering with `handler` for the example
 * `github-rest` api, behind the proxy started with `options`; `harness` is set once the suite has started.
 */
export function githubUpstreamBehindProxy(handler: RequestListener, options: Partial<ReverseProxyOptions> = {}): { harness: Harness } {
  let upstream: Server | undefined;
  const rig = {} as { harness: Harness };
  beforeAll(async () => {
    upstream = createServer(handler);
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
    rig.harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }], options);
  }, 60_000);
  afterAll(async () => {
    await rig.harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => (upstream === undefined ? r() : upstream.close(() => r())));
  });
  return rig;
}
