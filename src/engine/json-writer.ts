/**
 * `JSON.stringify(value)` as UTF-8, written straight into a byte buffer (the module's memory):
 * the decision path's input encoder. It follows ECMA-262 §25.5.2 (SerializeJSONProperty,
 * SerializeJSONObject, SerializeJSONArray) step for step for what decision inputs are made of —
 * ordinary objects, arrays, strings, numbers, booleans, null — so the bytes are exactly
 * `new TextEncoder().encode(JSON.stringify(value))` (test/engine/json-writer.test.ts checks that
 * on random and hostile values). Anything else is left to `JSON.stringify` for that one value:
 * strings with characters JSON escapes or non-ASCII, class instances and wrappers (Date, Number…),
 * proxies. `toJSON`, getters, omitted `undefined`s, holes and cycles behave as in JSON.stringify.
 *
 * Why: `JSON.stringify` builds a string that then has to be encoded into memory; for a decision
 * input that is most of the host's time per decision. Writing bytes directly skips both.
 */
import { types } from 'node:util';
import { writeQuotedAscii } from '../core/quoted-ascii.js';

const isProxy = types.isProxy;

const encoder = new TextEncoder();

/** Buffer the writer writes into; `grow(need)` returns one at least `need` bytes long, holding what was written. */
export interface WriterTarget {
  buffer(): Uint8Array;
  grow(need: number): Uint8Array;
}

export class JsonWriter {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Objects and arrays being written (cycle detection, as JSON.stringify's stack): the first `depth`. */
  private readonly stack: (object | undefined)[] = [];
  private depth = 0;
  /** Object.prototype has no enumerable properties (so for-in sees only own ones). */
  private plainProto = true;

  constructor(private readonly target: WriterTarget) {}

  /**
   * Writes `JSON.stringify(value)` at `start`; returns the number of bytes, or -1 when
   * JSON.stringify would return undefined (undefined, a function, a symbol). Throws what
   * JSON.stringify throws (a BigInt, a cycle, a throwing getter or toJSON).
   */
  write(value: unknown, start: number): number {
    this.buf = this.target.buffer();
    this.pos = start;
    // Not `stack.length = 0`: a length change is a runtime call; entries past `depth` are dead.
    this.depth = 0;
    this.plainProto = !hasEnumerable(Object.prototype);
    if (!this.property('', value)) return -1;
    return this.pos - start;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.buf = this.target.grow(this.pos + n);
  }

  // SerializeJSONProperty: false when the value serialises to nothing (undefined).
  /** Writes `"key":value` (after a comma unless `first`); false, with nothing written, for a member JSON.stringify omits. */
  private member(key: string, value: unknown, first: boolean): boolean {
    const mark = this.pos;
    if (!first) {
      this.ensure(1);
      this.buf[this.pos++] = 0x2c;
    }
    this.string(key);
    this.ensure(1);
    this.buf[this.pos++] = 0x3a;
    if (this.property(key, value)) return true;
    this.pos = mark; // an omitted member leaves no trace
    return false;
  }

  private property(key: string, value: unknown): boolean {
    // Functions are objects too (their toJSON counts): JSON.stringify's business.
    if (typeof value === 'function') return this.foreign(key, value);
    if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
      if (typeof value === 'object' && !ordinary(value)) return this.foreign(key, value);
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        value = (toJSON as (k: string) => unknown).call(value, key);
        if (typeof value === 'function' || (typeof value === 'object' && value !== null && !ordinary(value))) return this.foreign(key, value);
      }
    }
    switch (typeof value) {
      case 'string':
        this.string(value);
        return true;
      case 'number':
        this.number(value);
        return true;
      case 'boolean':
        this.ascii(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value === null) this.ascii('null');
        else if (Array.isArray(value)) this.array(value as unknown[]);
        else this.object(value);
        return true;
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      default:
        return false;
    }
  }

  // A value this writer does not take apart: JSON.stringify writes it, under the same key (toJSON
  // gets its key), as the one property of a holder whose braces are dropped.
  private foreign(key: string, value: unknown): boolean {
    const text = JSON.stringify({ [key]: value });
    const open = JSON.stringify(key).length + 2; // {"key":
    if (text.length === 2) return false;
    this.utf8(text.slice(open, -1));
    return true;
  }

  private enter(value: object): void {
    const stack = this.stack;
    const depth = this.depth;
    for (let i = 0; i < depth; i++) if (stack[i] === value) throw new TypeError('Converting circular structure to JSON');
    stack[depth] = value;
    this.depth = depth + 1;
  }

  private leave(): void {
    // The slot is cleared so the writer holds no caller's object after the write.
    this.stack[--this.depth] = undefined;
  }

  private object(value: object): void {
    this.enter(value);
    this.ensure(1);
    this.buf[this.pos++] = 0x7b;
    let first = true;
    const record = value as Record<string, unknown>;
    // for-in visits the own enumerable string keys in Object.keys order, then inherited
    // enumerable ones: an ordinary object inherits none unless Object.prototype has been given
    // some (checked per write), and then Object.keys serves.
    const keys = this.plainProto ? null : Object.keys(value);
    if (keys === null) {
      for (const key in value) if (this.member(key, record[key], first)) first = false;
    } else for (const key of keys) if (this.member(key, record[key], first)) first = false;
    this.ensure(1);
    this.buf[this.pos++] = 0x7d;
    this.leave();
  }

  private array(value: unknown[]): void {
    this.enter(value);
    this.ensure(1);
    this.buf[this.pos++] = 0x5b;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        this.ensure(1);
        this.buf[this.pos++] = 0x2c;
      }
      if (!this.property(String(i), value[i])) this.ascii('null');
    }
    this.ensure(1);
    this.buf[this.pos++] = 0x5d;
    this.leave();
  }

  private string(s: string): void {
    this.ensure(s.length + 2);
    const end = writeQuotedAscii(this.buf, this.pos, s);
    // Anything but plain printable ASCII goes to JSON.stringify.
    if (end < 0) this.utf8(JSON.stringify(s));
    else this.pos = end;
  }

  private number(x: number): void {
    // Integers below 2^31 are their digits; everything else is Number::toString or, not finite, null.
    if ((x | 0) === x) {
      // -0 too: its text is "0".
      if (x < 0) {
        this.ensure(1);
        this.buf[this.pos++] = 0x2d;
        x = -x;
      }
      this.ensure(10);
      let digits = 1;
      for (let t = x; t >= 10; t = (t / 10) | 0) digits++;
      let p = this.pos + digits;
      this.pos = p;
      do {
        this.buf[--p] = 0x30 + (x % 10);
        x = (x / 10) | 0;
      } while (x > 0);
      return;
    }
    this.ascii(Number.isFinite(x) ? String(x) : 'null');
  }

  private ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  private utf8(s: string): void {
    this.ensure(s.length * 3);
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
  }
}

/** Objects the writer takes apart itself: ordinary objects and arrays, not proxies or instances of classes. */
function ordinary(value: object): boolean {
  if (isProxy(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  return proto === Array.prototype && Array.isArray(value);
}

function hasEnumerable(o: object): boolean {
  for (const key in o) if (key !== undefined) return true;
  return false;
}
