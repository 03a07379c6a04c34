/* global performance */
// Fixed-rate load for the proxy benchmark, in its own process: `rate` requests a second for
// `seconds`, evenly spaced, each timed with the monotonic clock (µs), over keep-alive connections.
// Prints JSON: latency percentiles, and this process's own garbage-collection pauses (a tail the
// load process itself would add to every path alike).
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
let recorded = 0;
let failures = 0;
const pauses = [];
const gcs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push(e.duration);
});

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
  pacer.on('message', () => {
    pending.push(once(true));
    if (pending.length === total) resolve();
  });
});
await Promise.all(pending);
const elapsed = (performance.timeOrigin + performance.now() - start) / 1000;
gcs.disconnect();
await pacer.terminate();
agent.destroy();
const sorted = samples.subarray(0, recorded).sort();
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
const gc = { count: pauses.length, maxMs: pauses.reduce((a, b) => Math.max(a, b), 0), totalMs: pauses.reduce((a, b) => a + b, 0) };
process.stdout.write(JSON.stringify({ n: recorded, failures, p50: at(0.5), p99: at(0.99), p999: at(0.999), achieved: recorded / elapsed, gc }) + '\n');
