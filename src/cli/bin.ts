#!/usr/bin/env node
import type { ServingIsolate } from './serving-isolate.js';
import { servesWithSizedYoungGeneration } from './young-generation.js';

/** The serving worker while a proxy runs in one: it, not this thread, knows the command's exit code. */
let serving: ServingIsolate | undefined;

// `blastguard ir | head -c 100` closes the pipe early; that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (serving) serving.pipeClosed();
    else process.exit(process.exitCode ?? 0);
  });
}

const argv = process.argv.slice(2);
const terminals = { isTTY: Boolean(process.stderr.isTTY), stdoutIsTTY: Boolean(process.stdout.isTTY) };
// Loaded after the choice, so that a proxy's main thread does not load every command for nothing.
if (servesWithSizedYoungGeneration(argv, process.env, process.execArgv)) {
  const { runInSizedIsolate } = await import('./serving-isolate.js');
  serving = runInSizedIsolate(argv, terminals);
  process.exitCode = await serving.exitCode;
} else {
  const [{ main }, { processIo }] = await Promise.all([import('./main.js'), import('./process-io.js')]);
  process.exitCode = await main(argv, processIo(terminals));
}
