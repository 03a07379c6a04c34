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
import { readFileSync } from 'node:fs';
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
let recorded = 0;
let failures = 0;
const pauses = [];
const gcs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push(e.duration);
});

function runQueueWaitNs() {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return NaN;
  }
}

function once(measured) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(options, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) failures++;
        else if (measured) samples[recorded++] = (performance.now() - t0) * 1000;
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

// Warm-up: connections open, JIT warm.
for (let i = 0; i < Number(warmUpText); i++) await once(false);
gcs.observe({ entryTypes: ['gc'] });
const wait0 = runQueueWaitNs();
const cpu0 = process.cpuUsage();
// Absolute times (ms since the epoch, fractional): a worker's performance.now() has its own origin.
const start = performance.timeOrigin + performance.now() + 5;
const pacer = new Worker(
  `const { workerData, parentPort } = require('node:worker_threads');
const { start, total, rate } = workerData;
const cell = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < total; i++) {
  const wait = start + (i * 1000) / rate - (performance.timeOrigin + performance.now());
  if (wait > 0) Atomics.wait(cell, 0, 0, wait);
  parentPort.postMessage(i);
}`,
  { eval: true, workerData: { start, total, rate } },
);
const pending = [];
await new Promise((resolve, reject) => {
  pacer.on('error', reject);
  pacer.on('message', (i) => {
    lags[i] = (performance.timeOrigin + performance.now() - (start + (i * 1000) / rate)) * 1000;
    pending.push(once(true));
    if (pending.length === total) resolve();
  });
});
await Promise.all(pending);
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
