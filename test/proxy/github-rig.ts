// A loopback upstream for the example `github-rest` api behind the proxy (the test harness), which
// records every request it receives: for the suites that check what the proxy forwards, or that
// it forwards nothing.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startProxy, type Harness } from './support.js';

export interface GithubRig {
  /** The proxy in front of the upstream (set once the suite has started). */
  harness: Harness;
  /** What reached the upstream, in order. */
  received: { method: string | undefined; url: string | undefined; headers: IncomingMessage['headers'] }[];
}

/** Registers the rig's set-up and tear-down in the calling suite; the upstream answers every request `status`. */
export function githubRestBehindProxy(status = 200): GithubRig {
  let upstream: Server | undefined;
  const rig = { received: [] } as unknown as GithubRig;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      rig.received.push({ method: req.method, url: req.url, headers: req.headers });
      req.resume();
      if (status === 204) res.writeHead(204).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
    rig.harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }]);
  }, 60_000);
  afterAll(async () => {
    await rig.harness?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => (upstream === undefined ? r() : upstream.close(() => r())));
  });
  return rig;
}
