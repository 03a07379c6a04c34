import { inspect } from 'node:util';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Terminals } from './process-io.js';
import { PROXY_YOUNG_GENERATION_FLAGS } from './young-generation.js';

/** What the main thread and the serving worker tell each other. */
export type SignalMessage = { signal: NodeJS.Signals };
export type UnhandledSignalMessage = { unhandledSignal: NodeJS.Signals };
/** The process's stdout or stderr was closed by its reader: the worker ends as bin.ts ends a command in-process. */
export type PipeClosedMessage = { pipeClosed: true };

/** A command running in the serving worker. */
export interface ServingIsolate {
  /** The worker's exit code, once it has ended (1 when it threw). */
  exitCode: Promise<number>;
  /** Called on EPIPE: the worker exits with its own exit code, as the process would in-process. */
  pipeClosed(): void;
}

/** What the serving worker is started with. */
export interface ServingWorkerData extends Terminals {
  argv: string[];
}

/** The signals a serving command drains on; others keep their default action on the process. */
const RELAYED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Runs the CLI for `argv` in a worker thread whose isolate has the young generation a proxy needs,
 * and resolves to its exit code. V8 reads the semi-space flags when it creates an isolate, so
 * setting them now changes nothing for this one (measured) and sizes the worker's; a child
 * process would do the same at the price of a second process, orphaned if this one is killed.
 *
 * The worker is the process as far as the command can tell:
 * - its stdout and stderr are the process's (Node forwards them in order and drains them before
 *   the worker's `exit`);
 * - signals reach only the main thread: SIGINT and SIGTERM are relayed, and one the worker has no
 *   listener for (before the proxy serves, after it drained) is raised again here with our
 *   handler for it removed, so it ends the process as it would have without a worker, unless
 *   another listener of this thread handles it (then nothing more happens, as without a worker);
 * - an uncaught exception ends the worker (its sockets close with its isolate) and is printed as
 *   Node prints one, with exit code 1;
 * - a pipe closed by its reader ends the worker (`pipeClosed`) with the exit code it has set, so
 *   that a failed start-up or a crash is not reported as 0 because only the worker knew its code.
 */
export function runInSizedIsolate(argv: string[], terminals: Terminals): ServingIsolate {
  for (const flag of PROXY_YOUNG_GENERATION_FLAGS) v8.setFlagsFromString(flag);
  const workerData: ServingWorkerData = { argv, ...terminals };
  const worker = new Worker(new URL('./serving-worker.js', import.meta.url), { workerData });
  const relay = (signal: NodeJS.Signals): void => worker.postMessage({ signal } satisfies SignalMessage);
  const stopRelaying = (): void => {
    for (const signal of RELAYED) process.off(signal, relay);
  };
  for (const signal of RELAYED) process.on(signal, relay);
  worker.on('message', ({ unhandledSignal: signal }: UnhandledSignalMessage) => {
    if (!RELAYED.includes(signal)) return;
    // In-process, another listener (a telemetry preload's) would have taken the signal and the
    // process gone on: so here too. Only with no listener but ours does the default action apply.
    // The relay is not put back after `kill`: the signal arrives asynchronously.
    if (process.listeners(signal).some((listener) => listener !== relay)) return;
    process.off(signal, relay);
    process.kill(process.pid, signal);
  });
  let exited = false;
  const exitCode = new Promise<number>((resolve) => {
    let failed = false;
    worker.once('error', (e: unknown) => {
      failed = true;
      process.stderr.write(`${inspect(e)}\n\nNode.js ${process.version}\n`);
    });
    worker.once('exit', (code) => {
      exited = true;
      stopRelaying();
      resolve(failed && code === 0 ? 1 : code);
    });
  });
  const pipeClosed = (): void => {
    if (!exited) worker.postMessage({ pipeClosed: true } satisfies PipeClosedMessage);
  };
  return { exitCode, pipeClosed };
}
