// The egress proxy section of `npm run bench`: latency the proxy adds to a GraphQL call, against
// calling the upstream directly and against a bare Node pass-through proxy, in the same run, at
// 1,000 requests/s (a fixed-rate load process, µs timing) and at saturation (autocannon, its own
// process); then memory of the proxy over many requests (1,000,000 with BENCH_PROXY_REQUESTS=1000000;
// 100,000 by default so the whole bench stays within minutes).
//
// What is measured is what users run, and every path is set up alike:
// - Each server is its own process: the upstream (proxy-upstream.mjs), the bare pass-through
//   (proxy-bare.mjs) twice, with Node's defaults and with the young-generation flags blastguard
//   gives its serving isolate (PROXY_YOUNG_GENERATION_FLAGS), and blastguard as the real CLI, `node dist/cli/bin.js proxy --bundle …
//   --verification-key … --upstream railway=URL --listen 127.0.0.1:0 --inventory FILE
//   [--decision-log FILE]`, with a signed bundle `blastguard build` would write. Proxies hosted in
//   the bench process shared its heap, its collections and its timers with each other and with
//   the bench's own bookkeeping; none of that exists in production. blastguard runs in its default
//   configuration: it serves from a worker isolate with a sized young generation, so the bench
//   compares it with the bare pass-through both as Node ships and with that same young generation:
//   no tuning difference hides in either ratio.
// - Every server process gets the same preload (proxy-probe.mjs, `--import`) and `--expose-gc`: the
//   probe reports GC, CPU, run-queue wait, loop utilization and memory from inside, per measured
//   run, of the isolate that serves (Node runs the preload in worker threads too); `--expose-gc` lets the memory section collect garbage before it reads the heap, and
//   changes nothing else. Nothing collects garbage between latency runs (the probe says why).
// - Before the rounds, every path gets one unmeasured run: a fresh process's first run carried its
//   start-up garbage and compilation (a 6 ms full collection, stalls of 5-11 ms), once.
// - Runs are taken in rounds, each path once per round, in an order rotated every round so no path
//   always follows the same neighbour. The machine is shared (other processes come and go over
//   minutes), so the added latency is computed per round (blastguard − bare, each − direct, runs
//   seconds apart) and the median of those differences reported, with each round's figure: a busy
//   second that lands on one run moves one pair, not the verdict. Per path, the median round (by
//   p99) is shown.
// - Every run reports the CPU the rest of the machine used meanwhile (/proc/stat busy time minus
//   the bench's own processes): a round with much of it is a noisy round.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { HEAP_TUNING_ENV, PROXY_YOUNG_GENERATION_FLAGS } from '../../src/cli/young-generation.js';
import { buildIr } from '../../src/ir/build.js';
import { loadPolicySet } from '../../src/load/index.js';
import { loadSigningKey } from '../../src/sign/index.js';
import { buildBundle, packBuiltBundle } from '../../src/toolchain/index.js';

const run = promisify(execFile);
const RATE = 1_000;
/**
 * 5 s at 1,000 rps is 5,000 samples a run: the p99 rests on its 50 slowest. Seven rounds give the
 * per-round differences a median that moves by a tenth of a millisecond or so between quiet runs,
 * where three rounds moved it by a millisecond; the section stays near four minutes.
 */
const SECONDS = Number(process.env['BENCH_PROXY_SECONDS'] ?? 5);
const ROUNDS = Math.max(1, Number(process.env['BENCH_PROXY_ROUNDS'] ?? 7));
const SAT_SECONDS = Number(process.env['BENCH_PROXY_SAT_SECONDS'] ?? 5);
const SAT_ROUNDS = Math.max(1, Number(process.env['BENCH_PROXY_SAT_ROUNDS'] ?? 3));
const MEMORY_REQUESTS = Number(process.env['BENCH_PROXY_REQUESTS'] ?? 100_000);
/**
 * BENCH_PROXY_RT=1: during the fixed-rate section, the load process and every server process run
 * at real-time priority (SCHED_FIFO 1, `chrt`; needs root or CAP_SYS_NICE), all alike. On a machine
 * other work shares, their run-queue waits (seconds per run when other jobs keep both cores busy)
 * otherwise make the tail, whatever the proxy does; at real-time priority the other jobs wait
 * instead, as if the machine were idle. Never for saturation: processes that keep both cores busy
 * at real-time priority would starve everything else.
 */
const REAL_TIME = process.env['BENCH_PROXY_RT'] === '1';
/**
 * BENCH_PROXY_NODE_FLAGS: Node flags for every server process alike (upstream, bare, blastguard),
 * e.g. `--max-semi-space-size=64`, the young generation an operator can give the proxy with
 * NODE_OPTIONS. Off by default: the figures are those of Node's defaults.
 */
const SERVER_NODE_FLAGS = (process.env['BENCH_PROXY_NODE_FLAGS'] ?? '').split(/\s+/).filter((f) => f !== '');
/**
 * Requests the fixed-rate load process sends before it paces (JIT, connections: one at a time, then
 * a few bursts); it then paces one more second unmeasured (proxy-load.mjs says why).
 */
const WARM_UP = 1_000;

const IDS = { project: '1c0ffee0-0000-4000-8000-000000000001', staging: '5e7a9e00-0000-4000-8000-000000000002', service: '5e7a9e00-0000-4000-8000-0000000000a1' };
const CALL = {
  headers: { authorization: 'Bearer fake-railway-custom-domains-cli-token', 'content-type': 'application/json', host: 'backboard.railway.com' },
  body: JSON.stringify({
    query: 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }',
    variables: { input: { domain: 'staging.pocketos.example', environmentId: IDS.staging, projectId: IDS.project, serviceId: IDS.service } },
    operationName: 'CustomDomainCreate',
  }),
};
const INVENTORY = `apiVersion: blastguard.dev/v1
kind: Inventory
metadata:
  name: bench
spec:
  api: railway
  resources:
    - { id: ${IDS.project}, kind: project, project: pocketos }
    - { id: ${IDS.staging}, kind: environment, environment: staging }
    - { id: ${IDS.service}, kind: service, project: pocketos }
`;

/**
 * The heap flags the sized bare pass-through runs with in effect: PROXY_YOUNG_GENERATION_FLAGS,
 * each overridden by the same flag in BENCH_PROXY_NODE_FLAGS (given after them, so it wins).
 */
function sizedFlagsInEffect(): string[] {
  const name = (flag: string): string => flag.split('=')[0]!.replace(/_/g, '-');
  const theirs = SERVER_NODE_FLAGS.filter((f) => /^--(?:(?:min|max)[-_]semi[-_]space[-_]size|max[-_]heap[-_]size)(?:=|$)/.test(f));
  return [...PROXY_YOUNG_GENERATION_FLAGS.filter((f) => !theirs.some((t) => name(t) === name(f))), ...theirs];
}

/** What proxy-probe.mjs reports from inside a server process for one interval. */
interface Probe {
  pid: number;
  /** V8 isolates in the process (a worker thread is one more) and which thread serves. */
  isolates: number;
  /** Worker threads that did not answer the probe in time: then the figures are the other isolates' only. */
  unanswered: number;
  servedBy: 'main thread' | 'worker thread';
  gc: { scavenges: number; scavengeMaxMs: number; scavengeTotalMs: number; major: number; majorMaxMs: number; otherMs: number; totalMs: number };
  cpuMs: number;
  runQueueWaitMs: number;
  elu: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  heapUsed: number;
  rss: number;
  peakHeap: number;
  peakRss: number;
  maxRss: number;
}

const PROBE_PREFIX = 'blastguard-bench-probe ';

/** A server of the benchmark in its own process, with the probe preloaded. */
class ServerProcess {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #waiting: ((p: Probe) => void)[] = [];
  readonly #output: string[] = [];

  private constructor(child: ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
  }

  /** Starts `node [nodeFlags] [flags] --import probe args…`; `ready` picks the url out of a line of its stdout or stderr. */
  static start(root: string, args: readonly string[], ready: (line: string) => string | undefined, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
    const probe = pathToFileURL(path.join(root, 'test', 'bench', 'proxy-probe.mjs')).href;
    // BENCH_PROXY_NODE_FLAGS last: for V8 flags given twice, the last one counts.
    const child = spawn(process.execPath, [...nodeFlags, ...SERVER_NODE_FLAGS, '--expose-gc', '--import', probe, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let server: ServerProcess | undefined;
      const onLine = (line: string): void => {
        if (server !== undefined && line.startsWith(PROBE_PREFIX)) {
          const probe = JSON.parse(line.slice(PROBE_PREFIX.length)) as Probe;
          if (probe.unanswered > 0) {
            // Never main-thread figures passed off as the process's: loudly, here and in the output.
            console.warn(`bench proxy: ${incompleteProbe(probe)}`);
            incompleteProbes.push(incompleteProbe(probe));
          }
          server.#waiting.shift()?.(probe);
          return;
        }
        if (server === undefined) {
          const url = ready(line);
          if (url !== undefined) {
            server = new ServerProcess(child, url);
            resolve(server);
            return;
          }
        }
        // Anything else a server says is kept for an error message (and a warning is shown).
        if (server !== undefined) server.#output.push(line);
        if (/warn|error/i.test(line)) process.stderr.write(`bench server: ${line}\n`);
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('error', reject);
      child.once('exit', (code) => {
        if (server === undefined) reject(new Error(`bench server \`${args.join(' ')}\` exited with ${code ?? 'a signal'} before it listened`));
      });
    });
  }

  /** What the process went through since the previous call (the probe answers SIGUSR2; SIGWINCH collects garbage first). */
  probe(collect = false): Promise<Probe> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#child.kill(collect ? 'SIGWINCH' : 'SIGUSR2');
    });
  }

  /**
   * Puts every thread of the process under real-time (FIFO 1) or normal scheduling; but the main
   * thread of a process served by a worker thread (`blastguard proxy`) stays at normal priority. It
   * serves nothing, and at FIFO priority its idle isolate hung the bench: its cppgc sweeper
   * re-posted a foreground task in a loop (uv_async_send, seen with gdb) while the background
   * sweeper threads it waited for, at the same priority, got no core, both cores being held by two
   * such loops. The same task at normal priority yields to them.
   */
  async schedule(realTime: boolean): Promise<void> {
    const pid = String(this.#child.pid);
    if (!realTime) {
      await run('chrt', ['-a', '-o', '-p', '0', pid]);
      return;
    }
    const { servedBy, unanswered } = await this.probe();
    await run('chrt', ['-a', '-f', '-p', '1', pid]);
    if (servedBy === 'worker thread' || unanswered > 0) await run('chrt', ['-o', '-p', '0', pid]);
  }

  stop(): Promise<void> {
    if (this.#child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.kill('SIGTERM');
    });
  }
}

/** CPU time (ms) the whole machine spent busy (all but idle and iowait), from /proc/stat. */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const ticks = fields.reduce((a, b) => a + b, 0) - fields[3]! - fields[4]!;
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

interface Fixed {
  n: number;
  p50: number;
  p99: number;
  p999: number;
  achieved: number;
  failures: number;
  /** The load process's own garbage-collection pauses while it measured: a tail it would add to every path alike. */
  gc: { count: number; maxMs: number; totalMs: number };
  sendLagP99: number;
  sendLagMax: number;
  cpuMs: number;
  runQueueWaitMs: number;
}

interface Saturated {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
  cpuMs: number;
}

/** One measured run of one path: the load's result, and what each server process and the machine did meanwhile. */
interface Observed<T> {
  result: T;
  /** The proxy of the path (absent for the direct path). */
  proxy: Probe | undefined;
  upstream: Probe;
  /** CPU ms the rest of the machine (other than the bench's own processes) used during the run. */
  otherCpuMs: number;
  seconds: number;
}

/**
 * The load process runs with V8's default young generation. A 64 MiB one (so that it would rarely
 * collect) made it collect once per run instead, in one 4-6 ms pause that stalled a handful of
 * requests of every path (p99.9 of the direct path 1.3-1.8 ms); the default's scavenges take under
 * 0.5 ms each (p99.9 0.7 ms), measured at real-time priority.
 */
const LOAD_NODE_FLAGS: string[] = [];

async function fixedRate(root: string, url: string, bodyFile: string, realTime: boolean, seconds = SECONDS): Promise<Fixed> {
  const node = realTime ? ['chrt', '-f', '1', process.execPath] : [process.execPath];
  const { stdout } = await run(node[0]!, [...node.slice(1), ...LOAD_NODE_FLAGS, path.join(root, 'test', 'bench', 'proxy-load.mjs'), url, String(RATE), String(seconds), bodyFile, String(WARM_UP)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Fixed;
}

function autocannonArgs(root: string, url: string, amount: string[]): string[] {
  const bin = path.join(root, 'node_modules', 'autocannon', 'autocannon.js');
  return [bin, '-j', '-c', '32', ...amount, '-m', 'POST', '-b', CALL.body, ...Object.entries(CALL.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
}

async function saturation(root: string, url: string): Promise<Saturated> {
  const { stdout } = await run(process.execPath, autocannonArgs(root, url, ['-d', String(SAT_SECONDS)]), { maxBuffer: 16 << 20 });
  const r = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  // autocannon's own CPU is not known from here: the machine's other-CPU figure includes it.
  return { rps: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, cpuMs: NaN };
}

/** Runs `measure` between two probes of every server, with the machine's busy time around it. */
async function observed<T extends { cpuMs: number }>(servers: { proxy: ServerProcess | undefined; upstream: ServerProcess; all: readonly ServerProcess[] }, measure: () => Promise<T>): Promise<Observed<T>> {
  await Promise.all(servers.all.map((s) => s.probe()));
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  const result = await measure();
  const seconds = (performance.now() - t0) / 1000;
  const busy = machineBusyMs() - busy0;
  const probes = new Map<ServerProcess, Probe>();
  await Promise.all(servers.all.map(async (s) => probes.set(s, await s.probe())));
  const ours = [...probes.values()].reduce((a, p) => a + p.cpuMs, 0) + (Number.isNaN(result.cpuMs) ? 0 : result.cpuMs);
  return { result, proxy: servers.proxy === undefined ? undefined : probes.get(servers.proxy), upstream: probes.get(servers.upstream)!, otherCpuMs: Math.max(0, busy - ours), seconds };
}

/** The median of numbers (the mean of the two middle ones for an even count). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The round whose `key` is the median of all rounds (the lower middle of an even count). */
function medianBy<T>(rounds: readonly T[], key: (r: T) => number): T {
  return [...rounds].sort((a, b) => key(a) - key(b))[(rounds.length - 1) >> 1]!;
}

const fmt = (us: number): string => (us / 1000).toFixed(3);
const ms = (x: number): string => x.toFixed(1);
const mib = (b: number): string => (b / 1048576).toFixed(1);

/** One line about a server process's interval: its collections, CPU per request and waits. */
function serverLine(p: Probe, requests: number): string {
  if (p.unanswered > 0) return `**${incompleteProbe(p)}**; ${serverFigures(p, requests)}`;
  return `${p.servedBy === 'worker thread' ? 'served by a worker thread; ' : ''}${serverFigures(p, requests)}`;
}

/** Probes that lacked a worker thread's answer, said once more at the end of the bench output. */
const incompleteProbes: string[] = [];

function incompleteProbe(p: Probe): string {
  return `INCOMPLETE: ${p.unanswered} worker thread(s) of process ${p.pid} did not answer the probe; these figures lack their isolates (a serving worker's GC, loop and waits)`;
}

function serverFigures(p: Probe, requests: number): string {
  const g = p.gc;
  const major = g.major > 0 ? `, ${g.major} full (longest ${ms(g.majorMaxMs)} ms)` : '';
  return `${g.scavenges} scavenges (longest ${ms(g.scavengeMaxMs)} ms, total ${ms(g.scavengeTotalMs)} ms)${major}; cpu ${((1000 * p.cpuMs) / Math.max(1, requests)).toFixed(0)} µs/req, loop busy ${(100 * p.elu).toFixed(0)} %, waited for a core ${ms(p.runQueueWaitMs)} ms`;
}

/** Markdown lines for the bench output. */
export async function benchProxy(root: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-bench-proxy-'));
  const servers: ServerProcess[] = [];
  try {
    // A signed bundle as `blastguard build` writes it (with its api catalog), the key to verify it
    // and the runtime inventory: the files a user hands `blastguard proxy`.
    const { set } = await loadPolicySet(path.join(root, 'policies'), { cwd: root });
    const ir = buildIr(set);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = loadSigningKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'ES256');
    const built = await buildBundle(ir, { revision: 'bench', sequence: 1, signing: { key } });
    const bundleFile = path.join(dir, 'bundle.tar.gz');
    await writeFile(bundleFile, packBuiltBundle(built));
    const keyFile = path.join(dir, 'verification-key.pem');
    await writeFile(keyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const inventoryFile = path.join(dir, 'inventory.yaml');
    await writeFile(inventoryFile, INVENTORY);
    const bodyFile = path.join(dir, 'call.json');
    await writeFile(bodyFile, JSON.stringify(CALL));

    const portLine = (line: string): string | undefined => (/^\d+$/.test(line) ? `http://127.0.0.1:${line}` : undefined);
    const upstream = await ServerProcess.start(root, [path.join(root, 'test', 'bench', 'proxy-upstream.mjs')], portLine);
    servers.push(upstream);
    const bare = await ServerProcess.start(root, [path.join(root, 'test', 'bench', 'proxy-bare.mjs'), new URL(upstream.url).port], portLine);
    servers.push(bare);
    const bareSized = await ServerProcess.start(root, [path.join(root, 'test', 'bench', 'proxy-bare.mjs'), new URL(upstream.url).port], portLine, PROXY_YOUNG_GENERATION_FLAGS);
    servers.push(bareSized);
    const cli = (extra: string[]): Promise<ServerProcess> =>
      ServerProcess.start(
        root,
        [path.join(root, 'dist', 'cli', 'bin.js'), 'proxy', '--bundle', bundleFile, '--verification-key', keyFile, '--signing-alg', 'ES256', '--upstream', `railway=${upstream.url}`, '--listen', '127.0.0.1:0', '--inventory', inventoryFile, ...extra],
        (line) => /listening on (http:\/\/\S+?),/.exec(line)?.[1],
      );
    const blastguard = await cli([]);
    servers.push(blastguard);
    const logged = await cli(['--decision-log', path.join(dir, 'decisions.jsonl')]);
    servers.push(logged);

    const paths = {
      direct: { url: upstream.url, proxy: undefined, label: 'upstream directly' },
      bare: { url: bare.url, proxy: bare, label: 'bare Node pass-through proxy' },
      bareSized: { url: bareSized.url, proxy: bareSized, label: `bare pass-through, \`${sizedFlagsInEffect().join(' ')}\`` },
      blastguard: { url: blastguard.url, proxy: blastguard, label: 'blastguard proxy' },
      logged: { url: logged.url, proxy: logged, label: 'blastguard proxy --decision-log FILE' },
    };
    type Path = keyof typeof paths;
    const PATHS = Object.keys(paths) as Path[];
    const order = (r: number): Path[] => PATHS.map((_, i) => PATHS[(i + r) % PATHS.length]!);
    const on = (name: Path): { proxy: ServerProcess | undefined; upstream: ServerProcess; all: readonly ServerProcess[] } => ({ proxy: paths[name].proxy, upstream, all: servers });

    let realTime = false;
    if (REAL_TIME) {
      try {
        await Promise.all(servers.map((s) => s.schedule(true)));
        realTime = true;
      } catch (e) {
        process.stderr.write(`proxy bench: BENCH_PROXY_RT=1 but real-time priority is refused (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); measuring at normal priority\n`);
      }
    }
    const fixedRounds: Record<Path, Observed<Fixed>[]> = { direct: [], bare: [], bareSized: [], blastguard: [], logged: [] };
    try {
      for (const name of PATHS) await fixedRate(root, `${paths[name].url}/graphql/v2`, bodyFile, realTime, 2);
      for (let r = 0; r < ROUNDS; r++) {
        for (const name of order(r)) fixedRounds[name].push(await observed(on(name), () => fixedRate(root, `${paths[name].url}/graphql/v2`, bodyFile, realTime)));
        process.stderr.write(`proxy bench: fixed-rate round ${r + 1}/${ROUNDS}\n`);
      }
    } finally {
      if (realTime) await Promise.all(servers.map((s) => s.schedule(false)));
    }
    const satRounds: Record<Path, Observed<Saturated>[]> = { direct: [], bare: [], bareSized: [], blastguard: [], logged: [] };
    for (let r = 0; r < SAT_ROUNDS; r++) {
      for (const name of order(r)) satRounds[name].push(await observed(on(name), () => saturation(root, `${paths[name].url}/graphql/v2`)));
      process.stderr.write(`proxy bench: saturation round ${r + 1}/${SAT_ROUNDS}\n`);
    }

    // Memory: blastguard's own process over MEMORY_REQUESTS requests, from its probe (sampled every 250 ms).
    const before = await blastguard.probe(true);
    const t0 = performance.now();
    const { stdout } = await run(process.execPath, autocannonArgs(root, `${blastguard.url}/graphql/v2`, ['-a', String(MEMORY_REQUESTS)]), { maxBuffer: 16 << 20 });
    const memorySeconds = (performance.now() - t0) / 1000;
    const during = await blastguard.probe();
    const after = await blastguard.probe(true);
    const done = JSON.parse(stdout) as { requests: { total: number }; non2xx: number; errors: number };
    // The peak rss of each proxy process over its whole life (the same fixed-rate and saturation runs each).
    const [bareEnd, bareSizedEnd] = await Promise.all([bare.probe(), bareSized.probe()]);

    const fixed = Object.fromEntries(PATHS.map((n) => [n, medianBy(fixedRounds[n], (x) => x.result.p99)])) as Record<Path, Observed<Fixed>>;
    const sat = Object.fromEntries(PATHS.map((n) => [n, medianBy(satRounds[n], (x) => x.result.rps)])) as Record<Path, Observed<Saturated>>;
    /** Per round, `a`'s figure less `b`'s (runs of the same round, seconds apart). */
    const paired = (a: Path, b: Path, q: 'p50' | 'p99' | 'p999'): number[] => fixedRounds[a].map((x, i) => x.result[q] - fixedRounds[b][i]!.result[q]);
    const pairedLine = (a: Path, b: Path, q: 'p50' | 'p99' | 'p999'): string => {
      const d = paired(a, b, q);
      return `**${fmt(median(d))}** (rounds: ${d.map(fmt).join(' / ')})`;
    };
    const loadLine = (f: Fixed): string => `${f.gc.count} gc (longest ${ms(f.gc.maxMs)} ms); send lag p99 ${fmt(f.sendLagP99)} ms, max ${fmt(f.sendLagMax)}; waited for a core ${ms(f.runQueueWaitMs)} ms`;
    const lines = [
      '',
      `### Egress proxy (GraphQL customDomainCreate, allowed; every server in its own process, blastguard as \`blastguard proxy\`; Node ${process.versions.node})`,
      '',
      'Every request through blastguard is read, written back canonically, decided by the signed bundle’s Wasm policy (one decision, metrics counted) and forwarded ' +
        'as the canonical request over a keep-alive upstream pool; the bare proxy streams the request through a keep-alive `node:http` agent. ' +
        'Both proxies, the upstream and the load are separate processes (as in production); each server process reports its own collections, CPU and ' +
        'core waits from inside (a preloaded probe). `--decision-log FILE` writes every decision as a JSON line.' +
        (process.env[HEAP_TUNING_ENV] === 'off'
          ? ` blastguard runs with ${HEAP_TUNING_ENV}=off (inherited from the bench's environment): it serves from its main thread with Node's default young generation; `
          : ` blastguard runs in its default configuration: it serves from a worker thread whose isolate it creates with \`${PROXY_YOUNG_GENERATION_FLAGS.join(' ')}\`; `) +
        'the bare pass-through runs twice, with Node\'s defaults and with those same flags, and blastguard is compared with both.' +
        (SERVER_NODE_FLAGS.length === 0 ? ' No other Node flags.' : ` Every server process (upstream and every proxy alike) also runs with \`${SERVER_NODE_FLAGS.join(' ')}\` (BENCH_PROXY_NODE_FLAGS; semi-space flags there are the operator's and win over blastguard's).`),
      '',
      `At ${RATE} requests/s for ${SECONDS} s after ${WARM_UP.toLocaleString('en-US')} warm-up requests and 1 s paced unmeasured (fixed-rate load process, evenly spaced sends, latency in ms); ` +
        `${ROUNDS} round${ROUNDS === 1 ? '' : 's'}, each path once per round in rotating order; per path the median round by p99` +
        (realTime ? '; load and servers at real-time priority (BENCH_PROXY_RT=1: other jobs on the machine wait, as if it were idle; blastguard\'s main thread, which serves nothing, at normal priority)' : '; normal priority (BENCH_PROXY_RT=1 isolates the measured processes from other jobs)') +
        ':',
      '',
      '| path | p50 | p99 | p99.9 | added p50 vs direct | added p99 vs direct | achieved rps | failures | p99 of each round | proxy process during the median round | upstream process | load process | other cpu on the machine |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | ---: |',
      ...PATHS.map((n) => {
        const o = fixed[n];
        const f = o.result;
        const vs = (q: 'p50' | 'p99'): string => (n === 'direct' ? '—' : fmt(median(paired(n, 'direct', q))));
        const rounds = fixedRounds[n].map((x) => fmt(x.result.p99)).join(' / ');
        const proxyCol = o.proxy === undefined ? '—' : serverLine(o.proxy, f.n + WARM_UP + RATE);
        const other = `${((100 * o.otherCpuMs) / (o.seconds * 1000)).toFixed(0)} % of a core`;
        return `| ${paths[n].label} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.p999)} | ${vs('p50')} | ${vs('p99')} | ${f.achieved.toFixed(0)} | ${f.failures} | ${rounds} | ${proxyCol} | ${serverLine(o.upstream, f.n + WARM_UP + RATE)} | ${loadLine(f)} | ${other} |`;
      }),
      '',
      '“added vs direct” is the median over rounds of (path − direct) in the same round. Added latency of blastguard over each bare pass-through, per round, median in bold (goal: p99 added ≤ 1 ms at 1,000 rps):',
      '',
      `- vs the bare pass-through with Node's defaults: p50 ${pairedLine('blastguard', 'bare', 'p50')} ms; p99 ${pairedLine('blastguard', 'bare', 'p99')} ms; p99.9 ${pairedLine('blastguard', 'bare', 'p999')} ms`,
      `- vs the bare pass-through with the same young generation: p50 ${pairedLine('blastguard', 'bareSized', 'p50')} ms; p99 ${pairedLine('blastguard', 'bareSized', 'p99')} ms; p99.9 ${pairedLine('blastguard', 'bareSized', 'p999')} ms`,
      `- with the decision log, vs Node's defaults: p50 ${pairedLine('logged', 'bare', 'p50')} ms; p99 ${pairedLine('logged', 'bare', 'p99')} ms; vs the same young generation: p99 ${pairedLine('logged', 'bareSized', 'p99')} ms`,
      `- the young generation alone, bare pass-through sized over Node's defaults: p99 ${pairedLine('bareSized', 'bare', 'p99')} ms`,
      `- bare pass-through over direct (what any second hop costs): p99 ${pairedLine('bare', 'direct', 'p99')} ms`,
      '',
      `At saturation (autocannon, 32 connections, ${SAT_SECONDS} s; ${SAT_ROUNDS} round${SAT_ROUNDS === 1 ? '' : 's'} in rotating order; per path the median round by requests/s):`,
      '',
      '| path | requests/s | p50 ms | p99 ms | errors + non-2xx | requests/s of each round | proxy process during the median round |',
      '| --- | ---: | ---: | ---: | ---: | --- | --- |',
      ...PATHS.map((n) => {
        const o = sat[n];
        const x = o.result;
        return `| ${paths[n].label} | ${x.rps.toFixed(0)} | ${x.p50} | ${x.p99} | ${x.errors} | ${satRounds[n].map((r) => r.result.rps.toFixed(0)).join(' / ')} | ${o.proxy === undefined ? '—' : serverLine(o.proxy, x.total)} |`;
      }),
      '',
      (() => {
        const ratio = (a: Path, b: Path): number[] => satRounds[a].map((x, i) => (100 * x.result.rps) / satRounds[b][i]!.result.rps);
        const cpu = (a: Path): number => median(satRounds[a].map((x) => (1000 * (x.proxy?.cpuMs ?? NaN)) / x.result.total));
        const against = (b: Path): string =>
          `**${median(ratio('blastguard', b)).toFixed(0)} %** (each round: ${ratio('blastguard', b).map((x) => x.toFixed(0)).join(' / ')}), with the decision log ${median(ratio('logged', b)).toFixed(0)} %; ` +
          `by CPU per request ${((100 * cpu(b)) / cpu('blastguard')).toFixed(0)} % (with the decision log ${((100 * cpu(b)) / cpu('logged')).toFixed(0)} %)`;
        return (
          `blastguard throughput (goal ≥ 70 %), median of each round’s ratio: of the bare pass-through with Node's defaults ${against('bare')}; ` +
          `of the bare pass-through with the same young generation ${against('bareSized')}. ` +
          // Requests/s moves with whatever else the machine runs; CPU per request much less, so the
          // ratio it implies (what throughput would be on cores the proxy had to itself) is shown too.
          `Proxy process CPU per request (median over rounds): bare ${cpu('bare').toFixed(0)} µs, bare with the same young generation ${cpu('bareSized').toFixed(0)} µs, blastguard ${cpu('blastguard').toFixed(0)} µs, with the decision log ${cpu('logged').toFixed(0)} µs.`
        );
      })(),
      '',
      `Memory of the \`blastguard proxy\` process over ${done.requests.total.toLocaleString('en-US')} requests${MEMORY_REQUESTS < 1_000_000 ? ' (shortened run; BENCH_PROXY_REQUESTS=1000000 for the full one)' : ''}, ${memorySeconds.toFixed(0)} s, ${done.non2xx + done.errors} errors: ` +
        `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB after gc (peak ${mib(during.peakHeap)}), rss ${mib(before.rss)} → ${mib(after.rss)} MiB (peak ${mib(during.peakRss)}; the process's peak over the whole section ${mib(after.maxRss)}); ` +
        `${during.gc.scavenges} scavenges (longest ${ms(during.gc.scavengeMaxMs)} ms), ${during.gc.major} full collections (longest ${ms(during.gc.majorMaxMs)} ms). ` +
        `Peak rss over the latency runs: bare pass-through ${mib(bareEnd!.maxRss)} MiB, with the same young generation ${mib(bareSizedEnd!.maxRss)} MiB; \`blastguard proxy --decision-log FILE\` ${mib((await logged.probe()).maxRss)} MiB.`,
    ];
    if (incompleteProbes.length > 0) lines.push('', `**The probe was incomplete ${incompleteProbes.length} time(s): figures above lack a worker thread's isolate.** ${[...new Set(incompleteProbes)].join('; ')}.`);
    return lines;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}
