import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (the bundle suites' own copy of the shared helper). */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string; stdinBytes?: Uint8Array } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => options.stdin ?? '',
    ...(options.stdinBytes === undefined ? {} : { readStdinBytes: async () => options.stdinBytes! }),
    cwd: options.cwd ?? REPO,
    env: options.env ?? {},
    isTTY: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The error code main() printed (`error BGnnn …`), or null. */
export function errorCode(result: CliResult): string | null {
  return /error (BG\d{3})/.exec(result.stderr)?.[1] ?? null;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A fresh temporary directory holding a copy of the example `policies/`. */
export async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'blastguard-bundle-cli-'));
  dirs.push(dir);
  await cp(path.join(REPO, 'policies'), path.join(dir, 'policies'), { recursive: true });
  return dir;
}
