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
 * layer's codes form a closed union (`CodeOf<typeof EXTRACT_CODES>`).
 */
export type CodeRegistry = Readonly<Record<string, `BG${number}`>>;

/** The code union of a registry. */
export type CodeOf<R extends CodeRegistry> = R[keyof R];

/** A layer's codes as written once: name → [code, one-line title for the README's table]. */
type CodeTable = Readonly<Record<string, readonly [`BG${number}`, string]>>;

/** The codes of a table by name (`BUNDLE_CODES.claimsFile`), and their titles by code. */
export interface Registry<T extends CodeTable> {
  codes: { readonly [K in keyof T]: T[K][0] };
  titles: Readonly<Record<T[keyof T][0], string>>;
}

/** A layer's registry from its one table, so a code cannot lack a title or a title a code. */
export function codeRegistry<const T extends CodeTable>(table: T): Registry<T> {
  const entries = Object.entries(table);
  return {
    codes: Object.fromEntries(entries.map(([name, [code]]) => [name, code])),
    titles: Object.fromEntries(entries.map(([, [code, title]]) => [code, title])),
  } as Registry<T>;
}
