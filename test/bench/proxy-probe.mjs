/* global setInterval, setTimeout, clearTimeout, BroadcastChannel */
// Preloaded (`node --import …/proxy-probe.mjs`) into every server process of the proxy benchmark:
// the upstream, the bare pass-through and `blastguard proxy` (the real CLI). It changes nothing the
// process does; it observes, from inside, what the benchmark cannot see from outside, and reports
// it on SIGUSR2 as one line on stderr (`blastguard-bench-probe {json}`), covering the time since the
// previous SIGUSR2. The same probe in every process, so no path is observed differently.
//
// It observes the isolate that serves. `blastguard proxy` serves from a worker thread (its young
// generation is sized there; src/cli/serving-isolate.ts), and Node runs --import preloads in
// worker threads too: there the probe answers the main thread's probe over a BroadcastChannel, and
// the report is the process's: collections of every isolate (each isolate's GC events reach only
// its own thread), CPU of the whole process (process.cpuUsage counts every thread), heap of every
// isolate, rss of the process; loop utilization, loop delay and core waits are the serving
// thread's (the worker's when there is one, else the main thread's). Signals reach the main
// thread only, so it alone answers SIGUSR2.
//
// - Garbage collections by kind (perf_hooks entries): a scavenge stops the loop for its whole
//   length, so the longest one bounds what the process's own GC adds to a request.
// - CPU time (process.cpuUsage) and how long the serving thread waited for a core while runnable
//   (/proc/thread-self/schedstat, field 2): on a shared 2-core machine the second is the scheduling part
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
import { isMainThread, threadId } from 'node:worker_threads';

const PREFIX = 'blastguard-bench-probe ';
const CHANNEL = 'blastguard-bench-probe';
/** How long the main thread waits for its workers' figures before it reports without them. */
const WORKER_ANSWER_MS = 2_000;

function runQueueWaitNs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]);
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

/** This isolate's figures since the last call (process.memoryUsage().heapUsed is the calling isolate's heap). */
function isolateFigures(collect) {
  if (collect) globalThis.gc?.();
  const used = process.cpuUsage(cpu);
  const m = process.memoryUsage();
  const figures = {
    thread: threadId,
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
  reset();
  return figures;
}

/** The process's report from the main thread's figures and its workers': see the header. */
function combined(main, workers, unanswered) {
  const serving = workers[0] ?? main;
  const all = [main, ...workers];
  const sum = (f) => all.reduce((a, x) => a + f(x), 0);
  const max = (f) => Math.max(...all.map(f));
  const trace = all.some((x) => x.events !== undefined) ? { events: all.flatMap((x) => x.events ?? []).sort((a, b) => a[0] - b[0]) } : {};
  return {
    pid: process.pid,
    isolates: all.length,
    // Worker threads that exist but did not answer in time: the figures then lack their isolates.
    unanswered,
    servedBy: serving === main ? 'main thread' : 'worker thread',
    gc: {
      scavenges: sum((x) => x.gc.scavenges),
      scavengeMaxMs: max((x) => x.gc.scavengeMaxMs),
      scavengeTotalMs: sum((x) => x.gc.scavengeTotalMs),
      major: sum((x) => x.gc.major),
      majorMaxMs: max((x) => x.gc.majorMaxMs),
      otherMs: sum((x) => x.gc.otherMs),
      totalMs: sum((x) => x.gc.totalMs),
    },
    cpuMs: main.cpuMs,
    runQueueWaitMs: serving.runQueueWaitMs,
    elu: serving.elu,
    loopDelayP99Ms: serving.loopDelayP99Ms,
    loopDelayMaxMs: serving.loopDelayMaxMs,
    heapUsed: sum((x) => x.heapUsed),
    rss: main.rss,
    // Each isolate samples its own heap: the sum of their peaks bounds the process's peak heap.
    peakHeap: sum((x) => x.peakHeap),
    peakRss: max((x) => x.peakRss),
    maxRss: main.maxRss,
    ...trace,
  };
}

const channel = new BroadcastChannel(CHANNEL);

if (isMainThread) {
  /** Workers that said they exist (and have not said they ended). */
  const workers = new Set();
  let pending;
  channel.onmessage = ({ data }) => {
    if (data.type === 'hello') workers.add(data.thread);
    else if (data.type === 'bye') workers.delete(data.thread);
    else if (data.type === 'figures' && pending !== undefined && pending.id === data.id) {
      pending.answers.push(data.figures);
      if (pending.answers.length >= workers.size) pending.done();
    }
  };
  let nextId = 0;
  const report = (collect) => {
    const id = nextId++;
    const main = isolateFigures(collect);
    const answers = [];
    const finish = () => {
      clearTimeout(timer);
      pending = undefined;
      process.stderr.write(PREFIX + JSON.stringify(combined(main, answers.sort((a, b) => a.thread - b.thread), Math.max(0, workers.size - answers.length))) + '\n');
    };
    const timer = setTimeout(finish, WORKER_ANSWER_MS);
    pending = { id, answers, done: finish };
    if (workers.size === 0) finish();
    else channel.postMessage({ type: 'ask', id, collect });
  };
  // Garbage-collection entries reach the observer a little after the collection: a short wait lets
  // those of the interval's last moments land in it rather than in the next.
  process.on('SIGUSR2', () => setTimeout(report, 20, false));
  process.on('SIGWINCH', () => setTimeout(report, 20, true));
} else {
  channel.onmessage = ({ data }) => {
    if (data.type === 'ask') setTimeout(() => channel.postMessage({ type: 'figures', id: data.id, figures: isolateFigures(data.collect) }), 20);
  };
  channel.postMessage({ type: 'hello', thread: threadId });
  process.on('exit', () => channel.postMessage({ type: 'bye', thread: threadId }));
}
// The channel must not keep a thread alive (a proxy ends when its command is done); after the
// listener, which would take the reference again.
channel.unref();
