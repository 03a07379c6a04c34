// Argument conditions (README "Argument conditions"), mirroring src/core/arguments.ts: rules
// carry them in the program (see src/compile/program.ts), grants in the bundle data as written.
import {
  value_type, bool_get, string_ptr, string_len, array_len, array_get, object_get, object_len,
  object_key_at, object_value_at, number_to_f64,
  TYPE_NULL, TYPE_NUMBER, TYPE_BOOLEAN, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT,
} from "../value";
import { alloc } from "../alloc";
import * as F from "./fixed";
import { ref_addr, str_ptr, str_len } from "./program";
import { bytes_eq, fixed_eq } from "./text";

const KIND_PRESENT: u32 = 1;
const KIND_ABSENT: u32 = 2;
const KIND_EMPTY: u32 = 3;
const KIND_IN: u32 = 4;
const VALUE_STRING: u32 = 0;
const VALUE_BOOLEAN: u32 = 1;
const MAX_SAFE: f64 = 9007199254740991.0;

/** The input's `arguments` object for this decision; 0 when absent. */
export let args_obj: usize = 0;

export function set_arguments(v: usize): void {
  args_obj = v;
}

// The value at a dotted path; 0 when a segment is missing or crosses a non-object.
function arg_at(p: usize, n: i32): usize {
  let cur = args_obj;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && load<u8>(p + <usize>i) != 0x2e) continue;
    if (cur == 0 || value_type(cur) != TYPE_OBJECT) return 0;
    cur = object_get(cur, p + <usize>start, i - start);
    start = i + 1;
  }
  return cur;
}

@inline function is_absent(v: usize): bool {
  return v == 0 || value_type(v) == TYPE_NULL;
}

function is_empty(v: usize): bool {
  if (is_absent(v)) return true;
  const t = value_type(v);
  if (t == TYPE_STRING) return string_len(v) == 0;
  if (t == TYPE_ARRAY) return array_len(v) == 0;
  if (t == TYPE_OBJECT) return object_len(v) == 0;
  return false;
}

@inline function string_is(v: usize, p: usize, n: i32): bool {
  return value_type(v) == TYPE_STRING && bytes_eq(string_ptr(v), string_len(v), p, n);
}

// ---- rules: the program's argument table ------------------------------------------------------

// An accepted value [u32 type][u32 text][f64]: a string matches its text; a boolean or integer
// matches itself or its text.
function program_value_matches(e: usize, v: usize): bool {
  const type = load<u32>(e);
  const text = load<u32>(e + 4);
  if (string_is(v, str_ptr(text), str_len(text))) return true;
  if (type == VALUE_STRING) return false;
  const t = value_type(v);
  if (type == VALUE_BOOLEAN) return t == TYPE_BOOLEAN && bool_get(v) == (load<f64>(e + 8) != 0);
  return t == TYPE_NUMBER && number_to_f64(v) == load<f64>(e + 8);
}

function holds(kind: u32, v: usize): bool {
  if (kind == KIND_ABSENT) return is_absent(v);
  if (kind == KIND_PRESENT) return !is_absent(v);
  if (kind == KIND_EMPTY) return is_empty(v);
  return false;
}

/** Whether every condition of a rule's argument table holds (0 = no conditions). */
export function program_args_hold(table: u32): bool {
  if (table == 0) return true;
  const base = ref_addr(table);
  const count = load<i32>(base);
  for (let i = 0; i < count; i++) {
    const c = base + 4 + <usize>i * 12;
    const path = load<u32>(c);
    const kind = load<u32>(c + 4);
    const v = arg_at(str_ptr(path), str_len(path));
    if (kind != KIND_IN) {
      if (!holds(kind, v)) return false;
      continue;
    }
    if (is_absent(v)) return false;
    const list = ref_addr(load<u32>(c + 8));
    const n = load<i32>(list);
    let any = false;
    for (let j = 0; j < n && !any; j++) any = program_value_matches(list + 8 + <usize>j * 16, v);
    if (!any) return false;
  }
  return true;
}

// ---- grants: conditions as data.json holds them ---------------------------------------------

function condition_kind(cond: usize): u32 {
  const t = value_type(cond);
  if (t == TYPE_STRING) {
    const p = string_ptr(cond);
    const n = string_len(cond);
    if (fixed_eq(p, n, F.G_PRESENT)) return KIND_PRESENT;
    if (fixed_eq(p, n, F.G_ABSENT)) return KIND_ABSENT;
    if (fixed_eq(p, n, F.G_EMPTY)) return KIND_EMPTY;
    return 0;
  }
  if (t != TYPE_ARRAY) return 0;
  const n = array_len(cond);
  for (let i = 0; i < n; i++) {
    const e = array_get(cond, i);
    const et = value_type(e);
    if (et == TYPE_STRING || et == TYPE_BOOLEAN) continue;
    if (et != TYPE_NUMBER) return 0;
    const x = number_to_f64(e);
    if (!(x == Math.floor(x) && Math.abs(x) <= MAX_SAFE)) return 0;
  }
  return KIND_IN;
}

// Decimal digits of a safe integer, as JSON writes it (no sign for zero).
let digits_p: usize = 0;
let digits_l: i32 = 0;
function integer_text(x: f64): void {
  let n = <i64>x;
  const neg = n < 0;
  if (neg) n = -n;
  const buf = alloc(24);
  let at: i32 = 24;
  do {
    at--;
    store<u8>(buf + <usize>at, <u8>(0x30 + <i32>(n % 10)));
    n /= 10;
  } while (n != 0);
  if (neg) {
    at--;
    store<u8>(buf + <usize>at, 0x2d);
  }
  digits_p = buf + <usize>at;
  digits_l = 24 - at;
}

function data_value_matches(e: usize, v: usize): bool {
  const et = value_type(e);
  const vt = value_type(v);
  if (et == TYPE_STRING) return string_is(v, string_ptr(e), string_len(e));
  if (et == TYPE_BOOLEAN) {
    const b = bool_get(e);
    if (vt == TYPE_BOOLEAN) return bool_get(v) == b;
    return vt == TYPE_STRING && fixed_eq(string_ptr(v), string_len(v), b ? F.G_TRUE : F.G_FALSE);
  }
  const x = number_to_f64(e);
  if (vt == TYPE_NUMBER) return number_to_f64(v) == x;
  if (vt != TYPE_STRING) return false;
  integer_text(x);
  return bytes_eq(string_ptr(v), string_len(v), digits_p, digits_l);
}

/**
 * Whether a grant's `arguments` hold. Operators may patch data.json: a set that is not an object
 * of `present`/`absent`/`empty` or lists of strings, booleans and safe integers covers nothing.
 */
export function data_args_hold(conds: usize): bool {
  if (value_type(conds) != TYPE_OBJECT) return false;
  const n = object_len(conds);
  for (let i = 0; i < n; i++) {
    if (condition_kind(object_value_at(conds, i)) == 0) return false;
  }
  for (let i = 0; i < n; i++) {
    const key = object_key_at(conds, i);
    const cond = object_value_at(conds, i);
    const v = arg_at(string_ptr(key), string_len(key));
    const kind = condition_kind(cond);
    if (kind != KIND_IN) {
      if (!holds(kind, v)) return false;
      continue;
    }
    if (is_absent(v)) return false;
    const m = array_len(cond);
    let any = false;
    for (let j = 0; j < m && !any; j++) any = data_value_matches(array_get(cond, j), v);
    if (!any) return false;
  }
  return true;
}
