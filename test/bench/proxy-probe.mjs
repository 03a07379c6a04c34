/* global setInterval, setTimeout */
// Preloaded (`node --import …/proxy-probe.mjs`) into every server process of the proxy benchmark:
// the upstream, the bare pass-through and `blastguard proxy` (the real CLI). It changes nothing the
// process does; it observes, from inside, what the benchmark cannot see from outside, and reports
// it on SIGUSR2 as one line on stderr (`blastguard-bench-probe {json}`), covering the time since the
// previous SIGUSR2. The same probe in every process, so no path is observed differently.
//
// - Garbage collections by kind (perf_hooks entries): a scavenge stops the loop for its whole
//   length, so the longest one bounds what the process's own GC adds to a request.
// - CPU time (process.cpuUsage) and how long the main thread waited for a core while runnable
//   (/proc/self/schedstat, field 2): on a shared 2-core machine the second is the scheduling part
//   of a tail, the first tells per-request cost.
// - Event-loop utilization (busy fraction of the loop; free, no timer) and event-loop delay with a
//   10 ms resolution: a 1 ms timer would wake the process 1,000 times a second, as often as the
//   requests it serves, and change the very wake-up pattern whose latency is measured.
// - Memory: heap and rss sampled every 250 ms (an unref'd timer), peak over the interval, and the
//   peak rss of the process's whole life (getrusage maxrss).
//
// It never collects garbage on its own: a forced full collection between runs flushed compiled
// code and shrank the young generation, and the next run started by compiling again (stalls of
// 5-15 ms and a third more CPU per request in blastguard's next run, measured), which a proxy in
// production never goes through. Only SIGWINCH (the memory section, after every latency run)
// collects first, with --expose-gc, and then reports.
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants, monitorEventLoopDelay, performance } from 'node:perf_hooks';

const PREFIX = 'blastguard-bench-probe ';

function runQueueWaitNs() {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return NaN;
  }
}

let gcs;
let cpu;
let wait;
let elu;
let peakHeap;
let peakRss;
/** With BENCH_PROXY_TRACE set, every collection ([start ms since the epoch, ms, kind]) goes in the report too, for proxy-tail.mjs. */
let events;
const loop = monitorEventLoopDelay({ resolution: 10 });

function reset() {
  gcs = { scavenges: 0, scavengeMaxMs: 0, scavengeTotalMs: 0, major: 0, majorMaxMs: 0, otherMs: 0, totalMs: 0 };
  cpu = process.cpuUsage();
  wait = runQueueWaitNs();
  elu = performance.eventLoopUtilization();
  const m = process.memoryUsage();
  peakHeap = m.heapUsed;
  peakRss = m.rss;
  loop.reset();
  if (process.env.BENCH_PROXY_TRACE) events = [];
}

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    // The probe's own collection between runs is not the process's.
    if ((e.detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
    const kind = e.detail?.kind;
    if (events !== undefined) events.push([performance.timeOrigin + e.startTime, e.duration, kind]);
    gcs.totalMs += e.duration;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gcs.scavenges++;
      gcs.scavengeTotalMs += e.duration;
      gcs.scavengeMaxMs = Math.max(gcs.scavengeMaxMs, e.duration);
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gcs.major++;
      gcs.majorMaxMs = Math.max(gcs.majorMaxMs, e.duration);
    } else gcs.otherMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 250);
sampler.unref();

reset();
loop.enable();

function report(collect) {
  if (collect) globalThis.gc?.();
  const used = process.cpuUsage(cpu);
  const m = process.memoryUsage();
  const report = {
    pid: process.pid,
    gc: gcs,
    cpuMs: (used.user + used.system) / 1000,
    runQueueWaitMs: (runQueueWaitNs() - wait) / 1e6,
    elu: performance.eventLoopUtilization(elu).utilization,
    loopDelayP99Ms: loop.count > 0 ? loop.percentile(99) / 1e6 : 0,
    loopDelayMaxMs: loop.count > 0 ? loop.max / 1e6 : 0,
    heapUsed: m.heapUsed,
    rss: m.rss,
    peakHeap: Math.max(peakHeap, m.heapUsed),
    peakRss: Math.max(peakRss, m.rss),
    maxRss: process.resourceUsage().maxRSS * 1024,
    ...(events === undefined ? {} : { events }),
  };
  process.stderr.write(PREFIX + JSON.stringify(report) + '\n');
  reset();
}

// Garbage-collection entries reach the observer a little after the collection: a short wait lets
// those of the interval's last moments land in it rather than in the next.
process.on('SIGUSR2', () => setTimeout(report, 20, false));
process.on('SIGWINCH', () => setTimeout(report, 20, true));
