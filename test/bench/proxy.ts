// The egress proxy section of `npm run bench`: latency the proxy adds to a GraphQL call, against
// calling the upstream directly and against a bare Node pass-through proxy, in the same run, at
// 1,000 requests/s (a fixed-rate load process, µs timing) and at saturation (autocannon, its own
// process); then memory of the proxy over many requests (1,000,000 with BENCH_PROXY_REQUESTS=1000000;
// 100,000 by default so the whole bench stays within minutes).
//
// Every path is measured in BENCH_PROXY_ROUNDS rounds taken in turn (direct, bare, blastguard,
// direct, …), and the median round is reported: on a shared machine one path's single run can
// land on a busy second that the others miss. The proxy processes run inside the bench process,
// so its garbage collections and event-loop delay during each path's runs are reported too: they
// tell a tail the proxy causes from one the machine does.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:http';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleFiles, packBundle } from '../../src/bundle/index.js';
import { compileIr } from '../../src/compile/index.js';
import { createEnforcer } from '../../src/enforce/index.js';
import { inventoryOf } from '../../src/extract/index.js';
import { buildIr } from '../../src/ir/build.js';
import { loadPolicySet } from '../../src/load/index.js';
import { startReverseProxy } from '../../src/proxy/index.js';
import { loadSigningKey, signBundleFiles } from '../../src/sign/index.js';
import { generateKeyPairSync } from 'node:crypto';
import { loadVerificationKey, singleKeyConfig } from '../../src/verify/index.js';

const run = promisify(execFile);
const RATE = 1_000;
const SECONDS = Number(process.env['BENCH_PROXY_SECONDS'] ?? 8);
const ROUNDS = Math.max(1, Number(process.env['BENCH_PROXY_ROUNDS'] ?? 3));
const MEMORY_REQUESTS = Number(process.env['BENCH_PROXY_REQUESTS'] ?? 100_000);
/** Requests the fixed-rate load process sends one at a time before it times any (JIT, connections). */
const WARM_UP = 2_000;

const IDS = { project: '1c0ffee0-0000-4000-8000-000000000001', staging: '5e7a9e00-0000-4000-8000-000000000002', service: '5e7a9e00-0000-4000-8000-0000000000a1' };
const CALL = {
  headers: { authorization: 'Bearer fake-railway-custom-domains-cli-token', 'content-type': 'application/json', host: 'backboard.railway.com' },
  body: JSON.stringify({
    query: 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }',
    variables: { input: { domain: 'staging.pocketos.example', environmentId: IDS.staging, projectId: IDS.project, serviceId: IDS.service } },
    operationName: 'CustomDomainCreate',
  }),
};

function startChild(file: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once('error', reject);
  });
}

/** A bare pass-through proxy: what any Node reverse proxy costs, with the same keep-alive upstream agent. */
async function bareProxy(upstreamPort: number): Promise<Server> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const up = request({ hostname: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface Fixed {
  p50: number;
  p99: number;
  p999: number;
  achieved: number;
  failures: number;
  /** The load process's own garbage-collection pauses while it measured: a tail it would add to every path alike. */
  gc: { count: number; maxMs: number; totalMs: number };
}

/**
 * The load process gets a young generation large enough that it rarely collects during a run
 * (its allocations per request are a client request's): its own pauses stay out of the tails.
 */
const LOAD_NODE_FLAGS = ['--min-semi-space-size=64', '--max-semi-space-size=64'];

async function fixedRate(root: string, url: string, bodyFile: string): Promise<Fixed> {
  const { stdout } = await run(process.execPath, [...LOAD_NODE_FLAGS, path.join(root, 'test', 'bench', 'proxy-load.mjs'), url, String(RATE), String(SECONDS), bodyFile, String(WARM_UP)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Fixed;
}

async function saturation(root: string, url: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const bin = path.join(root, 'node_modules', 'autocannon', 'autocannon.js');
  const args = [bin, '-j', '-c', '32', '-d', String(SECONDS), '-m', 'POST', '-b', CALL.body, ...Object.entries(CALL.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 << 20 });
  const r = JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** What the bench process (where both proxies run) went through while one path was measured. */
interface InProcess {
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** Full (mark-compact) collections among them: what promoted garbage costs. */
  gcMajor: number;
  /** The longest young-generation collection (scavenge). */
  scavengeMaxMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

/** Runs `measure` while counting this process's garbage-collection pauses and event-loop delay. */
async function observed<T>(measure: () => Promise<T>): Promise<{ result: T; process: InProcess }> {
  const pauses: number[] = [];
  let major = 0;
  let scavengeMax = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      pauses.push(e.duration);
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) major++;
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavengeMax = Math.max(scavengeMax, e.duration);
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  try {
    const result = await measure();
    return {
      result,
      process: {
        gcCount: pauses.length,
        gcTotalMs: pauses.reduce((a, b) => a + b, 0),
        gcMaxMs: pauses.reduce((a, b) => Math.max(a, b), 0),
        gcMajor: major,
        scavengeMaxMs: scavengeMax,
        loopP99Ms: loop.percentile(99) / 1e6,
        loopMaxMs: loop.max / 1e6,
      },
    };
  } finally {
    loop.disable();
    gcs.disconnect();
  }
}

/** The round whose `key` is the median of all rounds (the lower middle of an even count). */
function medianBy<T>(rounds: readonly T[], key: (r: T) => number): T {
  return [...rounds].sort((a, b) => key(a) - key(b))[(rounds.length - 1) >> 1]!;
}

/** Collects garbage when run with `--expose-gc` (npm run bench does). */
function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const fmt = (us: number): string => (us / 1000).toFixed(3);

/** Markdown lines for the bench output. */
export async function benchProxy(root: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-bench-proxy-'));
  const upstream = await startChild(path.join(root, 'test', 'bench', 'proxy-upstream.mjs'));
  const closers: (() => Promise<void>)[] = [];
  try {
    const { set } = await loadPolicySet(path.join(root, 'policies'), { cwd: root });
    const ir = buildIr(set);
    const compiled = compileIr(ir);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const files = bundleFiles({ wasm: compiled.wasm, data: compiled.data, revision: 'bench', entrypoints: compiled.entrypoints, metadata: { compiler: 'blastguard bench', sequence: 1 } });
    const key = loadSigningKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'ES256');
    const bundleFile = path.join(dir, 'bundle.tar.gz');
    await writeFile(bundleFile, packBundle(files, await signBundleFiles(files, { key })));
    const verification = singleKeyConfig(loadVerificationKey(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'ES256'));
    const enforcer = createEnforcer({ source: bundleFile, verification, catalog: ir, poll: false });
    await enforcer.refresh();
    closers.push(() => enforcer.close());
    // The same proxy with decision logging on (`--decision-log FILE`: every decision an event, written as JSON lines).
    const logged = createEnforcer({ source: bundleFile, verification, catalog: ir, poll: false, decisionLogs: { file: { path: path.join(dir, 'decisions.jsonl') } } });
    await logged.refresh();
    closers.push(() => logged.close());
    const inventory = inventoryOf([
      { id: IDS.project, kind: 'project', project: 'pocketos' },
      { id: IDS.staging, kind: 'environment', environment: 'staging' },
      { id: IDS.service, kind: 'service', project: 'pocketos' },
    ]);
    const proxyOptions = { upstreams: [{ api: 'railway', url: `http://127.0.0.1:${upstream.port}` }], port: 0, inventories: new Map([['railway', inventory]]) };
    const proxy = await startReverseProxy({ enforcer, ...proxyOptions });
    closers.push(() => proxy.close());
    const loggedProxy = await startReverseProxy({ enforcer: logged, ...proxyOptions });
    closers.push(() => loggedProxy.close());
    const bare = await bareProxy(upstream.port);
    closers.push(() => new Promise<void>((resolve) => (bare.closeAllConnections(), bare.close(() => resolve()))));
    const bodyFile = path.join(dir, 'call.json');
    await writeFile(bodyFile, JSON.stringify(CALL));
    const targets = {
      direct: `http://127.0.0.1:${upstream.port}/graphql/v2`,
      bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/graphql/v2`,
      blastguard: `${proxy.url}/graphql/v2`,
      logged: `${loggedProxy.url}/graphql/v2`,
    };
    type Path = keyof typeof targets;
    const PATHS = Object.keys(targets) as Path[];
    const LABELS: Record<Path, string> = { direct: 'upstream directly', bare: 'bare Node pass-through proxy', blastguard: 'blastguard proxy', logged: 'blastguard proxy + decision log file' };
    const fixedRounds: Record<Path, { result: Fixed; process: InProcess }[]> = { direct: [], bare: [], blastguard: [], logged: [] };
    const satRounds: Record<Path, { result: Awaited<ReturnType<typeof saturation>>; process: InProcess }[]> = { direct: [], bare: [], blastguard: [], logged: [] };
    // Rounds in turn; garbage the sections before left (and each run's own) is collected between
    // runs, so no run pays for a collection of another's heap.
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of PATHS) {
        gc();
        fixedRounds[name].push(await observed(() => fixedRate(root, targets[name], bodyFile)));
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of PATHS) {
        gc();
        satRounds[name].push(await observed(() => saturation(root, targets[name])));
      }
    }
    const fixed = Object.fromEntries(PATHS.map((n) => [n, medianBy(fixedRounds[n], (x) => x.result.p99)])) as Record<Path, { result: Fixed; process: InProcess }>;
    const sat = Object.fromEntries(PATHS.map((n) => [n, medianBy(satRounds[n], (x) => x.result.rps)])) as Record<Path, { result: Awaited<ReturnType<typeof saturation>>; process: InProcess }>;

    // Memory: the proxy under load for MEMORY_REQUESTS requests, sampled every 250 ms.
    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 250);
    const bin = path.join(root, 'node_modules', 'autocannon', 'autocannon.js');
    const t0 = performance.now();
    const { stdout } = await run(process.execPath, [bin, '-j', '-c', '32', '-a', String(MEMORY_REQUESTS), '-m', 'POST', '-b', CALL.body, ...Object.entries(CALL.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), targets.blastguard], { maxBuffer: 16 << 20 });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    gc();
    const after = process.memoryUsage();
    const done = JSON.parse(stdout) as { requests: { total: number }; non2xx: number; errors: number };
    const mib = (b: number): string => (b / 1048576).toFixed(1);

    const ms = (x: number): string => x.toFixed(1);
    const inProcess = (p: InProcess): string => `${p.gcCount} gc (${p.gcMajor} full), longest ${ms(p.gcMaxMs)} ms (scavenge ${ms(p.scavengeMaxMs)}), total ${ms(p.gcTotalMs)} ms; loop delay p99 ${ms(p.loopP99Ms)} ms, max ${ms(p.loopMaxMs)} ms`;
    const spread = (rounds: { result: Fixed }[], q: 'p50' | 'p99'): string => rounds.map((x) => fmt(x.result[q])).join(' / ');
    const lines = [
      '',
      `### Egress proxy (GraphQL customDomainCreate, allowed; upstream and load in their own processes; Node ${process.versions.node})`,
      '',
      'Every request through blastguard is read, written back canonically, decided by the signed bundle’s Wasm policy (one decision, metrics counted) and forwarded ' +
        'as the canonical request over a keep-alive upstream pool; the bare proxy streams the request through a keep-alive `node:http` agent. ' +
        'Decision logging is off on `blastguard proxy` (no sink configured) and on in `+ decision log file` (a JSON-lines file, as `--decision-log FILE`).',
      '',
      `At ${RATE} requests/s for ${SECONDS} s after ${WARM_UP.toLocaleString('en-US')} warm-up requests (fixed-rate load process, evenly spaced sends, latency in ms; median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} taken in turn, by p99):`,
      '',
      '| path | p50 | p99 | p99.9 | added p50 vs direct | added p99 vs direct | achieved rps | failures | p99 of each round | bench process (both proxies) during the median round | load process gc |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
      ...PATHS.map((n) => {
        const f = fixed[n].result;
        const vs = (q: 'p50' | 'p99'): string => (n === 'direct' ? '—' : fmt(f[q] - fixed.direct.result[q]));
        return `| ${LABELS[n]} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.p999)} | ${vs('p50')} | ${vs('p99')} | ${f.achieved.toFixed(0)} | ${f.failures} | ${spread(fixedRounds[n], 'p99')} | ${inProcess(fixed[n].process)} | ${f.gc.count} gc, longest ${ms(f.gc.maxMs)} ms |`;
      }),
      '',
      `blastguard p99 added over the bare pass-through: ${fmt(fixed.blastguard.result.p99 - fixed.bare.result.p99)} ms, with the decision log ${fmt(fixed.logged.result.p99 - fixed.bare.result.p99)} ms (goal: p99 added ≤ 1 ms at 1,000 rps).`,
      '',
      `At saturation (autocannon, 32 connections, ${SECONDS} s; median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} taken in turn, by requests/s):`,
      '',
      '| path | requests/s | p50 ms | p99 ms | errors + non-2xx | requests/s of each round | bench process during the median round |',
      '| --- | ---: | ---: | ---: | ---: | --- | --- |',
      ...PATHS.map((n) => {
        const x = sat[n].result;
        return `| ${LABELS[n]} | ${x.rps.toFixed(0)} | ${x.p50} | ${x.p99} | ${x.errors} | ${satRounds[n].map((r) => r.result.rps.toFixed(0)).join(' / ')} | ${inProcess(sat[n].process)} |`;
      }),
      '',
      `blastguard throughput: ${((100 * sat.blastguard.result.rps) / sat.bare.result.rps).toFixed(0)} % of the bare pass-through, with the decision log ${((100 * sat.logged.result.rps) / sat.bare.result.rps).toFixed(0)} % (goal ≥ 70 %).`,
      '',
      `Memory over ${done.requests.total.toLocaleString('en-US')} requests through the proxy${MEMORY_REQUESTS < 1_000_000 ? ' (shortened run; BENCH_PROXY_REQUESTS=1000000 for the full one)' : ''}, ${seconds.toFixed(0)} s, ${done.non2xx + done.errors} errors: ` +
        `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB after gc (peak ${mib(peakHeap)}), rss ${mib(before.rss)} → ${mib(after.rss)} MiB (peak ${mib(peakRss)}).`,
    ];
    return lines;
  } finally {
    for (const c of closers.reverse()) await c();
    upstream.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}
