// The decision input as check_input reads it: one slot per input field the policy reads (api,
// operation.{name,type}, resource.{kind,id,environment,project}, token.fingerprint,
// identity.{originator,tenant,causation,verified}, arguments, attempt, time), each holding that
// field's type and its string bytes, boolean or value. Null counts as absent everywhere.
//
// opa_eval fills the slots straight from the input text (`scan_input`): one pass that skips
// every other field without allocating; kept strings stay where they are in the input, and
// `arguments` is handed whole to the runtime's parser, since argument conditions may read any
// of it. The slots are what the full parse would give (`slots_from_value`): same types, same
// bytes, duplicate keys resolved the same way (the last one wins). The scanner accepts only
// plain JSON: ASCII strings (escapes only in skipped strings and keys, never `\u`), JSON numbers
// and literals, strict commas, space/tab/CR/LF, limited nesting. On anything else (Rego set
// syntax, non-ASCII, escaped kept strings, deep nesting, any syntax error) it gives up and the
// caller parses the whole text as before, so the input's meaning, its errors and its aborts
// stay the parser's own.
import { value_parse_nested, parse_end } from "../json";
import {
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, NUM_REF,
  value_type, bool_get, string_ptr, string_len, object_get,
} from "../value";
import { alloc } from "../alloc";
import * as F from "./fixed";
import { fs_ptr, fs_len } from "./program";

// ---- slots -----------------------------------------------------------------------------------

/** Fixed keys K_API (0) … K_TIME (18) are exactly the input's fields: one slot each. */
const SLOTS: i32 = F.K_TIME + 1;
// [type u8 (0 = absent)][pad 3][a u32][b i32]: a string's pointer and length, a boolean in a,
// a number's or `arguments`' value pointer in a.
const SLOT_SIZE: usize = 12;
const slots: usize = memory.data(<i32>SLOT_SIZE * SLOTS, 8);

/** Type of the whole input (0 = no input). */
export let input_type: u8 = 0;

@inline function slot(k: i32): usize {
  return slots + <usize>k * SLOT_SIZE;
}

/** The field's type; 0 when absent or null. */
@inline export function slot_type(k: i32): u8 {
  return load<u8>(slot(k));
}

@inline export function slot_ptr(k: i32): usize {
  return <usize>load<u32>(slot(k), 4);
}

@inline export function slot_len(k: i32): i32 {
  return load<i32>(slot(k), 8);
}

@inline function set_slot(k: i32, t: u8, a: usize, b: i32): void {
  const s = slot(k);
  store<u8>(s, t == TYPE_NULL ? 0 : t);
  store<u32>(s, <u32>a, 4);
  store<i32>(s, b, 8);
}

function clear_slots(lo: i32, hi: i32): void {
  for (let k = lo; k <= hi; k++) store<u8>(slot(k), 0);
}

// The fields under an object field: [first, last] fixed key, or lo > hi for none.
function child_lo(k: i32): i32 {
  if (k == F.K_OPERATION) return F.K_NAME;
  if (k == F.K_RESOURCE) return F.K_KIND;
  if (k == F.K_TOKEN) return F.K_FINGERPRINT;
  if (k == F.K_IDENTITY) return F.K_ORIGINATOR;
  return 1;
}

function child_hi(k: i32): i32 {
  if (k == F.K_OPERATION) return F.K_TYPE;
  if (k == F.K_RESOURCE) return F.K_PROJECT;
  if (k == F.K_TOKEN) return F.K_FINGERPRINT;
  if (k == F.K_IDENTITY) return F.K_VERIFIED;
  return 0;
}

function slot_from_value(k: i32, v: usize): void {
  if (v == 0) {
    set_slot(k, 0, 0, 0);
    return;
  }
  const t = value_type(v);
  if (t == TYPE_STRING) set_slot(k, t, string_ptr(v), string_len(v));
  else if (t == TYPE_BOOLEAN) set_slot(k, t, bool_get(v) ? 1 : 0, 0);
  else set_slot(k, t, v, 0);
}

const TOP_KEYS: i32 = 8;
const top_keys: usize = memory.data<u8>([
  <u8>F.K_API, <u8>F.K_OPERATION, <u8>F.K_RESOURCE, <u8>F.K_TOKEN, <u8>F.K_IDENTITY,
  <u8>F.K_ARGUMENTS, <u8>F.K_ATTEMPT, <u8>F.K_TIME,
]);

/** Fills the slots from a parsed input value (0 = no input): the context path and the fallback. */
export function slots_from_value(input: usize): void {
  clear_slots(0, SLOTS - 1);
  input_type = input == 0 ? 0 : value_type(input);
  if (input_type != TYPE_OBJECT) return;
  for (let i = 0; i < TOP_KEYS; i++) {
    const k = <i32>load<u8>(top_keys + <usize>i);
    const v = object_get(input, fs_ptr(k), fs_len(k));
    slot_from_value(k, v);
    if (v == 0 || value_type(v) != TYPE_OBJECT) continue;
    for (let c = child_lo(k); c <= child_hi(k); c++) slot_from_value(c, object_get(v, fs_ptr(c), fs_len(c)));
  }
}

// Skipped values nest at most this deep before the scanner leaves the text to the parser (whose
// own limit is far higher); decision inputs are shallow.
const MAX_SKIP_DEPTH: i32 = 64;

// Roles of a kept key's value.
const ROLE_SCALAR: i32 = 0;
const ROLE_OBJECT: i32 = 1; // operation, resource, token, identity: pruned objects
const ROLE_WHOLE: i32 = 2; // arguments: parsed whole

let sp: usize = 0;
let se: usize = 0;
let str_p: usize = 0;
let str_l: i32 = 0;
// Whether the last scanned string held an escape.
let str_esc: bool = false;

// The cursor lives in a global between functions; hot loops work on a local copy (a Wasm
// global is a memory access per use, a local a register).
@inline function ws(): void {
  let p = sp;
  const e = se;
  while (p < e) {
    const c = <u32>load<u8>(p);
    // JSON whitespace is 0x20, 0x0a, 0x0d, 0x09: all at or below 0x20.
    if (c > 0x20 || (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09)) break;
    p++;
  }
  sp = p;
}

// The byte at the cursor, or 0 at the end (never a valid start of anything).
@inline function peek(): u32 {
  return sp < se ? <u32>load<u8>(sp) : 0;
}

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

// High bit set in each of the 8 bytes (little-endian) that is below 0x20, at or above 0x7f, a
// quote or a backslash. Bits above the lowest set one may be spurious (borrows), the lowest one
// is exact: it marks the first such byte.
@inline function special(x: u64): u64 {
  const q = x ^ (ONES * 0x22);
  const b = x ^ (ONES * 0x5c);
  const del = x + ONES; // 0x7f + 1 sets the high bit; bytes >= 0x80 have it already
  return (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | del | x) & HIGHS;
}

// A string at the cursor (on its opening quote) into str_p/str_l. `escapes` allows the simple
// two-byte escapes (the bytes stay undecoded: only for strings nobody reads). False = give up.
function scan_string(escapes: bool): bool {
  let p = sp + 1;
  const e = se;
  const start = p;
  let esc = false;
  while (true) {
    let c: u32;
    if (p + 8 <= e) {
      // Eight bytes at a time; the first special byte's position comes from the mask.
      const m = special(load<u64>(p));
      if (m == 0) {
        p += 8;
        continue;
      }
      p += <usize>(ctz(m) >> 3);
      c = <u32>load<u8>(p);
    } else {
      if (p >= e) return false;
      c = <u32>load<u8>(p);
      // Printable ASCII but the quote and the backslash: one unsigned compare.
      if (c - 0x20 < 0x5f && c != 0x5c && c != 0x22) {
        p++;
        continue;
      }
    }
    if (c == 0x22) {
      str_p = start;
      str_l = <i32>(p - start);
      str_esc = esc;
      sp = p + 1;
      return true;
    }
    if (c != 0x5c || !escapes || p + 1 >= e) return false;
    const x = <u32>load<u8>(p + 1);
    if (x != 0x22 && x != 0x5c && x != 0x2f && x != 0x62 && x != 0x66 && x != 0x6e && x != 0x72 && x != 0x74) return false;
    esc = true;
    p += 2;
  }
  return false;
}

@inline function is_digit(c: u32): bool {
  return c - 0x30 < 10;
}

function digits(): i32 {
  const from = sp;
  let p = from;
  const e = se;
  while (p < e && is_digit(load<u8>(p))) p++;
  sp = p;
  return <i32>(p - from);
}

// A JSON number, the parser's grammar (json.ts read_number); false = give up.
function scan_number(): bool {
  str_p = sp;
  if (peek() == 0x2d) sp++;
  const c = peek();
  if (c == 0x30) sp++;
  else if (is_digit(c)) digits();
  else return false;
  if (peek() == 0x2e) {
    sp++;
    if (digits() == 0) return false;
  }
  if ((peek() | 0x20) == 0x65) {
    sp++;
    const s = peek();
    if (s == 0x2b || s == 0x2d) sp++;
    if (digits() == 0) return false;
  }
  str_l = <i32>(sp - str_p);
  return true;
}

function literal(a: u32, b: u32, c: u32, d: u32, e: i32): bool {
  if (sp + <usize>(e >= 0 ? 5 : 4) > se) return false;
  if (<u32>load<u8>(sp) != a || <u32>load<u8>(sp + 1) != b || <u32>load<u8>(sp + 2) != c || <u32>load<u8>(sp + 3) != d) return false;
  if (e >= 0 && <i32>load<u8>(sp + 4) != e) return false;
  sp += e >= 0 ? 5 : 4;
  return true;
}

// Skips one value (the cursor on its first byte); false = give up.
function skip_value(depth: i32): bool {
  const c = peek();
  if (c == 0x22) return scan_string(true);
  if (c == 0x7b || c == 0x5b) {
    if (depth >= MAX_SKIP_DEPTH) return false;
    const close: u32 = c == 0x7b ? 0x7d : 0x5d;
    sp++;
    ws();
    if (peek() == close) {
      sp++;
      return true;
    }
    while (true) {
      if (c == 0x7b) {
        if (peek() != 0x22 || !scan_string(true)) return false;
        ws();
        if (peek() != 0x3a) return false;
        sp++;
        ws();
      }
      if (!skip_value(depth + 1)) return false;
      ws();
      const n = peek();
      sp++;
      if (n == close) return true;
      if (n != 0x2c) return false;
      ws();
    }
  }
  if (c == 0x74) return literal(0x74, 0x72, 0x75, 0x65, -1);
  if (c == 0x66) return literal(0x66, 0x61, 0x6c, 0x73, 0x65);
  if (c == 0x6e) return literal(0x6e, 0x75, 0x6c, 0x6c, -1);
  return scan_number();
}

// A number whose literal text stays in the input (make_number_ref without the copy).
function number_view(p: usize, n: i32): usize {
  const v = alloc(12);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUM_REF, 1);
  store<u32>(v, <u32>n, 4);
  store<u32>(v, <u32>p, 8);
  return v;
}

// A kept field's value into its slot; for objects and arrays only the type (check_input asks
// nothing else of them). False = give up.
function scalar_slot(k: i32): bool {
  const c = peek();
  if (c == 0x22) {
    if (!scan_string(false)) return false;
    set_slot(k, TYPE_STRING, str_p, str_l);
    return true;
  }
  if (c == 0x7b || c == 0x5b) {
    if (!skip_value(1)) return false;
    set_slot(k, c == 0x7b ? TYPE_OBJECT : TYPE_ARRAY, 0, 0);
    return true;
  }
  if (c == 0x74) {
    set_slot(k, TYPE_BOOLEAN, 1, 0);
    return literal(0x74, 0x72, 0x75, 0x65, -1);
  }
  if (c == 0x66) {
    set_slot(k, TYPE_BOOLEAN, 0, 0);
    return literal(0x66, 0x61, 0x6c, 0x73, 0x65);
  }
  if (c == 0x6e) {
    set_slot(k, 0, 0, 0);
    return literal(0x6e, 0x75, 0x6c, 0x6c, -1);
  }
  if (!scan_number()) return false;
  set_slot(k, TYPE_NUMBER, k == F.K_ATTEMPT ? number_view(str_p, str_l) : 0, 0);
  return true;
}

// The kept keys as words: [length u32][pad 4][bytes 0-7 u64][bytes 8-15 u64], zero-padded, so a
// key read from the input compares in two word loads instead of a byte loop. Filled by
// scan_init() from the program's fixed strings; a key longer than 16 bytes keeps length 0xff
// and is compared byte by byte.
const KEY_SIZE: usize = 24;
const key_words: usize = memory.data(<i32>KEY_SIZE * SLOTS, 8);
// Kept keys by level (0 the top, 1 operation, 2 resource, 3 token, 4 identity) and length
// (0-16): up to two candidate keys per cell (0xff none), so a key is compared with at most two.
const LEVELS: i32 = 5;
const by_length: usize = memory.data(LEVELS * 17 * 2);
// A key that fits no cell (more than two of a length, or over 16 bytes) makes its level scan
// all of its keys instead.
const level_scan: usize = memory.data(LEVELS);

/** Fills the kept-key table from the loaded program (once, at start). */
export function scan_init(): void {
  for (let k = 0; k < SLOTS; k++) {
    const w = key_words + <usize>k * KEY_SIZE;
    const n = fs_len(k);
    const f = fs_ptr(k);
    store<u64>(w, 0, 8);
    store<u64>(w, 0, 16);
    if (n > 16) {
      store<u32>(w, 0xff);
      continue;
    }
    store<u32>(w, <u32>n);
    for (let i = 0; i < n; i++) store<u8>(w + 8 + <usize>i, load<u8>(f + <usize>i));
  }
  for (let i = 0; i < LEVELS * 17 * 2; i++) store<u8>(by_length + <usize>i, 0xff);
  for (let level = 0; level < LEVELS; level++) {
    store<u8>(level_scan + <usize>level, 0);
    const lo = level == 0 ? 0 : level_lo(level);
    const hi = level == 0 ? TOP_KEYS - 1 : level_hi(level);
    for (let i = lo; i <= hi; i++) {
      const k = level == 0 ? <i32>load<u8>(top_keys + <usize>i) : i;
      const n = fs_len(k);
      const cell = by_length + <usize>((level * 17 + (n <= 16 ? n : 0)) * 2);
      if (n > 16) store<u8>(level_scan + <usize>level, 1);
      else if (load<u8>(cell) == 0xff) store<u8>(cell, <u8>k);
      else if (load<u8>(cell, 1) == 0xff) store<u8>(cell, <u8>k, 1);
      else store<u8>(level_scan + <usize>level, 1);
    }
  }
}

// The level of a parent key's fields (1-4), and their range of fixed keys.
function level_of(parent: i32): i32 {
  if (parent == F.K_OPERATION) return 1;
  if (parent == F.K_RESOURCE) return 2;
  if (parent == F.K_TOKEN) return 3;
  if (parent == F.K_IDENTITY) return 4;
  return -1;
}

function level_lo(level: i32): i32 {
  if (level == 1) return F.K_NAME;
  if (level == 2) return F.K_KIND;
  if (level == 3) return F.K_FINGERPRINT;
  return F.K_ORIGINATOR;
}

function level_hi(level: i32): i32 {
  if (level == 1) return F.K_TYPE;
  if (level == 2) return F.K_PROJECT;
  if (level == 3) return F.K_FINGERPRINT;
  return F.K_VERIFIED;
}

// The low `n` bytes (0-8) of a word.
@inline function low_bytes(x: u64, n: i32): u64 {
  return n >= 8 ? x : x & ((<u64>1 << (<u64>n << 3)) - 1);
}

// Whether the `n` key bytes at `p` spell fixed key `k`.
@inline function key_is(k: i32, p: usize, n: i32): bool {
  const w = key_words + <usize>k * KEY_SIZE;
  if (<i32>load<u32>(w) != n) {
    // 0xff: a key too long for the table (no kept key is; kept for a program that says otherwise).
    if (load<u32>(w) != 0xff) return false;
    return fs_len(k) == n && bytes_same(fs_ptr(k), p, n);
  }
  // Two word loads may read up to 16 bytes past the key: only inside the input text.
  if (p + 16 > se) return bytes_same(w + 8, p, n);
  if (low_bytes(load<u64>(p), n) != load<u64>(w, 8)) return false;
  return n <= 8 || low_bytes(load<u64>(p, 8), n - 8) == load<u64>(w, 16);
}

function bytes_same(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

// Which fixed key (F.K_*) a kept key at `parent` (-1 = the top level) is, or -1 to skip it.
function kept_key(parent: i32, p: usize, n: i32): i32 {
  const level = parent < 0 ? 0 : level_of(parent);
  if (level < 0) return -1;
  if (load<u8>(level_scan + <usize>level) != 0) return kept_key_scan(level, p, n);
  if (n > 16) return -1;
  const cell = by_length + <usize>((level * 17 + n) * 2);
  const a = <i32>load<u8>(cell);
  if (a == 0xff) return -1;
  if (key_is(a, p, n)) return a;
  const b = <i32>load<u8>(cell, 1);
  if (b != 0xff && key_is(b, p, n)) return b;
  return -1;
}

// kept_key by comparing with every key of the level, in order.
function kept_key_scan(level: i32, p: usize, n: i32): i32 {
  if (level == 0) {
    for (let i = 0; i < TOP_KEYS; i++) {
      const k = <i32>load<u8>(top_keys + <usize>i);
      if (key_is(k, p, n)) return k;
    }
    return -1;
  }
  for (let k = level_lo(level); k <= level_hi(level); k++) if (key_is(k, p, n)) return k;
  return -1;
}

function role_of(key: i32): i32 {
  if (key == F.K_OPERATION || key == F.K_RESOURCE || key == F.K_TOKEN || key == F.K_IDENTITY) return ROLE_OBJECT;
  if (key == F.K_ARGUMENTS) return ROLE_WHOLE;
  return ROLE_SCALAR;
}

// The object at the cursor (on `{`): its kept fields into their slots (`parent` -1 = the top
// level). `depth` is how deep it sits in the input (the top level is 1), for the parser's limit.
function scan_object(parent: i32, depth: i32): bool {
  sp++;
  ws();
  if (peek() == 0x7d) {
    sp++;
    return true;
  }
  while (true) {
    if (peek() != 0x22 || !scan_string(true)) return false;
    const kp = str_p;
    const kl = str_l;
    ws();
    if (peek() != 0x3a) return false;
    sp++;
    ws();
    // A key with an escape (never `\u`, see scan_string) decodes to a quote, a backslash, a
    // slash or a control character: never one of the kept keys, which are plain letters.
    const key = str_esc ? -1 : kept_key(parent, kp, kl);
    if (key < 0) {
      if (!skip_value(depth)) return false;
    } else {
      const role = parent < 0 ? role_of(key) : ROLE_SCALAR;
      // The last occurrence wins, as in the parser's object_finalize: a repeated object field
      // starts from no fields.
      if (role == ROLE_OBJECT) clear_slots(child_lo(key), child_hi(key));
      if (role == ROLE_OBJECT && peek() == 0x7b) {
        set_slot(key, TYPE_OBJECT, 0, 0);
        if (!scan_object(key, depth + 1)) return false;
      } else if (role == ROLE_WHOLE) {
        const v = value_parse_nested(sp, <i32>(se - sp), depth);
        if (v == 0) return false;
        sp = parse_end();
        slot_from_value(key, v);
      } else if (!scalar_slot(key)) return false;
    }
    ws();
    const n = peek();
    sp++;
    if (n == 0x7d) return true;
    if (n != 0x2c) return false;
    ws();
  }
  return false;
}

/**
 * Fills the slots from `len` bytes of input text at `ptr`; false when the text must go through
 * the full parser instead (see the top). No text (`len` 0) is no input.
 */
export function scan_input(ptr: usize, len: i32): bool {
  clear_slots(0, SLOTS - 1);
  input_type = 0;
  sp = ptr;
  se = ptr + <usize>(len > 0 ? len : 0);
  if (len <= 0) return true;
  ws();
  if (peek() != 0x7b) return false;
  input_type = TYPE_OBJECT;
  // Bytes after the first complete value are ignored, as by the parser; where it ended is
  // `scan_end()`, for a host that holds its input to be exactly one JSON text.
  return scan_object(-1, 1);
}

/** First byte past the value the last successful `scan_input` read. */
export function scan_end(): usize {
  return sp;
}
