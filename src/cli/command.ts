import type { Command } from 'commander';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input (for `-` arguments). */
  readStdin: () => Promise<string>;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (colours, code frames). */
  isTTY: boolean;
}

/**
 * A CLI command. `register` adds it to the program; its action must resolve to the exit code
 * (0 success, 1 a failure the user must fix, 2 usage) and report through `io`, never process.exit.
 */
export interface CommandModule {
  name: string;
  register(program: Command, io: CliIo, setExit: (code: number) => void): void;
}
