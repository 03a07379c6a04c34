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
  /** Pretend stderr is a terminal (default: false, so no colours). */
  isTTY?: boolean;
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
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
