// Review of 3bb7baa (legitimate traffic item 12): slow upstreams got 504 after 30 s with no flag to
// wait longer, and `--timeout`, described as a "per-request time-out", is the bundle download's.
// `--upstream-timeout SECONDS` sets the proxy's upstream wait; the built CLI runs as a user runs it.
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_CODES } from '../../src/proxy/index.js';
import { REPO, runCli } from '../helpers/cli.js';
import { signedBundleDir } from './support.js';
import { send } from './send.js';
import { startCli, stopCli } from './cli-process.js';

const BIN = path.join(REPO, 'dist', 'cli', 'bin.js');

describe('blastguard proxy --upstream-timeout', () => {
  let dir: string;
  let upstream: Server;
  let base: string[];
  beforeAll(async () => {
    expect(existsSync(BIN), 'run `npm run build` first (npm test does)').toBe(true);
    dir = await signedBundleDir('bg-proxy-timeout-');
    // A GitHub-like upstream that takes 1.5 s to start its answer.
    upstream = createServer((_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'), 1_500));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    base = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0', '--upstream', `github-rest=http://127.0.0.1:${(upstream.address() as AddressInfo).port}`];
  }, 60_000);
  afterAll(async () => {
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string): ReturnType<typeof send> =>
    send(url, { method: 'GET', path: '/repos/acme/web', headers: { host: 'api.github.com', authorization: 'Bearer fake-github-developer-gh-token' } });

  it('waits as long as `--upstream-timeout` says, and answers 504 BG723 past it', async () => {
    const patient = await startCli([...base, '--upstream-timeout', '10'], dir);
    try {
      const res = await get(patient.url);
      expect(res.status, res.text).toBe(200);
    } finally {
      await stopCli(patient.child);
    }
    const hasty = await startCli([...base, '--upstream-timeout', '0.5'], dir);
    try {
      const res = await get(hasty.url);
      expect(res.status, res.text).toBe(504);
      expect((res.json() as { code: string }).code).toBe(PROXY_CODES.upstreamTimeout);
    } finally {
      await stopCli(hasty.child);
    }
  }, 60_000);

  it('refuses an `--upstream-timeout` that is not a positive number of seconds, with a code', async () => {
    for (const value of ['0', '-1', 'soon']) {
      const bad = await runCli([...base, '--upstream-timeout', value], { cwd: dir });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain(PROXY_CODES.invalidConfig);
    }
  });

  it('documents `--upstream-timeout` in `proxy --help`', async () => {
    const help = await runCli(['proxy', '--help'], { cwd: dir });
    expect(help.stdout).toMatch(/--upstream-timeout <seconds>/);
  });
});
