// An enforcer started from its persisted bundle whose source never answers must not report healthy
// forever (OPA #3554): without `maxStaleness` it goes stale after the default (five missed polls,
// at least 5 minutes), and `proxy`/`mcp-guard` take `--max-staleness` and `--fail-closed-when-stale`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSource, persistBundle } from '../../src/distribute/index.js';
import { createEnforcer, defaultMaxStaleness, statusDocument } from '../../src/enforce/index.js';
import { freePort, removeDir, tempDir } from '../distribute/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { enforceFixtures, type EnforceFixtures } from './fixtures.js';

let f: EnforceFixtures;
let dir: string;
beforeAll(async () => {
  f = await enforceFixtures();
  dir = await tempDir('staleness-default');
  await persistBundle(dir, 'blastguard', await f.bundle('r1', 1));
});
afterAll(async () => removeDir(dir));

describe('the default maxStaleness', () => {
  it('is five of the longest polls, at least 5 minutes, and more than a long-poll hold', () => {
    expect(defaultMaxStaleness(new HttpSource({ url: 'https://bundles.example/b' }))).toBe(600);
    expect(defaultMaxStaleness(new HttpSource({ url: 'https://bundles.example/b', polling: { minDelaySeconds: 1, maxDelaySeconds: 2 } }))).toBe(300);
    expect(defaultMaxStaleness(new HttpSource({ url: 'https://bundles.example/b', polling: { minDelaySeconds: 60, maxDelaySeconds: 60, longPollingTimeoutSeconds: 600 } }))).toBeGreaterThan(600 + 60);
  });

  it('makes an enforcer whose source has been down since it started unhealthy', async () => {
    const port = await freePort();
    let now = Date.now();
    const e = createEnforcer({
      source: new HttpSource({ url: `http://127.0.0.1:${port}/b`, retries: 0 }),
      verification: f.verification,
      persistDir: dir,
      poll: false,
      clock: () => now,
    });
    await e.ready;
    expect(await e.refresh()).toBe('failed');
    expect(e.status()).toMatchObject({ healthy: true, staleness: { max_seconds: 600 } });
    now += 601_000;
    expect(await e.refresh()).toBe('failed');
    const s = e.status();
    expect(s).toMatchObject({ ready: true, healthy: false, state: 'stale', staleness: { stale: true } });
    expect(statusDocument(s, {}).plugins['bundle']!.state).toBe('ERROR');
    const server = await e.listen({ port: 0 });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
    // Not failing closed unless asked: decisions still come from the last good bundle.
    expect(e.decide(f.inputs.allow).allow).toBe(true);
    await e.close();
  });

  it('fails closed when stale without an explicit maxStaleness', async () => {
    const port = await freePort();
    let now = Date.now();
    const e = createEnforcer({ source: new HttpSource({ url: `http://127.0.0.1:${port}/b`, retries: 0 }), verification: f.verification, persistDir: dir, poll: false, clock: () => now, failClosedWhenStale: true });
    await e.ready;
    expect(e.decide(f.inputs.allow).allow).toBe(true);
    now += 601_000;
    expect(e.decide(f.inputs.allow).rule).toBe('enforcer:stale');
    await e.close();
  });
});

describe('--max-staleness', () => {
  it('is a usage error (exit 2) unless a positive number of seconds', async () => {
    for (const args of [
      ['proxy', '--bundle', 'b.tar.gz', '--max-staleness', 'abc'],
      ['proxy', '--bundle', 'b.tar.gz', '--max-staleness', '0'],
      ['mcp-guard', '--api', 'github', '--max-staleness', '-5', '--', 'true'],
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('--max-staleness');
    }
  });

  it('is listed with --fail-closed-when-stale in the help of proxy and mcp-guard', async () => {
    for (const command of ['proxy', 'mcp-guard']) {
      const r = await runCli([command, '--help'], { cwd: dir });
      expect(r.stdout).toContain('--max-staleness <seconds>');
      expect(r.stdout).toContain('--fail-closed-when-stale');
    }
  });
});
