import type { CliIo } from './io.js';

async function readStdinBytes(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Whether the process's stderr and stdout are terminals (a worker thread's streams are not: it is told). */
export interface Terminals {
  isTTY: boolean;
  stdoutIsTTY: boolean;
}

/** The process's own streams, environment and working directory, as the binary hands them to `main`. */
export function processIo(terminals: Terminals = { isTTY: Boolean(process.stderr.isTTY), stdoutIsTTY: Boolean(process.stdout.isTTY) }): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => Buffer.from(await readStdinBytes()).toString('utf8'),
    // eval hands the module the bytes as sent, so invalid UTF-8 is judged, not silently replaced.
    readStdinBytes,
    stdinStream: () => process.stdin,
    cwd: process.cwd(),
    env: process.env,
    ...terminals,
  };
}
