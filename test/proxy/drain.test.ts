// Review legit2 #2: SIGTERM cut requests in flight (curl: empty reply), although Kubernetes sends
// it on every rolling update. `blastguard proxy` now drains: it stops accepting, closes idle
// keep-alive connections, lets requests in flight finish within `--shutdown-grace` (answered with
// `Connection: close`), then exits 0. The built CLI runs as a user runs it.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { requireBuiltCli } from '../guard/support.js';
import { startCli, tryConnect } from './cli-process.js';
import { signedBundleDir, startProxy } from './support.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A GET through the proxy on a connection of its own; rejects when the connection is cut. */
function get(base: string, p = '/repos/acme/web'): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path: p, agent: false, headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end();
  });
}

const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.once('exit', (code) => resolve(code)));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('blastguard proxy drains on SIGTERM', () => {
  let dir: string;
  let upstream: Server;
  let base: string[];
  beforeAll(async () => {
    requireBuiltCli();
    dir = await signedBundleDir('bg-proxy-drain-');
    // Takes 1.5 s to answer: long enough for a signal to arrive in the middle.
    upstream = createServer((_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'), 1_500));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    base = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0', '--upstream', `github-rest=http://127.0.0.1:${(upstream.address() as AddressInfo).port}`];
  }, 60_000);
  afterAll(async () => {
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a request in flight finish (200, `Connection: close`), refuses new connections, closes idle ones, exits 0', async () => {
    const { child, url } = await startCli(base, dir);
    const exit = exited(child);
    // An idle keep-alive connection, open before the signal.
    const idle = connect(Number(new URL(url).port), '127.0.0.1');
    const idleClosed = new Promise<void>((r) => idle.once('close', () => r()));
    idle.on('error', () => undefined);
    await new Promise<void>((r) => idle.once('connect', () => r()));
    const inFlight = get(url);
    await sleep(500);
    child.kill('SIGTERM');
    await idleClosed;
    await sleep(100);
    expect(await tryConnect(url)).toBe('ECONNREFUSED');
    const res = await inFlight;
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('{"slow":true}');
    expect(res.headers['connection']).toBe('close');
    expect(await exit).toBe(0);
  }, 60_000);

  it('ends what is still running when the grace is over, and exits 0', async () => {
    const { child, url } = await startCli([...base, '--shutdown-grace', '0.3'], dir);
    const exit = exited(child);
    const inFlight = get(url).then(
      () => 'answered',
      () => 'cut',
    );
    await sleep(300);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(await inFlight).toBe('cut');
  }, 60_000);

  it('refuses a `--shutdown-grace` that is not a number of seconds from 0 to 86400', async () => {
    for (const value of ['-1', 'soon', '86401']) {
      const bad = await runCli([...base, '--shutdown-grace', value], { cwd: dir });
      expect(bad.code, value).toBe(2);
      expect(bad.stderr).toContain('--shutdown-grace');
    }
    const help = await runCli(['proxy', '--help'], { cwd: dir });
    expect(help.stdout).toMatch(/--shutdown-grace <seconds>/);
  });
});

describe('the reverse proxy while it drains', () => {
  it('answers a request arriving on a busy kept-alive connection with `Connection: close`, /readyz 503', async () => {
    // Headers at once, the body 1 s later: the first answer is under way when the drain starts.
    const upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first half ');
      setTimeout(() => res.end('second half'), 1_000);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }]);
    try {
      const url = new URL(harness.proxy.url);
      const socket = connect(Number(url.port), url.hostname);
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => (text += c));
      const ended = new Promise<void>((r) => socket.once('close', () => r()));
      socket.write('GET /repos/acme/web HTTP/1.1\r\nhost: api.github.com\r\nauthorization: Bearer fake-github-developer-gh-token\r\n\r\n');
      while (!text.includes('first half')) await sleep(20);
      const closed = harness.proxy.close(10_000);
      // Pipelined behind the answer in flight: it arrives during the drain.
      socket.write('GET /readyz HTTP/1.1\r\nhost: api.github.com\r\n\r\n');
      await ended;
      await closed;
      const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
      expect(first).toMatch(/^HTTP\/1\.1 200/);
      expect(first).toContain('second half');
      expect(second).toMatch(/^HTTP\/1\.1 503/);
      expect(second!.toLowerCase()).toContain('connection: close');
      expect(second).toContain('"state":"draining"');
    } finally {
      await harness.close();
      upstream.closeAllConnections();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  }, 30_000);

  it('a grace of 0 ends requests in flight at once (what tests and a second signal use)', async () => {
    const upstream = createServer(() => undefined);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const harness = await startProxy([{ api: 'github-rest', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` }]);
    try {
      const inFlight = get(harness.proxy.url).then(
        (r) => r.status,
        () => 'cut',
      );
      await sleep(200);
      await harness.proxy.close(0);
      expect(await inFlight).toBe('cut');
    } finally {
      await harness.close();
      upstream.closeAllConnections();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  }, 30_000);
});
