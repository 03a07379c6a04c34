import { types } from 'node:util';
import { writeQuotedAscii } from '../core/quoted-ascii.js';
import { escape as printable } from '../core/untrusted.js';
import type { Decision } from '../ir/types.js';
import { DECISION_PATH, FAMILY, FINGERPRINT, MAX_DEPTH, MAX_ITEMS, TRACEPARENT, fingerprint, isCredentialKey, parsedInput, type DecisionRecord } from './event.js';
import { newDecisionId } from './decision-id.js';

/**
 * A decision's log line, `JSON.stringify(buildEvent(record, labels))`, written straight into one
 * reusable byte buffer: the input masked as it is walked (no masked copy of it, no event object),
 * the labels' JSON made once, a deep-frozen decision's JSON once per decision (the engine shares
 * one frozen object per distinct decision), and the line taken out of the buffer as one flat
 * string. The masking is `maskInput`'s, rule for rule (test/enforce/event-line.test.ts checks the
 * bytes against the reference on random and hostile inputs).
 *
 * Why: building the event object, its masked input copy and then its JSON was most of what a
 * decision log cost a proxied request, more than the decision itself.
 *
 * What the reference writes in ways this writer does not repeat — a proxy, an array of a
 * subclass, a `toJSON` on Object.prototype or Array.prototype, a key `maskInput` rewrites (`__proto__`, control characters, longer than
 * `printable` keeps: two keys may then become one) — makes `line` answer undefined, and the
 * caller builds that event the reference way. A getter of the input runs at most as often as
 * the reference runs it (once; not for members past `MAX_ITEMS`), except on such an input, where
 * the reference then reads the input again.
 */

const isProxy = types.isProxy;

/** Thrown inside the writer when the input holds something only the reference writes exactly. */
const UNUSUAL = new Error('the reference event builder writes this input');

/** Keys whose credential-ness is remembered; past this the memory starts over (keys from hostile inputs). */
const KEY_CACHE_SIZE = 4096;
/** The buffer kept between lines; a longer line's buffer is let go after it. */
const KEPT_BUFFER_BYTES = 1 << 20;
const INITIAL_BUFFER_BYTES = 16 * 1024;
/** `printable`'s cut: longer strings are shortened (with `…`). */
const PRINTABLE_MAX = 200;

export class EventLineWriter {
  private buf: Buffer = Buffer.allocUnsafeSlow(INITIAL_BUFFER_BYTES);
  private pos = 0;
  /** Every byte written so far is ASCII: the line is read out as latin1 (one copy). */
  private ascii = true;
  /** Object.prototype has no enumerable properties (so for-in sees only own ones). */
  private plainProto = true;
  private readonly head: Buffer;
  private readonly headAscii: boolean;
  private readonly results = new WeakMap<object, { bytes: Buffer; ascii: boolean }>();
  private credentialKeys = new Map<string, boolean>();
  private lastTimeMs = Number.NaN;
  private lastTime = '';

  constructor(labels: Readonly<Record<string, string>>) {
    this.head = Buffer.from(`{"labels":${JSON.stringify(labels)},"decision_id":`);
    this.headAscii = isAscii(this.head);
  }

  /**
   * The event's JSON line, or undefined when the reference builder must write it (see above).
   * Throws what building the event throws (a getter of the input, an invalid time).
   */
  line(record: DecisionRecord): string | undefined {
    // A `toJSON` given to every object or array would be called by JSON.stringify on each part
    // of the event: the reference then writes it.
    if ((Object.prototype as { toJSON?: unknown }).toJSON !== undefined || (Array.prototype as { toJSON?: unknown }).toJSON !== undefined) return undefined;
    this.pos = 0;
    this.ascii = true;
    this.plainProto = !hasEnumerable(Object.prototype);
    try {
      return this.write(record);
    } catch (e) {
      if (e === UNUSUAL) return undefined;
      throw e;
    } finally {
      if (this.buf.length > KEPT_BUFFER_BYTES) this.buf = Buffer.allocUnsafeSlow(INITIAL_BUFFER_BYTES);
    }
  }

  private write(record: DecisionRecord): string {
    // In buildEvent's order, so what runs (and what throws first) is the same.
    const trace = record.traceparent === undefined ? null : TRACEPARENT.exec(record.traceparent);
    this.bytes(this.head);
    this.ascii = this.headAscii;
    this.jsonString(record.decisionId ?? newDecisionId());
    if (trace !== null) {
      this.ascii7(',"trace_id":"');
      this.ascii7(trace[1]!);
      this.ascii7('","span_id":"');
      this.ascii7(trace[2]!);
      this.ascii7('"');
    }
    this.ascii7(',"bundles":');
    if (record.bundle === null) this.ascii7('{}');
    else {
      this.ascii7('{');
      this.jsonString(record.bundle.name);
      this.ascii7(':{"revision":');
      this.jsonString(record.bundle.revision);
      this.ascii7('}}');
    }
    this.ascii7(`,"path":"${DECISION_PATH}"`);
    const input = record.json === undefined ? record.input : parsedInput(record.json);
    const mark = this.pos;
    this.ascii7(',"input":');
    if (!this.masked(input, 0, '', false)) this.pos = mark;
    const time = this.time(record.timeMs);
    this.result(record.result);
    this.ascii7(',"timestamp":"');
    this.ascii7(time);
    this.ascii7('","metrics":{"timer_blastguard_decide_ns":');
    this.number(record.durationNs);
    this.ascii7('}}');
    return this.buf.toString(this.ascii ? 'latin1' : 'utf8', 0, this.pos);
  }

  private time(ms: number): string {
    if (ms !== this.lastTimeMs) {
      this.lastTime = new Date(ms).toISOString();
      this.lastTimeMs = ms;
    }
    return this.lastTime;
  }

  /** The decision's JSON: a deep-frozen decision's is made once (the engine's decisions are). */
  private result(decision: Decision): void {
    let json = this.results.get(decision);
    if (json === undefined) {
      const text = JSON.stringify(decision) as string | undefined;
      if (text === undefined) return;
      const bytes = Buffer.from(text);
      json = { bytes, ascii: isAscii(bytes) };
      if (frozenData(decision)) this.results.set(decision, json);
    }
    this.ascii7(',"result":');
    this.bytes(json.bytes);
    if (!json.ascii) this.ascii = false;
  }

  private isCredential(key: string): boolean {
    if (key === '') return false;
    let known = this.credentialKeys.get(key);
    if (known === undefined) {
      known = isCredentialKey(key);
      if (this.credentialKeys.size >= KEY_CACHE_SIZE) this.credentialKeys = new Map();
      this.credentialKeys.set(key, known);
    }
    return known;
  }

  /** `maskInput(value, depth, key, secret)` as JSON; false, with nothing written, when that is undefined. */
  private masked(value: unknown, depth: number, key: string, secret: boolean): boolean {
    const credential = secret || this.isCredential(key);
    switch (typeof value) {
      case 'string':
        if (credential && !FINGERPRINT.test(value) && !(key === 'fingerprint' && FAMILY.test(value))) this.quotedAscii(fingerprint(value));
        else this.printableString(value);
        return true;
      case 'number':
        if (credential) this.quotedAscii(fingerprint(String(value)));
        else this.number(value);
        return true;
      case 'bigint':
        this.quotedAscii(credential ? fingerprint(String(value)) : String(value));
        return true;
      case 'boolean':
        this.ascii7(value ? 'true' : 'false');
        return true;
      case 'undefined':
        return false;
      case 'function':
      case 'symbol':
        this.jsonString(String(value));
        return true;
      default:
        break;
    }
    if (value === null) {
      this.ascii7('null');
      return true;
    }
    if (depth >= MAX_DEPTH) {
      this.ascii7('"[too deep]"');
      return true;
    }
    if (isProxy(value)) throw UNUSUAL;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw UNUSUAL;
      this.array(value as unknown[], depth, credential);
    } else this.object(value as object, depth, credential);
    return true;
  }

  // `value.slice(0, MAX_ITEMS).map(...)`: holes stay holes, which JSON writes as null, as it does undefined.
  private array(value: unknown[], depth: number, credential: boolean): void {
    this.ascii7('[');
    const n = Math.min(value.length, MAX_ITEMS);
    for (let i = 0; i < n; i++) {
      if (i > 0) this.ascii7(',');
      if (!(i in value) || !this.masked(value[i], depth + 1, '', credential)) this.ascii7('null');
    }
    this.ascii7(']');
  }

  // Object.entries' keys: own enumerable ones; for-in visits exactly those on an object whose
  // prototype chain holds no enumerable property (checked per line), and needs no entries array.
  private object(value: object, depth: number, credential: boolean): void {
    this.ascii7('{');
    const proto: unknown = Object.getPrototypeOf(value);
    const record = value as Record<string, unknown>;
    let first = true;
    let n = 0;
    if ((proto === null || proto === Object.prototype) && this.plainProto) {
      for (const k in record) {
        if (n++ >= MAX_ITEMS) break;
        if (this.member(k, record[k], depth, credential, first)) first = false;
      }
    } else {
      for (const k of Object.keys(record)) {
        if (n++ >= MAX_ITEMS) break;
        if (this.member(k, record[k], depth, credential, first)) first = false;
      }
    }
    this.ascii7('}');
  }

  /** `"key":value` (after a comma unless `first`); false, with nothing written, for a value JSON omits. */
  private member(key: string, value: unknown, depth: number, credential: boolean, first: boolean): boolean {
    if (key.length > PRINTABLE_MAX || key === '__proto__') throw UNUSUAL;
    const mark = this.pos;
    if (!first) this.ascii7(',');
    // Plain ASCII is kept by `printable` as it is; anything else is checked character by character.
    if (!this.tryQuotedAscii(key)) {
      if (!keptKey(key)) throw UNUSUAL;
      this.utf8(JSON.stringify(key));
    }
    this.ascii7(':');
    if (this.masked(value, depth + 1, key, credential)) return true;
    this.pos = mark;
    return false;
  }

  /** `JSON.stringify(printable(s))`. */
  private printableString(s: string): void {
    if (s.length > PRINTABLE_MAX || !this.tryQuotedAscii(s)) this.utf8(JSON.stringify(printable(s)));
  }

  /** `JSON.stringify(s)`. */
  private jsonString(s: string): void {
    if (!this.tryQuotedAscii(s)) this.utf8(JSON.stringify(s));
  }

  /**
   * `s` in quotes when it is printable ASCII without `"` and `\` (its own JSON text), checked as
   * it is copied; false, with nothing written, otherwise.
   */
  private tryQuotedAscii(s: string): boolean {
    this.ensure(s.length + 2);
    const end = writeQuotedAscii(this.buf, this.pos, s);
    if (end < 0) return false;
    this.pos = end;
    return true;
  }

  private number(x: number): void {
    this.ascii7(Number.isFinite(x) ? String(x) : 'null');
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A string of printable ASCII without `"` and `\`, in quotes. */
  private quotedAscii(s: string): void {
    const n = s.length;
    this.ensure(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 0x22;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    buf[p++] = 0x22;
    this.pos = p;
  }

  /** Text known to be ASCII. */
  private ascii7(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private utf8(s: string): void {
    this.ensure(s.length * 3);
    const written = this.buf.write(s, this.pos, 'utf8');
    // Only ASCII encodes to as many bytes as it has UTF-16 units.
    if (written !== s.length) this.ascii = false;
    this.pos += written;
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/** A key `maskInput` keeps as it is: `printable(key) === key`, and not `__proto__` (which a plain object does not take as a key). */
function keptKey(k: string): boolean {
  if (k.length > PRINTABLE_MAX || k === '__proto__') return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}

function hasEnumerable(o: object): boolean {
  for (const key in o) if (key !== undefined) return true;
  return false;
}

/**
 * Frozen all the way down, plain objects and arrays of data properties only: its JSON cannot
 * change, so it is made once. (Checked once per decision object: the engine shares them.)
 */
function frozenData(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'function';
  if (depth > 64 || isProxy(value) || !Object.isFrozen(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
  for (const d of Object.values(Object.getOwnPropertyDescriptors(value))) {
    if (!('value' in d) || !frozenData(d.value, depth + 1)) return false;
  }
  return true;
}
