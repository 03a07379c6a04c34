// Review legit2 #13: a client that stopped reading for longer than the upstream time-out had its
// download cut, because the idle timer kept running while the proxy waited for the client's socket
// to drain. The timer measures the upstream only: a paused client is not a silent upstream.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { githubUpstreamBehindProxy } from './github-rig.js';

const SIZE = 48 * 1024 * 1024;

describe('a slow-reading client and the upstream idle time-out', () => {
  // Writes as fast as the proxy reads it: never silent for as long as the proxy keeps reading.
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const rig = githubUpstreamBehindProxy((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SIZE) });
    let sent = 0;
    const pump = (): void => {
      while (sent < SIZE) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  }, { upstreamTimeoutMs: 300 });

  it('delivers the whole answer to a client that pauses longer than the time-out', async () => {
    const url = new URL(rig.harness.proxy.url);
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(
        { hostname: url.hostname, port: url.port, method: 'GET', path: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } },
        (res) => {
          let bytes = 0;
          let paused = false;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            // After the first megabyte stop reading for five time-outs: the proxy's writes back up.
            if (!paused && bytes >= 1024 * 1024) {
              paused = true;
              res.pause();
              setTimeout(() => res.resume(), 1_500);
            }
          });
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
          res.on('aborted', () => resolve(bytes));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(received).toBe(SIZE);
  }, 30_000);
});
