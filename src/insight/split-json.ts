/**
 * Splits a stream of JSON text holding top-level arrays of values (OPA's upload body, one array
 * per upload, several concatenated) into the values, without holding more than one value: a
 * character scanner that tracks strings and nesting, cutting every element of a top-level array
 * (or a value outside one) when its nesting closes. Each value comes with the line it starts on.
 */
export interface JsonPiece {
  text: string;
  line: number;
  column: number;
}

/** A value larger than this (UTF-16 units) is skipped unread: no decision event is that big. */
export const MAX_VALUE_CHARS = 8 << 20;

export interface ScanProblems {
  /** The text ends inside a value. */
  truncated: (line: number, column: number) => void;
  /** A value was longer than `MAX_VALUE_CHARS`; it was not kept. */
  tooLong: (line: number, column: number) => void;
}

const NEWLINE = 10;

export class ValueScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private size = 0;
  private oversized = false;
  /** Depth at which values are emitted: 1 inside a top-level array, 0 outside. */
  private level = 0;
  private startLine = 0;
  private startColumn = 0;
  private line = 1;
  private column = 0;
  private collecting = false;
  constructor(
    private readonly sink: (piece: JsonPiece) => void,
    private readonly problems: ScanProblems,
    private readonly maxChars = MAX_VALUE_CHARS,
  ) {}

  push(chunk: string): void {
    let from = this.collecting ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        this.column = 0;
      } else this.column++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (c === 34) {
        if (!this.collecting) from = this.begin(i);
        this.inString = true;
        continue;
      }
      if (c === 123 || c === 91) {
        // `[` at depth 0 opens the top-level array whose elements are the values.
        if (c === 91 && this.depth === 0 && !this.collecting) {
          this.depth = 1;
          this.level = 1;
          continue;
        }
        if (!this.collecting) from = this.begin(i);
        this.depth++;
        continue;
      }
      if (c === 125 || c === 93) {
        // A scalar element ends at the bracket that closes its array.
        if (this.collecting && this.depth === this.level) {
          this.keep(chunk, from, i);
          this.finish();
          from = -1;
        }
        if (this.depth === this.level && this.level === 1 && c === 93 && !this.collecting) {
          this.depth = 0;
          this.level = 0;
          continue;
        }
        this.depth--;
        if (this.collecting && this.depth === this.level) {
          this.keep(chunk, from, i + 1);
          this.finish();
          from = -1;
        }
        continue;
      }
      // A BOM between concatenated uploads is whitespace here.
      if (c <= 32 || c === 44 || c === 0xfeff) {
        if (this.collecting && this.depth === this.level) {
          this.keep(chunk, from, i);
          this.finish();
          from = -1;
        }
        continue;
      }
      if (!this.collecting) from = this.begin(i);
    }
    if (this.collecting && from >= 0) this.keep(chunk, from, chunk.length);
  }

  private keep(chunk: string, from: number, to: number): void {
    if (this.oversized) return;
    this.size += to - from;
    if (this.size > this.maxChars) {
      this.oversized = true;
      this.parts = [];
      return;
    }
    this.parts.push(chunk.slice(from, to));
  }

  private begin(i: number): number {
    this.collecting = true;
    this.startLine = this.line;
    this.startColumn = this.column;
    return i;
  }

  private finish(): void {
    const text = this.parts.join('');
    const oversized = this.oversized;
    this.parts = [];
    this.size = 0;
    this.oversized = false;
    this.collecting = false;
    if (oversized) this.problems.tooLong(this.startLine, this.startColumn);
    else this.sink({ text, line: this.startLine, column: this.startColumn });
  }

  end(): void {
    if (this.collecting && this.depth === this.level && !this.inString) {
      this.finish();
      return;
    }
    if (this.collecting || this.depth > 0 || this.inString) {
      this.problems.truncated(this.collecting ? this.startLine : this.line, this.collecting ? this.startColumn : this.column);
    }
  }
}
