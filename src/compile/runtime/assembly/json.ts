// JSON / Rego value text: the parser behind opa_json_parse / opa_value_parse and the writer
// behind opa_json_dump / opa_value_dump, following OPA's wasm/src/json.c token by token:
// - the parser stops after the first complete value (trailing bytes are ignored), returns 0 on
//   a syntax error, and aborts like OPA on invalid UTF-8 (`illegal utf-8`) or an unpaired UTF-16
//   surrogate escape (`illegal string escape character`);
// - arrays accept what OPA's loop accepts: a trailing comma and missing commas (`[1,]`, `[1 2]`);
// - object keys may be any value; in value mode `{a, b}` is a set and `set( )` the empty set.
// Deliberate differences, both about hostile input: numbers need a digit after `.` and after the
// exponent marker (OPA would keep `1.` as a literal that no JSON reader accepts back), and nesting
// deeper than MAX_DEPTH makes the parse fail (0) instead of exhausting the Wasm stack.

import { alloc, free, mem_copy } from "./alloc";
import { abort_ascii } from "./env";
import { shortest_digits, shortest_exp10 } from "./float";
import {
  TYPE_ARRAY, TYPE_BOOLEAN, TYPE_NULL, TYPE_NUMBER, TYPE_OBJECT, TYPE_SET, TYPE_STRING,
  NUM_INT, NUM_F64,
  array_get, array_len, array_push, bool_get, make_array, make_bool, make_null, make_number_ref,
  make_object, make_set, make_string_copy, make_string_inline, number_f64_raw, number_i32,
  number_kind, number_ref_len, number_ref_ptr, object_append_unsorted, object_finalize,
  object_key_at, object_len, object_value_at, set_append_unsorted, set_finalize, set_get_at,
  set_len, string_len, string_ptr, string_set_len,
} from "./value";

export const MAX_DEPTH: i32 = 1024;

const T_ERROR: i32 = 0;
const T_EOF: i32 = 1;
const T_NULL: i32 = 2;
const T_TRUE: i32 = 3;
const T_FALSE: i32 = 4;
const T_NUMBER: i32 = 5;
const T_STRING: i32 = 6;
const T_STRING_ESCAPED: i32 = 7;
const T_OBJECT_START: i32 = 8;
const T_OBJECT_END: i32 = 9;
const T_ARRAY_START: i32 = 10;
const T_ARRAY_END: i32 = 11;
const T_COMMA: i32 = 12;
const T_COLON: i32 = 13;
const T_EMPTY_SET: i32 = 14;

// Lexer state. Parsing never re-enters itself, so module globals are enough.
let cur: usize = 0;
let end: usize = 0;
let tok_start: usize = 0;
let tok_end: usize = 0;
let set_literals: bool = false;
let depth: i32 = 0;

function is_space(c: u32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d || c == 0x0b || c == 0x0c;
}

function is_digit(c: u32): bool {
  return c - 0x30 < 10;
}

function hex_value(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

function read_atom(lit: string, token: i32): i32 {
  const n = <usize>lit.length;
  if (end - cur < n) return T_ERROR;
  const p = changetype<usize>(lit);
  for (let i: usize = 0; i < n; i++) {
    if (<u32>load<u8>(cur + i) != <u32>load<u16>(p + (i << 1))) return T_ERROR;
  }
  cur += n;
  return token;
}

function read_digits(): i32 {
  let n = 0;
  while (cur < end && is_digit(load<u8>(cur))) {
    cur++;
    n++;
  }
  return n;
}

function read_number(): i32 {
  tok_start = cur;
  if (load<u8>(cur) == 0x2d) {
    cur++;
    if (cur >= end) return T_ERROR;
  }
  const c = load<u8>(cur);
  if (c == 0x30) cur++;
  else if (is_digit(c)) read_digits();
  else return T_ERROR;
  if (cur < end && load<u8>(cur) == 0x2e) {
    cur++;
    if (read_digits() == 0) return T_ERROR;
  }
  if (cur < end && (load<u8>(cur) | 0x20) == 0x65) {
    cur++;
    if (cur >= end) return T_ERROR;
    const s = load<u8>(cur);
    if (s == 0x2b || s == 0x2d) cur++;
    if (read_digits() == 0) return T_ERROR;
  }
  tok_end = cur;
  return T_NUMBER;
}

function read_string(): i32 {
  cur++;
  tok_start = cur;
  let escaped = false;
  while (true) {
    if (cur >= end) return T_ERROR;
    const b = load<u8>(cur);
    if (b == 0x5c) {
      escaped = true;
      cur++;
      if (cur >= end) return T_ERROR;
      const e = load<u8>(cur);
      if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
        cur++;
      } else if (e == 0x75) {
        cur++;
        if (end - cur < 4) return T_ERROR;
        for (let i: usize = 0; i < 4; i++) {
          if (hex_value(load<u8>(cur + i)) < 0) return T_ERROR;
        }
        cur += 4;
      } else {
        return T_ERROR;
      }
    } else if (b == 0x22) {
      tok_end = cur;
      cur++;
      return escaped ? T_STRING_ESCAPED : T_STRING;
    } else {
      if (b < 0x20) return T_ERROR;
      // Anything beyond ASCII goes through the validating slow path.
      if (b > 0x7e) escaped = true;
      cur++;
    }
  }
  return T_ERROR;
}

function read_empty_set(): i32 {
  if (!set_literals) return T_ERROR;
  if (read_atom("set(", T_EMPTY_SET) != T_EMPTY_SET) return T_ERROR;
  while (cur < end && is_space(load<u8>(cur))) cur++;
  if (cur >= end || load<u8>(cur) != 0x29) return T_ERROR;
  cur++;
  return T_EMPTY_SET;
}

function lex(): i32 {
  while (cur < end) {
    const b = load<u8>(cur);
    switch (b) {
      case 0x6e: return read_atom("null", T_NULL);
      case 0x74: return read_atom("true", T_TRUE);
      case 0x66: return read_atom("false", T_FALSE);
      case 0x73: return read_empty_set();
      case 0x22: return read_string();
      case 0x7b: cur++; return T_OBJECT_START;
      case 0x7d: cur++; return T_OBJECT_END;
      case 0x5b: cur++; return T_ARRAY_START;
      case 0x5d: cur++; return T_ARRAY_END;
      case 0x2c: cur++; return T_COMMA;
      case 0x3a: cur++; return T_COLON;
    }
    if (is_digit(b) || b == 0x2d) return read_number();
    if (!is_space(b)) return T_ERROR;
    cur++;
  }
  return T_EOF;
}

function read_hex4(p: usize): u32 {
  return <u32>((hex_value(load<u8>(p)) << 12) | (hex_value(load<u8>(p + 1)) << 8) |
    (hex_value(load<u8>(p + 2)) << 4) | hex_value(load<u8>(p + 3)));
}

// Length of the valid UTF-8 sequence at p (bounded by e), or 0 when invalid (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
export function utf8_sequence_len(p: usize, e: usize): i32 {
  const b0 = <u32>load<u8>(p);
  if (b0 < 0x80) return 1;
  let n: i32;
  let lo: u32 = 0x80;
  let hi: u32 = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;
    else if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;
    else if (b0 == 0xf4) hi = 0x8f;
  } else return 0;
  if (e - p < <usize>n) return 0;
  const b1 = <u32>load<u8>(p + 1);
  if (b1 < lo || b1 > hi) return 0;
  for (let i = 2; i < n; i++) {
    const b = <u32>load<u8>(p + <usize>i);
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return n;
}

function encode_utf8(out: usize, cp: u32): usize {
  if (cp < 0x80) {
    store<u8>(out, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(out, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (cp & 0x3f)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)));
    store<u8>(out + 2, <u8>(0x80 | (cp & 0x3f)));
    return 3;
  }
  store<u8>(out, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
  store<u8>(out + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)));
  store<u8>(out + 3, <u8>(0x80 | (cp & 0x3f)));
  return 4;
}

// The lexer already checked the escapes and control bytes; decoding never grows the text
// (a \u escape is 6 bytes for at most 3, a surrogate pair 12 for 4), so the raw length bounds it.
function parse_escaped_string(p: usize, e: usize): usize {
  const v = make_string_inline(<i32>(e - p));
  const start = string_ptr(v);
  let out = start;
  while (p < e) {
    const c = <u32>load<u8>(p);
    if (c != 0x5c) {
      const n = utf8_sequence_len(p, e);
      if (n == 0) abort_ascii("illegal utf-8");
      for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<u8>(p + <usize>i));
      out += <usize>n;
      p += <usize>n;
      continue;
    }
    const x = <u32>load<u8>(p + 1);
    p += 2;
    switch (x) {
      case 0x62: store<u8>(out++, 0x08); break;
      case 0x66: store<u8>(out++, 0x0c); break;
      case 0x6e: store<u8>(out++, 0x0a); break;
      case 0x72: store<u8>(out++, 0x0d); break;
      case 0x74: store<u8>(out++, 0x09); break;
      case 0x75: {
        let cp = read_hex4(p);
        p += 4;
        if (cp >= 0xd800 && cp <= 0xdfff) {
          if (cp >= 0xdc00 || e - p < 6 || load<u8>(p) != 0x5c || load<u8>(p + 1) != 0x75) {
            abort_ascii("illegal string escape character");
          }
          const lo = read_hex4(p + 2);
          if (lo < 0xdc00 || lo > 0xdfff) abort_ascii("illegal string escape character");
          p += 6;
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        out += encode_utf8(out, cp);
        break;
      }
      default: store<u8>(out++, <u8>x); // \" \\ \/
    }
  }
  string_set_len(v, <i32>(out - start));
  return v;
}

function parse_array(): usize {
  const arr = make_array(0);
  let sep = false;
  while (true) {
    const token = lex();
    if (token == T_ARRAY_END) return arr;
    if (token == T_COMMA && sep) {
      sep = false;
      continue;
    }
    const elem = parse_token(token);
    if (elem == 0) return 0;
    array_push(arr, elem);
    sep = true;
  }
  return 0;
}

function parse_set(head: usize, token: i32): usize {
  if (!set_literals) return 0;
  const set = make_set(0);
  set_append_unsorted(set, head);
  if (token != T_OBJECT_END) {
    token = lex();
    while (true) {
      const elem = parse_token(token);
      if (elem == 0) return 0;
      set_append_unsorted(set, elem);
      token = lex();
      if (token == T_COMMA) {
        token = lex();
      } else if (token == T_OBJECT_END) {
        break;
      } else {
        return 0;
      }
    }
  }
  set_finalize(set);
  return set;
}

function parse_object(key: usize): usize {
  const obj = make_object(0);
  while (true) {
    const val = parse_token(lex());
    if (val == 0) return 0;
    object_append_unsorted(obj, key, val);
    const token = lex();
    if (token == T_OBJECT_END) break;
    if (token != T_COMMA) return 0;
    key = parse_token(lex());
    if (key == 0) return 0;
    if (lex() != T_COLON) return 0;
  }
  object_finalize(obj);
  return obj;
}

function parse_object_or_set(): usize {
  let token = lex();
  if (token == T_OBJECT_END) return make_object(0);
  const head = parse_token(token);
  if (head == 0) return 0;
  token = lex();
  if (token == T_OBJECT_END || token == T_COMMA) return parse_set(head, token);
  if (token == T_COLON) return parse_object(head);
  return 0;
}

function parse_token(token: i32): usize {
  switch (token) {
    case T_NULL: return make_null();
    case T_TRUE: return make_bool(true);
    case T_FALSE: return make_bool(false);
    case T_NUMBER: return make_number_ref(tok_start, <i32>(tok_end - tok_start));
    case T_STRING: return make_string_copy(tok_start, <i32>(tok_end - tok_start));
    case T_STRING_ESCAPED: return parse_escaped_string(tok_start, tok_end);
    case T_EMPTY_SET: return make_set(0);
    case T_ARRAY_START:
    case T_OBJECT_START: {
      if (depth >= MAX_DEPTH) return 0;
      depth++;
      const v = token == T_ARRAY_START ? parse_array() : parse_object_or_set();
      depth--;
      return v;
    }
  }
  return 0;
}

function parse(ptr: usize, len: i32, values: bool): usize {
  if (len <= 0) return 0;
  cur = ptr;
  end = ptr + <usize>len;
  set_literals = values;
  depth = 0;
  return parse_token(lex());
}

/**
 * Parses one Rego value at `ptr` exactly as `value_parse` would parse it where it stands inside
 * an enclosing value, `depth0` levels deep (the depth limit counts the enclosing levels). Where
 * the value ends is `parse_end()`. For the decision input scanner (engine/input.ts), which hands
 * the parser only the subtrees it must keep whole.
 */
export function value_parse_nested(ptr: usize, len: i32, depth0: i32): usize {
  if (len <= 0) return 0;
  cur = ptr;
  end = ptr + <usize>len;
  set_literals = true;
  depth = depth0;
  return parse_token(lex());
}

/** First byte past the value the last parse read. */
export function parse_end(): usize {
  return cur;
}

/** Parses JSON text; 0 on a syntax error. */
export function json_parse(ptr: usize, len: i32): usize {
  return parse(ptr, len, false);
}

/** Parses Rego value text (JSON plus set literals); 0 on a syntax error. */
export function value_parse(ptr: usize, len: i32): usize {
  return parse(ptr, len, true);
}

// ---------------------------------------------------------------------------------------------
// writer: [buf u32 @0][len u32 @4][cap u32 @8][value syntax u8 @12]

function writer_new(values: bool, cap: u32): usize {
  const w = alloc(16);
  store<u32>(w, <u32>alloc(<usize>cap));
  store<u32>(w, 0, 4);
  store<u32>(w, cap, 8);
  store<u8>(w, values ? 1 : 0, 12);
  return w;
}

// Returns the address where `n` more bytes go, growing the buffer (doubling) as needed.
function writer_reserve(w: usize, n: u32): usize {
  const len = load<u32>(w, 4);
  let cap = load<u32>(w, 8);
  let buf = <usize>load<u32>(w);
  if (<u64>len + <u64>n > <u64>cap) {
    let ncap = <u64>cap * 2;
    if (ncap < <u64>len + <u64>n) ncap = <u64>len + <u64>n;
    if (ncap > 0xfff00000) abort_ascii("opa_malloc: failed");
    const nbuf = alloc(<usize>ncap);
    mem_copy(nbuf, buf, <usize>len);
    free(buf);
    buf = nbuf;
    cap = <u32>ncap;
    store<u32>(w, <u32>buf);
    store<u32>(w, cap, 8);
  }
  store<u32>(w, len + n, 4);
  return buf + <usize>len;
}

function emit_byte(w: usize, b: u32): void {
  store<u8>(writer_reserve(w, 1), <u8>b);
}

function emit_bytes(w: usize, p: usize, n: i32): void {
  mem_copy(writer_reserve(w, <u32>n), p, <usize>n);
}

function emit_ascii(w: usize, lit: string): void {
  const n = lit.length;
  const out = writer_reserve(w, <u32>n);
  const p = changetype<usize>(lit);
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, <u8>load<u16>(p + (<usize>i << 1)));
}

function emit_i64(w: usize, x: i64): void {
  if (x == i64.MIN_VALUE) {
    emit_ascii(w, "-9223372036854775808");
    return;
  }
  if (x < 0) {
    emit_byte(w, 0x2d);
    x = -x;
  }
  const tmp = writer_reserve(w, 20);
  let n: u32 = 0;
  do {
    store<u8>(tmp + <usize>n, <u8>(0x30 + <i32>(x % 10)));
    x /= 10;
    n++;
  } while (x != 0);
  // Digits were produced backwards; reverse them in place and give back the unused room.
  for (let i: u32 = 0; i < n / 2; i++) {
    const a = load<u8>(tmp + <usize>i);
    store<u8>(tmp + <usize>i, load<u8>(tmp + <usize>(n - 1 - i)));
    store<u8>(tmp + <usize>(n - 1 - i), a);
  }
  store<u32>(w, load<u32>(w, 4) - (20 - n), 4);
}

// Doubles print in the shortest form that reads back to the same double, in JavaScript's layout
// (plain up to 1e21, exponent form beyond): always a valid JSON and Rego number. Non-finite
// values have no JSON form and print as null.
function emit_f64(w: usize, x: f64): void {
  if (!isFinite(x)) {
    emit_ascii(w, "null");
    return;
  }
  if (x == 0) {
    emit_byte(w, 0x30);
    return;
  }
  if (x < 0) {
    emit_byte(w, 0x2d);
    x = -x;
  }
  const digits = alloc(800);
  const n = shortest_digits(x, digits);
  const e = shortest_exp10();
  if (e > 0 && e <= 21) {
    if (n <= e) {
      emit_bytes(w, digits, n);
      for (let i = n; i < e; i++) emit_byte(w, 0x30);
    } else {
      emit_bytes(w, digits, e);
      emit_byte(w, 0x2e);
      emit_bytes(w, digits + <usize>e, n - e);
    }
  } else if (e <= 0 && e > -6) {
    emit_ascii(w, "0.");
    for (let i = e; i < 0; i++) emit_byte(w, 0x30);
    emit_bytes(w, digits, n);
  } else {
    emit_byte(w, load<u8>(digits));
    if (n > 1) {
      emit_byte(w, 0x2e);
      emit_bytes(w, digits + 1, n - 1);
    }
    emit_byte(w, 0x65);
    if (e - 1 >= 0) emit_byte(w, 0x2b);
    emit_i64(w, <i64>(e - 1));
  }
  free(digits);
}

// OPA's JSON string writer: `\\`, `"`, `\n`, `\r`, `\t` short escapes, other bytes below 0x20 as
// \u00xx (lowercase), everything else copied as is.
function emit_string(w: usize, p: usize, n: i32): void {
  emit_byte(w, 0x22);
  let run = p;
  const e = p + <usize>n;
  for (let q = p; q < e; q++) {
    const c = <u32>load<u8>(q);
    if (c >= 0x20 && c != 0x5c && c != 0x22) continue;
    if (q > run) emit_bytes(w, run, <i32>(q - run));
    run = q + 1;
    if (c == 0x5c || c == 0x22) {
      emit_byte(w, 0x5c);
      emit_byte(w, c);
    } else if (c == 0x0a) {
      emit_ascii(w, "\\n");
    } else if (c == 0x0d) {
      emit_ascii(w, "\\r");
    } else if (c == 0x09) {
      emit_ascii(w, "\\t");
    } else {
      emit_ascii(w, "\\u00");
      emit_byte(w, hex_digit(c >> 4));
      emit_byte(w, hex_digit(c & 15));
    }
  }
  if (e > run) emit_bytes(w, run, <i32>(e - run));
  emit_byte(w, 0x22);
}

function hex_digit(d: u32): u32 {
  return d < 10 ? 0x30 + d : 0x61 + d - 10;
}

function emit_value(w: usize, v: usize): void {
  if (v == 0) {
    emit_ascii(w, "null");
    return;
  }
  switch (load<u8>(v)) {
    case TYPE_NULL:
      emit_ascii(w, "null");
      return;
    case TYPE_BOOLEAN:
      if (bool_get(v)) emit_ascii(w, "true");
      else emit_ascii(w, "false");
      return;
    case TYPE_NUMBER: {
      const kind = number_kind(v);
      if (kind == NUM_INT) emit_i64(w, <i64>number_i32(v));
      else if (kind == NUM_F64) emit_f64(w, number_f64_raw(v));
      else emit_bytes(w, number_ref_ptr(v), number_ref_len(v));
      return;
    }
    case TYPE_STRING:
      emit_string(w, string_ptr(v), string_len(v));
      return;
    case TYPE_ARRAY: {
      emit_byte(w, 0x5b);
      const n = array_len(v);
      for (let i = 0; i < n; i++) {
        if (i > 0) emit_byte(w, 0x2c);
        emit_value(w, array_get(v, i));
      }
      emit_byte(w, 0x5d);
      return;
    }
    case TYPE_SET: {
      const values = load<u8>(w, 12) != 0;
      const n = set_len(v);
      if (values && n == 0) {
        emit_ascii(w, "set()");
        return;
      }
      emit_byte(w, values ? 0x7b : 0x5b);
      for (let i = 0; i < n; i++) {
        if (i > 0) emit_byte(w, 0x2c);
        emit_value(w, set_get_at(v, i));
      }
      emit_byte(w, values ? 0x7d : 0x5d);
      return;
    }
    case TYPE_OBJECT: {
      const values = load<u8>(w, 12) != 0;
      emit_byte(w, 0x7b);
      const n = object_len(v);
      for (let i = 0; i < n; i++) {
        if (i > 0) emit_byte(w, 0x2c);
        const k = object_key_at(v, i);
        if (values || load<u8>(k) == TYPE_STRING) {
          emit_value(w, k);
        } else {
          // JSON keys must be strings: a non-string key is written as the string of its JSON text.
          const kw = writer_new(false, 64);
          emit_value(kw, k);
          emit_string(w, <usize>load<u32>(kw), <i32>load<u32>(kw, 4));
          free(<usize>load<u32>(kw));
          free(kw);
        }
        emit_byte(w, 0x3a);
        emit_value(w, object_value_at(v, i));
      }
      emit_byte(w, 0x7d);
      return;
    }
  }
  emit_ascii(w, "null");
}

function dump(v: usize, values: bool): usize {
  const w = writer_new(values, 256);
  emit_value(w, v);
  emit_byte(w, 0);
  const buf = <usize>load<u32>(w);
  free(w);
  return buf;
}

/** NUL-terminated JSON text (sets as arrays, non-string keys as strings of their JSON). */
export function json_dump(v: usize): usize {
  return dump(v, false);
}

/** NUL-terminated Rego value text (sets as `{..}` / `set()`, keys of any type). */
export function value_dump(v: usize): usize {
  return dump(v, true);
}
