/**
 * Splits a stream of text into top-level JSON values without holding more than one value:
 * JSON lines (one value a line) or JSON arrays of values (OPA's upload body), told apart by the
 * first character. Each value comes with the line it starts on.
 */
export interface JsonPiece {
  /** The value's text, or null for a line that failed to parse (`error` says why). */
  text: string;
  line: number;
  column: number;
}

export type PieceSink = (piece: JsonPiece) => void;

const NEWLINE = 10;

/** Line mode: every non-blank line is one value. `indexOf` keeps it at memcpy speed. */
class LineSplitter {
  private carry = '';
  private line = 1;
  constructor(private readonly sink: PieceSink) {}

  push(chunk: string): void {
    let text = this.carry === '' ? chunk : this.carry + chunk;
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      this.emit(text, start, end);
      start = end + 1;
    }
    this.carry = text.slice(start);
    text = '';
  }

  private emit(text: string, start: number, end: number): void {
    const lineNo = this.line++;
    let s = start;
    while (s < end && (text.charCodeAt(s) <= 32)) s++;
    if (s === end) return;
    this.sink({ text: text.slice(s, end), line: lineNo, column: s - start + 1 });
  }

  end(): void {
    if (this.carry !== '') {
      const text = this.carry;
      this.carry = '';
      this.emit(text, 0, text.length);
    }
  }
}

/**
 * Array mode: a character scanner that tracks strings and nesting; every element of a top-level
 * array (or a value outside one) is cut out when its nesting closes.
 */
class ValueScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  /** Depth at which values are emitted: 1 inside a top-level array, 0 outside. */
  private level = 0;
  private startLine = 0;
  private startColumn = 0;
  private line = 1;
  private column = 0;
  private collecting = false;
  constructor(private readonly sink: PieceSink, private readonly onTruncated: (line: number, column: number) => void) {}

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
          this.parts.push(chunk.slice(from, i));
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
          this.parts.push(chunk.slice(from, i + 1));
          this.finish();
          from = -1;
        }
        continue;
      }
      if (c <= 32 || c === 44) {
        if (this.collecting && this.depth === this.level) {
          this.parts.push(chunk.slice(from, i));
          this.finish();
          from = -1;
        }
        continue;
      }
      if (!this.collecting) from = this.begin(i);
    }
    if (this.collecting && from >= 0) this.parts.push(chunk.slice(from));
  }

  private begin(i: number): number {
    this.collecting = true;
    this.startLine = this.line;
    this.startColumn = this.column;
    return i;
  }

  private finish(): void {
    const text = this.parts.join('');
    this.parts = [];
    this.collecting = false;
    this.sink({ text, line: this.startLine, column: this.startColumn });
  }

  end(): void {
    if (this.collecting && this.depth === this.level && !this.inString) {
      this.finish();
      return;
    }
    if (this.collecting || this.depth > 0 || this.inString) this.onTruncated(this.collecting ? this.startLine : this.line, this.collecting ? this.startColumn : this.column);
  }
}

/** Picks the splitter by the first non-blank character: `[` → array scanner, anything else → lines. */
export class JsonSplitter {
  private inner: LineSplitter | ValueScanner | undefined;
  private leading = '';
  constructor(private readonly sink: PieceSink, private readonly onTruncated: (line: number, column: number) => void) {}

  push(chunk: string): void {
    if (this.inner === undefined) {
      const text = this.leading + chunk;
      const first = /\S/.exec(text);
      if (first === null) {
        this.leading = text;
        return;
      }
      this.leading = '';
      this.inner = first[0] === '[' ? new ValueScanner(this.sink, this.onTruncated) : new LineSplitter(this.sink);
      this.inner.push(text);
      return;
    }
    this.inner.push(chunk);
  }

  end(): void {
    this.inner?.end();
  }
}
