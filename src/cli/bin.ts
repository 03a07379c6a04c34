#!/usr/bin/env node
import { servesWithSizedYoungGeneration } from './young-generation.js';

// `blastguard ir | head -c 100` closes the pipe early; that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const argv = process.argv.slice(2);
const terminals = { isTTY: Boolean(process.stderr.isTTY), stdoutIsTTY: Boolean(process.stdout.isTTY) };
// Loaded after the choice, so that a proxy's main thread does not load every command for nothing.
if (servesWithSizedYoungGeneration(argv, process.env, process.execArgv)) {
  const { runInSizedIsolate } = await import('./serving-isolate.js');
  process.exitCode = await runInSizedIsolate(argv, terminals);
} else {
  const [{ main }, { processIo }] = await Promise.all([import('./main.js'), import('./process-io.js')]);
  process.exitCode = await main(argv, processIo(terminals));
}
