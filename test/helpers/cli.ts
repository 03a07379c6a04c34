import { cp } from 'node:fs/promises';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/command.js';

export interface CliResult {
  /** The exit code `main` resolved to. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory relative paths resolve against (default: process.cwd()). */
  cwd?: string;
  /** Environment seen by the command (default: empty, so NO_COLOR/CI of the runner do not leak in). */
  env?: Record<string, string | undefined>;
  /** Standard input for `-` arguments (default: empty). */
  stdin?: string;
  /** Standard input as raw bytes, for commands that read bytes (`eval --input -`). */
  stdinBytes?: Uint8Array;
  /** Pretend stderr is a terminal (default: false, so no colours). */
  isTTY?: boolean;
  /** Pretend stdout is a terminal (default: false). */
  stdoutIsTTY?: boolean;
}

/**
 * Runs the CLI in-process, as `blastguard <args…>` would, and captures its output.
 *
 *   const { code, stdout, stderr } = await runCli(['validate', '--dir', dir]);
 */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    ...(options.stdinBytes === undefined ? {} : { readStdinBytes: () => Promise.resolve(options.stdinBytes!) }),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    ...(options.stdoutIsTTY === undefined ? {} : { stdoutIsTTY: options.stdoutIsTTY }),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

export const REPO = path.resolve(import.meta.dirname, '..', '..');

/** Copies the example repository (policies, incident replays, decision tests) under `root`, for tests that break it. */
export async function copyExampleRepo(root: string): Promise<string> {
  for (const part of ['policies', 'test/incidents', 'test/policies']) {
    await cp(path.join(REPO, part), path.join(root, part), { recursive: true });
  }
  return root;
}

/** A minimal Replay document with the given step lines (already indented under `steps:`). */
export function replayYaml(name: string, steps: string[]): string {
  return [
    'apiVersion: blastguard.dev/v1',
    'kind: Replay',
    `metadata: { name: ${name} }`,
    'spec:',
    '  title: t',
    '  date: "2026-04-24"',
    '  sources: [{ url: https://example.com }]',
    '  steps:',
    ...steps,
    '',
  ].join('\n');
}
