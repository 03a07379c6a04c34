// An upstream that sends its headers and part of the body, then goes silent: past the upstream
// time-out the proxy abandons the call and cuts the answer (its status was already sent), rather
// than holding the client's connection open.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { githubUpstreamBehindProxy } from './github-rig.js';

describe('an upstream silent in the middle of its answer', () => {
  const rig = githubUpstreamBehindProxy((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"part":"');
  }, { upstreamTimeoutMs: 300 });

  it('cuts the answer once the upstream stays silent for the time-out', async () => {
    const url = new URL(rig.harness.proxy.url);
    const started = Date.now();
    const outcome = await new Promise<{ status: number; body: string; complete: boolean }>((resolve, reject) => {
      const req = request({ hostname: url.hostname, port: url.port, method: 'GET', path: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('error', () => undefined);
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(outcome).toEqual({ status: 200, body: '{"part":"', complete: false });
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
