/**
 * An error a user can act on. `code` is stable (tests assert it, docs list it); the message is
 * lowercase, one line, with the user's values in backticks. A layer narrows `C` to its own code
 * union (`BlastguardError<BundleCode>`), so `tsc` rejects a code of another layer or a typo.
 */
export class BlastguardError<C extends string = string> extends Error {
  readonly code: C;
  readonly help: string | undefined;
  /** Where the problem is, when it has a place: a file, optionally a 1-based line and column. */
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: C,
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

/**
 * The one shape of a layer's code registry: stable names for stable codes, `as const` so each
 * layer's codes form a closed union (`CodeOf<typeof EXTRACT_CODES>`), with a one-line title per
 * code for the README's table.
 */
export type CodeRegistry = Readonly<Record<string, `BG${number}`>>;

/** The code union of a registry. */
export type CodeOf<R extends CodeRegistry> = R[keyof R];

/** Titles of every code of a registry: a missing or stray title is a type error. */
export type CodeTitles<R extends CodeRegistry> = Readonly<Record<CodeOf<R>, string>>;
