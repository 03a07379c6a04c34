import { JsonNumberLiteral, type CanonicalValue } from './canonical-json.js';
import { isExactJsonNumber } from './exact-number.js';
import { scanValidJson } from './json-duplicates.js';

/**
 * A strict JSON reader that reads the way OPA's `util.Unmarshal` (Go `encoding/json` with
 * `UseNumber`) reads bundle files: numbers stay as their literal text so `1.50` hashes as `1.50`,
 * a duplicate key keeps its last value, lone surrogate escapes become U+FFFD, and anything after
 * the value other than whitespace is an error. `JSON.parse` does none of the first three.
 *
 * The same reader finds the duplicate member names of a request body (`duplicates: 'reject'`):
 * parsers disagree on `{"query": A, "query": B}` (JavaScript, Go and Python keep the last, others
 * the first or reject the document), so an enforcer cannot know which copy the server reads.
 */

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Go's decoder refuses documents nested deeper than this; so do we, which also bounds recursion. */
const MAX_DEPTH = 10_000;

/** A member name an object repeats, when the reader was asked to reject duplicates. */
export class JsonDuplicateKeyError extends JsonSyntaxError {
  constructor(
    readonly key: string,
    offset: number,
  ) {
    super(`duplicate member name at offset ${offset}`, offset);
    this.name = 'JsonDuplicateKeyError';
  }
}

export type JsonObject = { [key: string]: CanonicalValue };

/** What to do with a member name an object repeats: keep the last (Go, OPA), or stop. */
export type DuplicatePolicy = 'last' | 'reject';

export function parseJsonPreservingNumbers(text: string, options: { duplicates?: DuplicatePolicy } = {}): CanonicalValue {
  const parser = new Parser(text, options.duplicates ?? 'last');
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (!parser.atEnd()) parser.fail('unexpected data after the top-level value');
  return value;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  private pos = 0;
  /** The first number literal a JavaScript number would not write back as the same value. */
  inexact: string | null = null;

  constructor(
    private readonly text: string,
    private readonly duplicates: DuplicatePolicy,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.pos}`, this.pos);
  }

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  value(depth: number): CanonicalValue {
    if (depth > MAX_DEPTH) this.fail('document nested too deeply');
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case undefined:
        return this.fail('unexpected end of input');
      default:
        return this.number();
    }
  }

  private literal<T extends CanonicalValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return value;
  }

  private number(): JsonNumberLiteral {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m || m[0].length === 0) this.fail('invalid character');
    this.pos += m[0].length;
    if (this.inexact === null && !isExactJsonNumber(m[0])) this.inexact = m[0];
    return new JsonNumberLiteral(m[0]);
  }

  private object(depth: number): JsonObject {
    // A null-prototype object so `__proto__` is an ordinary key, as it is in Go.
    const out = Object.create(null) as JsonObject;
    this.sequence('}', () => {
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const at = this.pos;
      const key = this.string();
      if (this.duplicates === 'reject' && key in out) throw new JsonDuplicateKeyError(key, at);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      // Go's decoder overwrites, so the last duplicate wins.
      out[key] = this.value(depth);
    });
    return out;
  }

  private array(depth: number): CanonicalValue[] {
    const out: CanonicalValue[] = [];
    this.sequence(']', () => {
      out.push(this.value(depth));
    });
    return out;
  }

  /** `[` or `{`, then items separated by `,` up to `close`; `item` reads one item at its first character. */
  private sequence(close: '}' | ']', item: () => void): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === close) {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      item();
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === close) return;
      if (c !== ',') {
        this.pos--;
        this.fail(`expected ',' or '${close}'`);
      }
    }
  }

  private string(): string {
    const t = this.text;
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(start, this.pos);
        this.pos++;
        return replaceLoneSurrogates(out);
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(start, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid unicode escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.pos -= 1;
          this.fail('invalid escape');
      }
      start = this.pos;
    }
  }
}

/** Go decodes an unpaired surrogate escape to U+FFFD; doing it here keeps `"\ud800"` and `"\ufffd"` the same key, as in Go. */
function replaceLoneSurrogates(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * The first member name that one object of a JSON text repeats, or null. Names compare as Go
 * decodes them. Throws `JsonSyntaxError` for text this reader cannot read (not JSON, nested
 * deeper than Go reads): a caller that must decide about it treats it as unreadable.
 */
export function firstDuplicateKey(text: string): string | null {
  return scanRequestJson(text).duplicate;
}

/**
 * The first repeated member name and the first number literal a JavaScript number cannot hold
 * (see core/exact-number.ts), or null for each. Throws `JsonSyntaxError` as `firstDuplicateKey`.
 */
function scanRequestJson(text: string): { duplicate: string | null; inexact: string | null } {
  const parser = new Parser(text, 'reject');
  try {
    parser.skipWhitespace();
    parser.value(0);
    parser.skipWhitespace();
    if (!parser.atEnd()) parser.fail('unexpected data after the top-level value');
  } catch (e) {
    if (e instanceof JsonDuplicateKeyError) return { duplicate: e.key, inexact: parser.inexact };
    throw e;
  }
  return { duplicate: null, inexact: parser.inexact };
}

/** Well below the nesting at which `firstDuplicateKey` runs out of stack (about 2,500 on Node 20). */
const SCAN_DEPTH = 1_000;

/**
 * A JSON text as JavaScript reads it (`JSON.parse`), with the first member name one of its
 * objects repeats and the first number literal `value` no longer holds exactly (`inexact`, read
 * up to the first repeated name), and whether `JSON.stringify(value)` is the text itself
 * (`stable`, see `JsonScan`); null for text `JSON.parse` or Go's decoder cannot read.
 */
export function parseJsonNotingDuplicates(text: string): { value: unknown; duplicate: string | null; inexact: string | null; stable: boolean } | null {
  try {
    const value = JSON.parse(text) as unknown;
    // Text nested as request bodies are is scanned once; deeper text is read again, as before.
    const { duplicate, inexact, stable } = scanValidJson(text, SCAN_DEPTH) ?? { ...scanRequestJson(text), stable: false };
    return { value, duplicate, inexact, stable };
  } catch {
    return null;
  }
}

/**
 * Where and why `text` is not JSON, as a 1-based line and column (UTF-16 units) and a reason that
 * quotes nothing of the text (`JSON.parse`'s messages quote it, and a misplaced file may hold a
 * credential or terminal escapes); undefined when it is JSON.
 */
export function jsonSyntaxLocation(text: string): { line: number; column: number; reason: string } | undefined {
  let offset: number;
  let reason: string;
  try {
    parseJsonPreservingNumbers(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    offset = e.offset;
    reason = e.message.replace(/ at offset \d+$/, '');
  }
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1, reason };
}
