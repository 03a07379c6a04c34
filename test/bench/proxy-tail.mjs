/* global performance */
// Where the tail of one proxy-bench path comes from (a diagnostic, not part of `npm run bench`):
//
//   npm run build && node test/bench/proxy-tail.mjs direct|bare|blastguard [SECONDS=5] [RUNS=3]
//
// Starts the upstream and the path's proxy as `npm run bench` does (own processes, the probe
// preloaded, BENCH_PROXY_TRACE on so it lists every collection with its time), runs the fixed-rate
// load at 1,000 requests/s with BENCH_PROXY_DUMP (every request's send time and latency), and
// matches each request slower than the run's p99 against what happened meanwhile: a collection
// in the proxy, in the upstream or in the load process, or none of them (then the time went to
// scheduling: a process runnable but without a core, or a core waking up). Slow requests come in
// episodes (a stall delays every request sent during it), so it counts episodes too.
// PROXY_NODE_FLAGS="--max-semi-space-size=…" passes flags to the proxy process, PROXY_ARGS="--poll-interval 1"
// arguments to `blastguard proxy` (experiments).
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [which = 'blastguard', secondsText = '5', runsText = '3'] = process.argv.slice(2);
const dist = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
const PREFIX = 'blastguard-bench-probe ';

function start(args, ready, flags = []) {
  const child = spawn(process.execPath, [...flags, '--expose-gc', '--import', pathToFileURL(path.join(root, 'test', 'bench', 'proxy-probe.mjs')).href, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BENCH_PROXY_TRACE: '1' },
  });
  const waiting = [];
  return new Promise((resolve, reject) => {
    let url;
    const onLine = (line) => {
      if (line.startsWith(PREFIX)) return waiting.shift()?.(JSON.parse(line.slice(PREFIX.length)));
      // PROXY_LOG=FILE keeps everything else the proxy prints (e.g. with PROXY_NODE_FLAGS=--trace-gc).
      if (url !== undefined && flags.length > 0 && process.env.PROXY_LOG) appendFileSync(process.env.PROXY_LOG, line + '\n');
      if (url === undefined && (url = ready(line)) !== undefined) {
        resolve({
          url,
          pid: child.pid,
          probe: () => new Promise((r) => (waiting.push(r), child.kill('SIGUSR2'))),
          stop: () => child.kill('SIGTERM'),
        });
      }
      return undefined;
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => url === undefined && reject(new Error(`exited ${code}`)));
  });
}

const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-tail-'));
const servers = [];
try {
  const { loadPolicySet } = await dist('load/index.js');
  const { buildIr } = await dist('ir/build.js');
  const { loadSigningKey } = await dist('sign/index.js');
  const { buildBundle, packBuiltBundle } = await dist('toolchain/index.js');
  const ids = { project: '1c0ffee0-0000-4000-8000-000000000001', staging: '5e7a9e00-0000-4000-8000-000000000002', service: '5e7a9e00-0000-4000-8000-0000000000a1' };
  const call = {
    headers: { authorization: 'Bearer fake-railway-custom-domains-cli-token', 'content-type': 'application/json', host: 'backboard.railway.com' },
    body: JSON.stringify({
      query: 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }',
      variables: { input: { domain: 'staging.pocketos.example', environmentId: ids.staging, projectId: ids.project, serviceId: ids.service } },
      operationName: 'CustomDomainCreate',
    }),
  };
  const { set } = await loadPolicySet(path.join(root, 'policies'), { cwd: root });
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const built = await buildBundle(buildIr(set), { revision: 'tail', sequence: 1, signing: { key: loadSigningKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), 'ES256') } });
  await writeFile(path.join(dir, 'bundle.tar.gz'), packBuiltBundle(built));
  await writeFile(path.join(dir, 'key.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(
    path.join(dir, 'inventory.yaml'),
    `apiVersion: blastguard.dev/v1\nkind: Inventory\nmetadata:\n  name: bench\nspec:\n  api: railway\n  resources:\n    - { id: ${ids.project}, kind: project, project: pocketos }\n    - { id: ${ids.staging}, kind: environment, environment: staging }\n    - { id: ${ids.service}, kind: service, project: pocketos }\n`,
  );
  await writeFile(path.join(dir, 'call.json'), JSON.stringify(call));
  const port = (line) => (/^\d+$/.test(line) ? `http://127.0.0.1:${line}` : undefined);
  const upstream = await start([path.join(root, 'test', 'bench', 'proxy-upstream.mjs')], port);
  servers.push(upstream);
  const flags = (process.env.PROXY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  let proxy;
  if (which === 'bare') proxy = await start([path.join(root, 'test', 'bench', 'proxy-bare.mjs'), new URL(upstream.url).port], port, flags);
  else if (which === 'blastguard') {
    proxy = await start(
      [path.join(root, 'dist', 'cli', 'bin.js'), 'proxy', '--bundle', path.join(dir, 'bundle.tar.gz'), '--verification-key', path.join(dir, 'key.pem'), '--signing-alg', 'ES256', '--upstream', `railway=${upstream.url}`, '--listen', '127.0.0.1:0', '--inventory', path.join(dir, 'inventory.yaml'), ...(process.env.PROXY_ARGS ?? '').split(' ').filter(Boolean)],
      (line) => /listening on (http:\/\/\S+?),/.exec(line)?.[1],
      flags,
    );
  }
  if (proxy) servers.push(proxy);
  const url = `${(proxy ?? upstream).url}/graphql/v2`;
  for (let r = 0; r < Number(runsText); r++) {
    await Promise.all(servers.map((s) => s.probe()));
    const dump = path.join(dir, 'dump.json');
    const stat0 = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const { stdout } = await run(process.execPath, [path.join(root, 'test', 'bench', 'proxy-load.mjs'), url, '1000', secondsText, path.join(dir, 'call.json'), '1000'], {
      env: { ...process.env, BENCH_PROXY_DUMP: dump },
    });
    const stat1 = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = stat1.map((v, i) => v - stat0[i]);
    const summary = JSON.parse(stdout);
    const [up, px] = await Promise.all(servers.map((s) => s.probe()));
    const d = JSON.parse(readFileSync(dump, 'utf8'));
    const n = d.latencyUs.length;
    const p99 = summary.p99;
    const sources = { proxy: px?.events ?? [], upstream: up.events, load: d.gc };
    const overlaps = (events, a, b) => events.filter(([s, dur]) => s < b && s + dur > a);
    const counts = { proxy: 0, upstream: 0, load: 0, none: 0 };
    const episodes = [];
    let slow = 0;
    for (let i = 0; i < n; i++) {
      const lat = d.latencyUs[i];
      if (!(lat > p99)) continue;
      slow++;
      const a = d.sentAt[i];
      const b = a + lat / 1000;
      // A collection other than a scavenge (kind 1) is named as such: `proxy:full`.
      const hits = Object.entries(sources).map(([k, ev]) => [k, overlaps(ev, a, b)]).filter(([, o]) => o.length > 0);
      const hit = hits.length === 0 ? undefined : [hits[0][0] + (hits[0][1].some((e) => e[2] !== 1) ? ':full' : '')];
      counts[hit ? hit[0] : 'none'] = (counts[hit ? hit[0] : 'none'] ?? 0) + 1;
      const last = episodes.at(-1);
      if (last && a <= last.end + 1.5) {
        last.end = Math.max(last.end, b);
        last.count++;
        last.max = Math.max(last.max, lat);
        if (hit) last.cause.add(hit[0]);
      } else episodes.push({ start: a, end: b, count: 1, max: lat, cause: new Set(hit ? [hit[0]] : []) });
    }
    const byCause = {};
    for (const e of episodes) {
      const k = e.cause.size === 0 ? 'none' : [...e.cause].join('+');
      byCause[k] = (byCause[k] ?? 0) + 1;
    }
    const scav = (p) => (p ? `${p.gc.scavenges} scav max ${p.gc.scavengeMaxMs.toFixed(2)} total ${p.gc.scavengeTotalMs.toFixed(1)}, ${p.gc.major} full (max ${p.gc.majorMaxMs.toFixed(1)}), cpu ${((1000 * p.cpuMs) / (n + 2000)).toFixed(0)} µs/req (warm-up and lead included), rq-wait ${p.runQueueWaitMs.toFixed(1)} ms` : '—');
    const total = busy.reduce((a, b) => a + b, 0);
    console.log(
      `${which} run ${r + 1}: p50 ${(summary.p50 / 1000).toFixed(3)} p99 ${(p99 / 1000).toFixed(3)} p99.9 ${(summary.p999 / 1000).toFixed(3)} ms; machine busy ${((100 * (total - busy[3] - busy[4])) / total).toFixed(0)} % steal ${busy[7]}; ` +
        `${slow} requests > p99 in ${episodes.length} episodes (${JSON.stringify(byCause)}), requests by cause ${JSON.stringify(counts)}; longest episode ${Math.max(...episodes.map((e) => e.end - e.start)).toFixed(1)} ms\n` +
        `  episodes over 3 ms (start s into the run, length ms, requests, cause): ${episodes.filter((e) => e.end - e.start > 3).map((e) => `${((e.start - d.sentAt[0]) / 1000).toFixed(2)}s ${(e.end - e.start).toFixed(1)}ms ×${e.count} ${[...e.cause].join('+') || 'none'}`).join(', ')}\n` +
        `  proxy: ${scav(px)}\n  upstream: ${scav(up)}\n  load: ${summary.gc.count} gc, send lag p99 ${(summary.sendLagP99 / 1000).toFixed(2)} max ${(summary.sendLagMax / 1000).toFixed(2)} ms, rq-wait ${summary.runQueueWaitMs.toFixed(1)} ms, cpu ${summary.cpuMs.toFixed(0)} ms`,
    );
  }
} finally {
  for (const s of servers) s.stop();
  await rm(dir, { recursive: true, force: true });
}
void performance;
