/**
 * An error a user can act on. `code` is stable (tests assert it, docs list it); the message is
 * lowercase, one line, with the user's values in backticks.
 */
export class BlastguardError extends Error {
  readonly code: string;
  readonly help: string | undefined;
  /** Where the problem is, when it has a place: a file, optionally a 1-based line and column. */
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { help?: string; file?: string; line?: number; column?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BlastguardError';
    this.code = code;
    this.help = options.help;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }
}

export function isBlastguardError(e: unknown): e is BlastguardError {
  return e instanceof BlastguardError;
}
