// `blastguard proxy` serves from an isolate whose young generation is sized for a proxy (a worker
// thread created after the semi-space flags are set), and everything the CLI promises is as
// before: start-up errors, signals, exit codes, the operator's own flags. The built CLI runs as a
// user runs it; a preload (proxy-isolate-probe.mjs) reports which isolate listens and its new space.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_CODES } from '../../src/proxy/index.js';
import { HEAP_TUNING_ENV, PROXY_YOUNG_GENERATION_FLAGS, servesWithSizedYoungGeneration } from '../../src/cli/young-generation.js';
import { REPO, runCli } from '../helpers/cli.js';
import { requireBuiltCli } from '../guard/support.js';
import { tryConnect } from '../proxy/cli-process.js';
import { signedBundleDir } from '../proxy/support.js';

const BIN = path.join(REPO, 'dist', 'cli', 'bin.js');
const PROBE = pathToFileURL(path.join(REPO, 'test', 'cli', 'proxy-isolate-probe.mjs')).href;
const MiB = 1024 * 1024;

interface Running {
  child: ChildProcess;
  url: string;
  isolate: { mainThread: boolean; heapSizeLimit: number; newSpaceBytes: number; newSpaceAtStartBytes: number };
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every proxy a test spawned: killed after each test, so that a failed one leaves none serving. */
const children = new Set<ChildProcess>();

/** `node [nodeFlags] --import probe bin.js args…` with exactly `env` (and PATH). */
function spawnCli(args: string[], cwd: string, env: Record<string, string> = {}, nodeFlags: string[] = []): Spawned {
  const child = spawn(process.execPath, [...nodeFlags, '--import', PROBE, BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', ...env } });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves once the process's stderr matches `pattern`. */
function stderrMatches(spawned: Spawned, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (pattern.test(spawned.stderr())) resolve();
    };
    spawned.child.stderr!.on('data', check);
    check();
    void spawned.exit.then(({ code, signal }) => reject(new Error(`exited ${code ?? signal} before ${pattern}: ${spawned.stderr()}`)));
  });
}

/** Starts the proxy and resolves once it printed its start-up line, the probe its isolate, and its signal listeners are in place. */
async function start(args: string[], cwd: string, env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<Running> {
  const spawned = spawnCli(args, cwd, env, nodeFlags);
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const url = /listening on (http:\/\/[^,\s]+)/.exec(spawned.stderr());
      const probe = /^proxy-isolate-probe (\{.*)$/m.exec(spawned.stderr());
      const handled = /^proxy-isolate-probe signals handled$/m.test(spawned.stderr());
      if (url && probe && handled) resolve({ ...spawned, url: url[1]!, isolate: JSON.parse(probe[1]!) as Running['isolate'] });
    };
    spawned.child.stderr!.on('data', check);
    void spawned.exit.then(({ code, signal }) => reject(new Error(`exited ${code ?? signal}: ${spawned.stderr()}`)));
  });
}

/** The heap size limit of a plain `node` with `flags` (the figure the young generation's largest size shows in). */
function heapSizeLimitWith(flags: readonly string[]): number {
  return Number(execFileSync(process.execPath, [...flags, '-p', 'require("node:v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } }));
}

/** The process's stderr without the probe's lines: what a user sees. */
const userStderr = (text: string): string => text.replace(/^proxy-isolate-probe .*\n/gm, '');

describe('servesWithSizedYoungGeneration: when the proxy sizes its young generation itself', () => {
  const serve = ['proxy', '--bundle', 'b.tar.gz'];
  it('by default, for `proxy` only', () => {
    expect(servesWithSizedYoungGeneration(serve, {}, [])).toBe(true);
    expect(servesWithSizedYoungGeneration(['proxy', 'ca', 'init'], {}, [])).toBe(false);
    expect(servesWithSizedYoungGeneration(['validate'], {}, [])).toBe(false);
    expect(servesWithSizedYoungGeneration(serve, { [HEAP_TUNING_ENV]: 'off' }, [])).toBe(false);
  });

  it('not when the operator sized the heap: semi-space flags or --max-heap-size, in any spelling, on the command line or in NODE_OPTIONS', () => {
    for (const flag of ['--max-semi-space-size=8', '--min_semi_space_size=2', '--max-heap-size=300', '--max_heap_size=300', '--max-heap_size=300', '-max-heap-size=200', '-max-semi-space-size=8']) {
      expect(servesWithSizedYoungGeneration(serve, {}, [flag]), flag).toBe(false);
      expect(servesWithSizedYoungGeneration(serve, { NODE_OPTIONS: `--require x.js ${flag}` }, []), flag).toBe(false);
    }
  });

  it('reads NODE_OPTIONS as Node does: double quotes and backslash escapes inside them', () => {
    for (const options of ['"--max-semi-space-size=8"', '--require "a b.js" "--max-semi-space-size"=8', '"--max-semi-space-\\size=8"', ' \t--max-semi-space-size=8']) {
      expect(servesWithSizedYoungGeneration(serve, { NODE_OPTIONS: options }, []), options).toBe(false);
    }
    // A flag's value that merely mentions one is not one.
    expect(servesWithSizedYoungGeneration(serve, { NODE_OPTIONS: '--title="x --max-semi-space-size=8"' }, [])).toBe(true);
  });

  it('not for help or the version, which print and end (on the terminal, as they did)', () => {
    for (const flag of ['--help', '-h', '--version', '-V']) expect(servesWithSizedYoungGeneration([...serve, flag], {}, []), flag).toBe(false);
  });
});

describe('blastguard proxy serves from an isolate with a sized young generation', () => {
  let dir: string;
  let upstream: Server;
  let args: string[];
  beforeAll(async () => {
    requireBuiltCli();
    dir = await signedBundleDir('bg-proxy-isolate-');
    upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    expect((await runCli(['proxy', 'ca', 'init', '--out', 'ca'], { cwd: dir })).code).toBe(0);
    args = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0', '--upstream', `github-rest=http://127.0.0.1:${(upstream.address() as AddressInfo).port}`];
  }, 60_000);
  afterEach(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    children.clear();
  });
  afterAll(async () => {
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('by default: a worker isolate with the young generation of PROXY_YOUNG_GENERATION_FLAGS listens; SIGTERM drains and exits 0', async () => {
    const proxy = await start(args, dir);
    expect(proxy.isolate.mainThread).toBe(false);
    // The largest young generation is that of --max-semi-space-size=64 (Node 20's default: 16)…
    expect(proxy.isolate.heapSizeLimit).toBe(heapSizeLimitWith(PROXY_YOUNG_GENERATION_FLAGS));
    expect(proxy.isolate.heapSizeLimit).toBeGreaterThan(heapSizeLimitWith([]));
    // …and it started at --min-semi-space-size=16 (Node's default starts at 1 MiB: see the `off` test).
    expect(proxy.isolate.newSpaceAtStartBytes).toBeGreaterThanOrEqual(16 * MiB);
    expect(proxy.isolate.newSpaceBytes).toBeGreaterThanOrEqual(16 * MiB);
    proxy.child.kill('SIGTERM');
    expect(await proxy.exit).toEqual({ code: 0, signal: null });
    expect(userStderr(proxy.stderr())).toMatch(/^blastguard proxy: listening on http:\/\/127\.0\.0\.1:\d+, bundle revision `r1`, upstreams github-rest=http:\/\/127\.0\.0\.1:\d+\nblastguard proxy: draining: no new connections, requests in flight may finish for 25 s\n$/);
    expect(proxy.stdout()).toBe('');
    expect(await tryConnect(proxy.url)).toBe('ECONNREFUSED');
  });

  it('SIGINT drains too, with --shutdown-grace as given; --forward mode serves from the worker as well', async () => {
    const forward = ['proxy', '--forward', '--ca', 'ca', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0'];
    const proxy = await start([...forward, '--shutdown-grace', '3'], dir);
    expect(proxy.isolate.mainThread).toBe(false);
    expect(proxy.isolate.heapSizeLimit).toBe(heapSizeLimitWith(PROXY_YOUNG_GENERATION_FLAGS));
    proxy.child.kill('SIGINT');
    expect(await proxy.exit).toEqual({ code: 0, signal: null });
    expect(userStderr(proxy.stderr())).toContain('blastguard proxy: draining: no new connections, requests in flight may finish for 3 s\n');
  });

  it('stderr closed by its reader (EPIPE) ends the proxy quietly with its exit code, as without a worker', async () => {
    for (const tuning of ['on', 'off']) {
      const proxy = await start(args, dir, { [HEAP_TUNING_ENV]: tuning });
      proxy.child.stderr!.destroy();
      // The drain message is the next write: it meets the closed pipe.
      proxy.child.kill('SIGTERM');
      expect(await proxy.exit, tuning).toEqual({ code: 0, signal: null });
    }
  });

  it('stderr closed by its reader while the proxy serves and writes ends it with exit 0, as without a worker', async () => {
    for (const tuning of ['on', 'off']) {
      // The serving isolate writes a line every 20 ms: the next one meets the closed pipe; no signal is sent.
      const proxy = await start(args, dir, { PROXY_ISOLATE_PROBE_CHATTER: '1', [HEAP_TUNING_ENV]: tuning });
      proxy.child.stderr!.destroy();
      expect(await proxy.exit, tuning).toEqual({ code: 0, signal: null });
    }
  });

  it('stderr closed by its reader: a start-up error and an uncaught failure after listening still exit 1, as without a worker', async () => {
    const bad = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0', '--upstream', 'nope=http://127.0.0.1:9'];
    for (const tuning of ['on', 'off']) {
      const spawned = spawnCli(bad, dir, { [HEAP_TUNING_ENV]: tuning });
      spawned.child.stderr!.destroy();
      expect(await spawned.exit, `start-up error, ${tuning}`).toEqual({ code: 1, signal: null });
      // The probe's throw comes 50 ms after listening: its stack meets the closed pipe.
      const proxy = await start(args, dir, { PROXY_ISOLATE_PROBE_THROW: '1', [HEAP_TUNING_ENV]: tuning });
      proxy.child.stderr!.destroy();
      expect(await proxy.exit, `uncaught failure, ${tuning}`).toEqual({ code: 1, signal: null });
    }
  });

  it('a signal before the proxy serves ends the process by that signal, as without a worker', async () => {
    const spawned = spawnCli(args, dir, { PROXY_ISOLATE_PROBE_MARK_WORKER: '1' });
    // The worker thread exists, so the main thread relays signals; the proxy does not listen for
    // them yet (it has not even loaded its modules). Relayed, unhandled, raised again on the process.
    await stderrMatches(spawned, /^proxy-isolate-probe worker started$/m);
    spawned.child.kill('SIGTERM');
    expect(await spawned.exit).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('a signal before the proxy serves that another main-thread listener handles is left to it; SIGTERM and SIGINT still drain later, as without a worker', async () => {
    for (const later of ['SIGTERM', 'SIGINT'] as const) {
      const spawned = spawnCli(args, dir, { PROXY_ISOLATE_PROBE_MARK_WORKER: '1', PROXY_ISOLATE_PROBE_MAIN_SIGTERM: '1' });
      await stderrMatches(spawned, /^proxy-isolate-probe worker started$/m);
      spawned.child.kill('SIGTERM');
      await stderrMatches(spawned, /^proxy-isolate-probe signals handled$/m);
      expect(spawned.stderr(), later).toContain('proxy-isolate-probe main thread saw SIGTERM\n');
      spawned.child.kill(later);
      expect(await spawned.exit, later).toEqual({ code: 0, signal: null });
      expect(userStderr(spawned.stderr()), later).toContain('blastguard proxy: draining');
    }
  }, 60_000);

  it('a start-up error is the same located, coded error with exit 1, and nothing listens', async () => {
    const bad = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0', '--upstream', 'nope=http://127.0.0.1:9'];
    const spawned = spawnCli(bad, dir);
    expect(await spawned.exit).toEqual({ code: 1, signal: null });
    const inProcess = await runCli(bad, { cwd: dir });
    expect(inProcess.code).toBe(1);
    expect(inProcess.stderr).toContain(PROXY_CODES.invalidConfig);
    expect(spawned.stderr()).toBe(inProcess.stderr);
    expect(spawned.stdout()).toBe('');
  });

  it('a usage error exits 2 with commander\'s message, as in-process', async () => {
    const bad = [...args, '--shutdown-grace', 'soon'];
    const spawned = spawnCli(bad, dir);
    expect(await spawned.exit).toEqual({ code: 2, signal: null });
    const inProcess = await runCli(bad, { cwd: dir });
    expect(inProcess.code).toBe(2);
    expect(spawned.stderr()).toBe(inProcess.stderr);
  });

  it('an uncaught failure in the serving isolate ends the process with 1 and the listening socket with it, as without a worker', async () => {
    for (const tuning of ['on', 'off']) {
      const proxy = await start(args, dir, { PROXY_ISOLATE_PROBE_THROW: '1', [HEAP_TUNING_ENV]: tuning });
      expect(proxy.isolate.mainThread).toBe(tuning === 'off');
      expect(await proxy.exit).toEqual({ code: 1, signal: null });
      expect(proxy.stderr()).toContain('Error: proxy-isolate-probe: an uncaught failure in the serving isolate\n    at ');
      expect(await tryConnect(proxy.url)).toBe('ECONNREFUSED');
    }
  });

  it(`${HEAP_TUNING_ENV}=off serves from the main isolate with Node's defaults`, async () => {
    const proxy = await start(args, dir, { [HEAP_TUNING_ENV]: 'off' });
    expect(proxy.isolate.mainThread).toBe(true);
    expect(proxy.isolate.heapSizeLimit).toBe(heapSizeLimitWith([]));
    expect(proxy.isolate.newSpaceAtStartBytes).toBeLessThan(16 * MiB);
    proxy.child.kill('SIGTERM');
    expect(await proxy.exit).toEqual({ code: 0, signal: null });
  });

  it(`a value of ${HEAP_TUNING_ENV} other than on or off is a coded error, exit 1`, async () => {
    const spawned = spawnCli(args, dir, { [HEAP_TUNING_ENV]: 'of' });
    expect(await spawned.exit).toEqual({ code: 1, signal: null });
    expect(spawned.stderr()).toContain(`${PROXY_CODES.invalidConfig} ${HEAP_TUNING_ENV} \`of\` is neither \`on\` nor \`off\``);
  });

  it('the operator\'s own semi-space flags win, in NODE_OPTIONS or on node\'s command line', async () => {
    // Node allows only --max-semi-space-size in NODE_OPTIONS; V8 takes `_` for `-` on the command line.
    for (const [env, flags, own] of [
      [{ NODE_OPTIONS: '--max-semi-space-size=8' }, [], ['--max-semi-space-size=8']],
      [{}, ['--max_semi_space_size=32'], ['--max-semi-space-size=32']],
      [{}, ['--min-semi-space-size=2'], ['--min-semi-space-size=2']],
      // V8 derives the young generation from --max-heap-size too: the operator sized the heap.
      [{}, ['--max-heap-size=300'], ['--max-heap-size=300']],
    ] as const) {
      const proxy = await start(args, dir, env, [...flags]);
      const what = JSON.stringify({ env, flags });
      expect(proxy.isolate.mainThread, what).toBe(true);
      expect(proxy.isolate.heapSizeLimit, what).toBe(heapSizeLimitWith(own));
      proxy.child.kill('SIGTERM');
      expect(await proxy.exit).toEqual({ code: 0, signal: null });
    }
  });
});
