import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { printable } from '../bundle/index.js';
import { BlastguardError, isBlastguardError } from '../core/errors.js';
import { DEFAULT_MAX_ERRORS, formatDiagnostics } from '../diagnostics/format.js';
import type { DiagnosticFormat } from '../diagnostics/format.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { parseTimestamp } from '../validate/context.js';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input (for `-` arguments). */
  readStdin: () => Promise<string>;
  /**
   * Reads all of standard input as raw bytes, when the host can (`eval --input -` checks UTF-8 and
   * hands the exact bytes to the module). Without it, `readStdin` is used.
   */
  readStdinBytes?: () => Promise<Uint8Array>;
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

/** Colours on a terminal, unless `NO_COLOR` is set; `FORCE_COLOR` (not `0`) forces them. */
export function useColor(io: CliIo): boolean {
  const force = io.env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  return io.isTTY && (io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '');
}

/** Source text for code frames, relative to the working directory; unreadable files get no frame. */
export function readSourceFrom(io: CliIo): (file: string) => string | undefined {
  return (file) => {
    try {
      return readFileSync(path.resolve(io.cwd, file), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * Prints diagnostics the way every command does: machine formats (`json`, `github`) on stdout,
 * where CI tooling reads them; the human format on stderr, so stdout stays for a command's result.
 */
export function printDiagnostics(
  io: CliIo,
  diagnostics: Diagnostic[],
  format: DiagnosticFormat,
  options: { maxErrors?: number } = {},
): void {
  const text = formatDiagnostics(diagnostics, format, {
    color: useColor(io),
    readSource: readSourceFrom(io),
    maxErrors: options.maxErrors ?? DEFAULT_MAX_ERRORS,
  });
  if (text === '') return;
  if (format === 'human') io.stderr(text);
  else io.stdout(text);
}

/** Commander argument parser for a non-negative integer flag (a bad value is a usage error, exit 2). */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

/** Commander argument parser for an RFC 3339 date-time flag (a bad value is a usage error, exit 2). */
export function parseInstant(value: string): Date {
  const ms = parseTimestamp(value);
  if (ms === undefined) throw new InvalidArgumentError('must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z');
  return new Date(ms);
}

/**
 * A usage error: a flag value that is contradictory, invalid or unsupported. Reported like any
 * coded error (`error BGnnn message` + `help:`), but `main` exits 2 for it, as for an unknown flag.
 */
export class UsageError extends BlastguardError {
  readonly usage = true;

  constructor(code: string, message: string, options: { help?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'UsageError';
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError;
}

/** Runs `check` and re-raises a coded error it throws as a usage error (exit 2), keeping code, message and help. */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (isBlastguardError(e) && !isUsageError(e)) throw new UsageError(e.code, e.message, { help: e.help, cause: e });
    throw e;
  }
}

/**
 * Checks a free-text flag that ends up in output, a token or the manifest (`--revision`,
 * `--key-id`, `--scope`): no control characters (a newline would forge output lines), and not
 * empty unless `allowEmpty`. Throws a usage error with `code`.
 */
export function checkFlagText(flag: string, value: string | undefined, code: string, options: { allowEmpty?: boolean; emptyHelp?: string } = {}): void {
  if (value === undefined) return;
  if (value === '' && !options.allowEmpty) {
    throw new UsageError(code, `${flag} must not be empty`, { help: options.emptyHelp ?? `give a value, or leave ${flag} out` });
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    throw new UsageError(code, `${flag} \`${printable(value)}\` contains a control character`, {
      help: `${flag} is written into the bundle and into output lines; use printable characters only (no newlines or tabs)`,
    });
  }
}
