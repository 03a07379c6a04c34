import { DEFAULT_MAX_ERRORS, formatDiagnostics } from '../diagnostics/format.js';
import type { DiagnosticFormat } from '../diagnostics/format.js';
import type { Diagnostic } from '../diagnostics/types.js';

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
  /** Standard input as a stream, for readers that must not hold it all (`report --logs -`). */
  stdinStream?: () => AsyncIterable<Uint8Array>;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (colours, code frames). */
  isTTY: boolean;
  /** Whether stdout is a terminal; absent means it is not. Colour is decided per stream. */
  stdoutIsTTY?: boolean;
}

/**
 * Whether to colour what goes to `stream`: only when that stream is a terminal (stdout redirected
 * to a file gets no escapes although stderr is a terminal), and never with `NO_COLOR` set,
 * `FORCE_COLOR=0` or `TERM=dumb`. `FORCE_COLOR` of any other value forces colour.
 */
export function useColor(io: Pick<CliIo, 'env' | 'isTTY' | 'stdoutIsTTY'>, stream: 'stdout' | 'stderr'): boolean {
  const force = io.env['FORCE_COLOR'];
  if (force === '0' || force === 'false') return false;
  if (force !== undefined && force !== '') return true;
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') return false;
  if (io.env['TERM'] === 'dumb') return false;
  return stream === 'stdout' ? io.stdoutIsTTY === true : io.isTTY;
}

/**
 * Prints diagnostics the way every command does: machine formats (`json`, `github`) on stdout,
 * where CI tooling reads them; the human format on stderr, so stdout stays for a command's result.
 * Code frames show only `sources`, the text the loaders read from inside the policy and tests
 * directories, never a fresh read of a path (which a symbolic link could send to `/proc/self/environ`).
 */
export function printDiagnostics(
  io: CliIo,
  diagnostics: Diagnostic[],
  format: DiagnosticFormat,
  sources: ReadonlyMap<string, string>,
  options: { maxErrors?: number } = {},
): void {
  const text = formatDiagnostics(diagnostics, format, {
    color: useColor(io, format === 'human' ? 'stderr' : 'stdout'),
    readSource: (file) => sources.get(file),
    maxErrors: options.maxErrors ?? DEFAULT_MAX_ERRORS,
  });
  if (text === '') return;
  if (format === 'human') io.stderr(text);
  else io.stdout(text);
}
