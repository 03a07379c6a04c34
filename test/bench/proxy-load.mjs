/* global performance */
// Fixed-rate load for the proxy benchmark, in its own process: `rate` requests a second for
// `seconds`, evenly spaced, each timed with the monotonic clock (µs), over keep-alive connections.
// Prints JSON: latency percentiles, and what this process itself went through (a tail it would add
// to every path alike): its garbage-collection pauses, how late it sent (send lag: actual send time
// against the schedule, so a late load process shows as such instead of as a slow path), how long
// its main thread waited for a core (/proc schedstat) and the CPU it used.
//
// The send times come from a worker thread that sleeps to each one with `Atomics.wait` (sub-ms)
// and posts a tick: timers have whole-millisecond resolution, and a loop that sends whatever is
// due within the next millisecond sends pairs back to back, the second queued behind the first in
// the proxy. The main thread never spins, so it takes no core from the proxy it measures.
import { Agent, request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const [url, rateText, secondsText, bodyFile, warmUpText = '500'] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(bodyFile, 'utf8'));
const target = new URL(url);
const rate = Number(rateText);
const seconds = Number(secondsText);
const total = Math.round(rate * seconds);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const body = Buffer.from(spec.body);
const headers = { ...spec.headers, 'content-length': body.length };
const options = { hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent };
/** Microseconds per measured request, in the order they completed; preallocated so recording one allocates nothing. */
const samples = new Float64Array(total);
/** Microseconds each send started after its scheduled time. */
const lags = new Float64Array(total);
/** Per send (by index): when it was sent (ms since the epoch) and its latency (µs), for BENCH_PROXY_DUMP. */
const sentAt = new Float64Array(total);
const latencyOf = new Float64Array(total);
let recorded = 0;
let failures = 0;
const pauses = [];
const gcEvents = [];
const gcs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    pauses.push(e.duration);
    gcEvents.push([performance.timeOrigin + e.startTime, e.duration, e.detail?.kind]);
  }
});

function runQueueWaitNs() {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return NaN;
  }
}

function once(i) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    if (i >= 0) sentAt[i] = performance.timeOrigin + t0;
    const req = request(options, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) failures++;
        else if (i >= 0) samples[recorded++] = latencyOf[i] = (performance.now() - t0) * 1000;
        resolve();
      });
    });
    req.on('error', () => {
      failures++;
      resolve();
    });
    req.end(body);
  });
}

// Warm-up: JIT warm, and connections open. Most of it one request at a time; then bursts of
// WARM_PARALLEL at once, so that the few moments of the measured run when requests overlap (after
// any stall) find connections open, on the client as in a proxy's upstream pool: otherwise those
// moments alone would pay for TCP handshakes, a cost of the benchmark's start, not of the path.
const WARM_PARALLEL = 8;
const warmUp = Number(warmUpText);
for (let i = 0; i < warmUp - 10 * WARM_PARALLEL; i++) await once(-1);
for (let b = 0; b < 10; b++) await Promise.all(Array.from({ length: WARM_PARALLEL }, () => once(-1)));
// The first second of the schedule is paced but not measured: the first few hundred milliseconds
// of a paced run held stalls of 5-17 ms on every path (the pacer's and the paced path's first
// runs; measured with proxy-tail.mjs), about 0.5 % of a 5 s run's samples.
const LEAD = rate;
// The schedule starts once the pacer runs (it sends its start time first): a worker takes tens of
// milliseconds to boot, and a start fixed before that would open the run with a burst of every
// send that fell due meanwhile (30-40 at once, each queued behind the others: 0.6 % of a 5 s run's
// samples, enough to set its p99, and worse for a proxy the costlier it is per request).
// Absolute times (ms since the epoch, fractional): a worker's performance.now() has its own origin.
const pacer = new Worker(
  `const { workerData, parentPort } = require('node:worker_threads');
const { ticks, rate } = workerData;
const start = performance.timeOrigin + performance.now() + 5;
parentPort.postMessage(start);
const cell = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < ticks; i++) {
  const wait = start + (i * 1000) / rate - (performance.timeOrigin + performance.now());
  if (wait > 0) Atomics.wait(cell, 0, 0, wait);
  parentPort.postMessage(i);
}`,
  { eval: true, workerData: { ticks: LEAD + total, rate } },
);
// Completions are counted, not kept: an array of every request's promise would survive each of
// this process's scavenges and lengthen them (a 4-5 ms pause mid-run, measured), a tail it would
// add to every path.
let completed = 0;
let start = NaN;
let wait0 = NaN;
let cpu0;
await new Promise((resolve, reject) => {
  const onDone = () => {
    if (++completed === LEAD + total) resolve();
  };
  pacer.on('error', reject);
  pacer.on('message', (tick) => {
    if (Number.isNaN(start)) {
      start = tick + (LEAD * 1000) / rate;
      return;
    }
    const i = tick - LEAD;
    if (i === 0) {
      gcs.observe({ entryTypes: ['gc'] });
      wait0 = runQueueWaitNs();
      cpu0 = process.cpuUsage();
    }
    if (i >= 0) lags[i] = (performance.timeOrigin + performance.now() - (start + (i * 1000) / rate)) * 1000;
    once(i).then(onDone);
  });
});
const elapsed = (performance.timeOrigin + performance.now() - start) / 1000;
const used = process.cpuUsage(cpu0);
const waited = runQueueWaitNs() - wait0;
gcs.disconnect();
await pacer.terminate();
agent.destroy();
const sorted = samples.subarray(0, recorded).sort();
const at = (s, q) => s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? 0;
const lagSorted = lags.sort();
const gc = { count: pauses.length, maxMs: pauses.reduce((a, b) => Math.max(a, b), 0), totalMs: pauses.reduce((a, b) => a + b, 0) };
// BENCH_PROXY_DUMP=FILE: every measured request's send time and latency, for proxy-tail.mjs.
if (process.env.BENCH_PROXY_DUMP) writeFileSync(process.env.BENCH_PROXY_DUMP, JSON.stringify({ sentAt: [...sentAt], latencyUs: [...latencyOf], gc: gcEvents }));
process.stdout.write(
  JSON.stringify({
    n: recorded,
    failures,
    p50: at(sorted, 0.5),
    p99: at(sorted, 0.99),
    p999: at(sorted, 0.999),
    achieved: recorded / elapsed,
    gc,
    sendLagP99: at(lagSorted, 0.99),
    sendLagMax: lagSorted[lagSorted.length - 1] ?? 0,
    cpuMs: (used.user + used.system) / 1000,
    runQueueWaitMs: waited / 1e6,
  }) + '\n',
);
