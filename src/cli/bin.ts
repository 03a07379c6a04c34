#!/usr/bin/env node
import { main } from './main.js';
import type { CliIo } from './command.js';

async function readStdinBytes(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// `blastguard ir | head -c 100` closes the pipe early; that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: async () => Buffer.from(await readStdinBytes()).toString('utf8'),
  // eval hands the module the bytes as sent, so invalid UTF-8 is judged, not silently replaced.
  readStdinBytes,
  stdinStream: () => process.stdin,
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
};

process.exitCode = await main(process.argv.slice(2), io);
