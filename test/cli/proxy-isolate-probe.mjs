/* global setTimeout, setImmediate, setInterval */
// Preloaded (`node --import`) by proxy-isolate.test.ts into `blastguard proxy`, in every thread
// (Node runs --import preloads in worker threads too). When a server of this thread listens, it
// says which isolate serves, its heap size limit (the old generation's and, in V8, three times the
// largest semi-space: --max-semi-space-size shows there) and its new space now (a semi-space's
// capacity, never below --min-semi-space-size), on stderr. With
// PROXY_ISOLATE_PROBE_THROW set, that isolate then throws an exception nothing catches. With
// PROXY_ISOLATE_PROBE_MARK_WORKER set, a worker thread says so as it starts (the main thread has then
// set up its relay of signals); with PROXY_ISOLATE_PROBE_MAIN_SIGTERM set, the main thread listens
// for SIGTERM as a telemetry preload does (`process.on('SIGTERM', () => sdk.shutdown())`). With
// PROXY_ISOLATE_PROBE_CHATTER set, the serving isolate writes a line to stderr every 20 ms.
import net from 'node:net';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';

if (!isMainThread && process.env.PROXY_ISOLATE_PROBE_MARK_WORKER) process.stderr.write('proxy-isolate-probe worker started\n');
if (isMainThread && process.env.PROXY_ISOLATE_PROBE_MAIN_SIGTERM) process.on('SIGTERM', () => process.stderr.write('proxy-isolate-probe main thread saw SIGTERM\n'));

// New space before the thread has allocated much: --min-semi-space-size shows here (by the time a
// proxy listens, Node's default 1 MiB semi-spaces have already grown past 16 MiB).
const newSpaceAtStart = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

// Once a server of this thread listens, the first SIGTERM listener added after it is the proxy's
// (serveUntilSignal): said on stderr once it is in place, for a test to signal only then (the
// start-up line comes just before it: a signal sent on reading that line could beat it).
let listened = false;
let signalsHandled = false;
process.on('newListener', (event) => {
  if (!listened || signalsHandled || event !== 'SIGTERM') return;
  signalsHandled = true;
  setImmediate(() => process.stderr.write('proxy-isolate-probe signals handled\n'));
});

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once('listening', () => {
    listened = true;
    const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stderr.write(`proxy-isolate-probe ${JSON.stringify({ mainThread: isMainThread, heapSizeLimit: v8.getHeapStatistics().heap_size_limit, newSpaceBytes: newSpace?.space_size ?? 0, newSpaceAtStartBytes: newSpaceAtStart })}\n`);
    if (process.env.PROXY_ISOLATE_PROBE_CHATTER) setInterval(() => process.stderr.write('proxy-isolate-probe chatter\n'), 20).unref();
    if (process.env.PROXY_ISOLATE_PROBE_THROW) {
      setTimeout(() => {
        throw new Error('proxy-isolate-probe: an uncaught failure in the serving isolate');
      }, 50);
    }
  });
  return listen.apply(this, args);
};
