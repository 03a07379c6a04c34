import { parentPort, workerData } from 'node:worker_threads';
import type { PipeClosedMessage, ServingWorkerData, SignalMessage, UnhandledSignalMessage } from './serving-isolate.js';

// The serving worker of serving-isolate.ts: the CLI as bin.ts runs it, in an isolate with a sized young generation.
const port = parentPort!;
const data = workerData as ServingWorkerData;

// Signals are delivered to the main thread only; it relays SIGINT and SIGTERM. Emitted on this
// thread's `process`, they reach the command's listeners (`serveUntilSignal`) unchanged.
port.on('message', (m: SignalMessage | PipeClosedMessage) => {
  // What bin.ts does in-process on EPIPE, in the thread whose exit code is the command's.
  if ('pipeClosed' in m) process.exit(process.exitCode ?? 0);
  const { signal } = m;
  if (process.listenerCount(signal) > 0) process.emit(signal, signal);
  else port.postMessage({ unhandledSignal: signal } satisfies UnhandledSignalMessage);
});
// The port must not keep the worker alive: it ends when the command has nothing left to do.
port.unref();

// The commands are loaded after the handler is in place: a signal while they load (~1 s) is
// answered at once (unhandled: it ends the process), not held until they have.
const [{ main }, { processIo }] = await Promise.all([import('./main.js'), import('./process-io.js')]);
process.exitCode = await main(data.argv, processIo({ isTTY: data.isTTY, stdoutIsTTY: data.stdoutIsTTY }));
