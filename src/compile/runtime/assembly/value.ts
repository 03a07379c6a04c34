// Rego values over raw memory. A value is a pointer (0 = undefined) to a block whose first byte is
// the type tag (OPA's numbering, which is also the cross-type sort order):
//
//   null/boolean  [type u8][bool u8]                 static singletons, never freed
//   number        [type u8][kind u8][..]             kind 0: i32 at +4; 1: f64 at +8;
//                                                    2: literal text, len u32 at +4, ptr at +8
//   string        [type u8][..][len u32 @4][ptr @8]  bytes inline at +12 or referenced
//   array         [type u8][..][len @4][cap @8][elems @12]   elems: u32 value pointers
//   object        [type u8][..][len @4][cap @8][entries @12] entries: (key u32, value u32),
//                                                    sorted by key (value order), keys unique
//   set           [type u8][..][len @4][cap @8][elems @12]   sorted, unique
//
// Objects and sets are sorted arrays: lookups are binary searches (O(log n)) and dumps come out
// in canonical order without a sort. Bulk construction (the parser) appends unsorted and calls
// `*_finalize` once, so building an n-entry object costs O(n log n), not O(n^2).

import { alloc, free, heap_base_get, mem_copy, mem_move } from "./alloc";
import { parse_f64 } from "./float";

export const TYPE_NULL: u8 = 1;
export const TYPE_BOOLEAN: u8 = 2;
export const TYPE_NUMBER: u8 = 3;
export const TYPE_STRING: u8 = 4;
export const TYPE_ARRAY: u8 = 5;
export const TYPE_OBJECT: u8 = 6;
export const TYPE_SET: u8 = 7;

export const NUM_INT: u8 = 0;
export const NUM_F64: u8 = 1;
export const NUM_REF: u8 = 2;

const NULL_V: usize = memory.data<u8>([1, 0, 0, 0, 0, 0, 0, 0], 8);
const FALSE_V: usize = memory.data<u8>([2, 0, 0, 0, 0, 0, 0, 0], 8);
const TRUE_V: usize = memory.data<u8>([2, 1, 0, 0, 0, 0, 0, 0], 8);

// ---------------------------------------------------------------------------------------------
// scalars

export function value_type(v: usize): u8 {
  return load<u8>(v);
}

export function make_null(): usize {
  return NULL_V;
}

export function make_bool(b: bool): usize {
  return b ? TRUE_V : FALSE_V;
}

export function bool_get(v: usize): bool {
  return load<u8>(v, 1) != 0;
}

export function make_number_i32(n: i32): usize {
  const v = alloc(8);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUM_INT, 1);
  store<i32>(v, n, 4);
  return v;
}

export function make_number_f64(x: f64): usize {
  const v = alloc(16);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUM_F64, 1);
  store<f64>(v, x, 8);
  return v;
}

/** A number kept as its literal text (copied), as OPA keeps parsed numbers. */
export function make_number_ref(ptr: usize, len: i32): usize {
  const v = alloc(12 + <usize>len);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUM_REF, 1);
  store<u32>(v, <u32>len, 4);
  store<u32>(v, <u32>(v + 12), 8);
  mem_copy(v + 12, ptr, <usize>len);
  return v;
}

export function number_kind(v: usize): u8 {
  return load<u8>(v, 1);
}

export function number_i32(v: usize): i32 {
  return load<i32>(v, 4);
}

export function number_f64_raw(v: usize): f64 {
  return load<f64>(v, 8);
}

export function number_ref_ptr(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

export function number_ref_len(v: usize): i32 {
  return <i32>load<u32>(v, 4);
}

/** The value when the literal is a plain JSON integer fitting in i64, else i64.MIN_VALUE. */
export function number_plain_int(v: usize): i64 {
  const kind = load<u8>(v, 1);
  if (kind == NUM_INT) return <i64>load<i32>(v, 4);
  if (kind == NUM_F64) {
    const x = load<f64>(v, 8);
    if (x == Math.floor(x) && x > -9.2e18 && x < 9.2e18) return <i64>x;
    return i64.MIN_VALUE;
  }
  return parse_plain_int(number_ref_ptr(v), number_ref_len(v));
}

export function parse_plain_int(p: usize, len: i32): i64 {
  let i = 0;
  let neg = false;
  if (len > 0 && load<u8>(p) == 0x2d) {
    neg = true;
    i = 1;
  }
  if (i >= len) return i64.MIN_VALUE;
  // Accumulate negatively so that i64.MIN_VALUE's magnitude fits.
  let acc: i64 = 0;
  for (; i < len; i++) {
    const c = <i32>load<u8>(p + <usize>i) - 0x30;
    if (c < 0 || c > 9) return i64.MIN_VALUE;
    if (acc < (i64.MIN_VALUE + <i64>c) / 10) return i64.MIN_VALUE;
    acc = acc * 10 - <i64>c;
  }
  if (neg) return acc;
  if (acc == i64.MIN_VALUE) return i64.MIN_VALUE;
  return -acc;
}

/** The number as f64; NaN when the literal cannot be read as a number. */
export function number_to_f64(v: usize): f64 {
  const kind = load<u8>(v, 1);
  if (kind == NUM_INT) return <f64>load<i32>(v, 4);
  if (kind == NUM_F64) return load<f64>(v, 8);
  return parse_f64(number_ref_ptr(v), number_ref_len(v));
}

// ---------------------------------------------------------------------------------------------
// strings

/** A string referencing `len` UTF-8 bytes at `ptr` (no copy). */
export function make_string(ptr: usize, len: i32): usize {
  const v = alloc(12);
  store<u8>(v, TYPE_STRING);
  store<u32>(v, <u32>len, 4);
  store<u32>(v, <u32>ptr, 8);
  return v;
}

/** A string with its own copy of the bytes (freed with the value). */
export function make_string_copy(ptr: usize, len: i32): usize {
  const v = make_string_inline(len);
  mem_copy(v + 12, ptr, <usize>len);
  return v;
}

/** A string with room for `cap` inline bytes at `string_ptr(v)`; set the final length with `string_set_len`. */
export function make_string_inline(cap: i32): usize {
  const v = alloc(12 + <usize>cap);
  store<u8>(v, TYPE_STRING);
  store<u32>(v, <u32>cap, 4);
  store<u32>(v, <u32>(v + 12), 8);
  return v;
}

export function string_set_len(v: usize, len: i32): void {
  store<u32>(v, <u32>len, 4);
}

export function string_ptr(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

export function string_len(v: usize): i32 {
  return <i32>load<u32>(v, 4);
}

export function string_equals(v: usize, ptr: usize, len: i32): bool {
  if (string_len(v) != len) return false;
  return bytes_compare(string_ptr(v), len, ptr, len) == 0;
}

export function bytes_compare(a: usize, alen: i32, b: usize, blen: i32): i32 {
  const n = alen < blen ? alen : blen;
  // Equal 8-byte words first: keys in data often share long prefixes (`sha256:…` fingerprints).
  let i = 0;
  while (i + 8 <= n && load<u64>(a + <usize>i) == load<u64>(b + <usize>i)) i += 8;
  for (; i < n; i++) {
    const x = load<u8>(a + <usize>i);
    const y = load<u8>(b + <usize>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// collections (array, object, set share the [len][cap][buffer] header)

function make_collection(type: u8, capacity: i32, stride: usize): usize {
  const v = alloc(16);
  store<u8>(v, type);
  store<u8>(v, 0, 1);
  store<u32>(v, 0, 4);
  const cap = capacity > 0 ? capacity : 0;
  store<u32>(v, <u32>cap, 8);
  store<u32>(v, cap > 0 ? <u32>alloc(<usize>cap * stride) : 0, 12);
  return v;
}

function coll_len(v: usize): i32 {
  return <i32>load<u32>(v, 4);
}

function coll_buf(v: usize): usize {
  return <usize>load<u32>(v, 12);
}

// Makes room for one more element of `stride` bytes; returns the buffer.
function coll_reserve(v: usize, stride: usize): usize {
  const len = load<u32>(v, 4);
  const cap = load<u32>(v, 8);
  let buf = <usize>load<u32>(v, 12);
  if (len < cap) return buf;
  const ncap: u32 = cap < 4 ? 4 : cap * 2;
  const nbuf = alloc(<usize>ncap * stride);
  if (buf != 0) {
    mem_copy(nbuf, buf, <usize>len * stride);
    free(buf);
  }
  store<u32>(v, ncap, 8);
  store<u32>(v, <u32>nbuf, 12);
  return nbuf;
}

export function make_array(capacity: i32): usize {
  return make_collection(TYPE_ARRAY, capacity, 4);
}

export function array_len(v: usize): i32 {
  return coll_len(v);
}

export function array_get(v: usize, i: i32): usize {
  if (<u32>i >= <u32>coll_len(v)) return 0;
  return <usize>load<u32>(coll_buf(v) + (<usize>i << 2));
}

export function array_push(a: usize, v: usize): void {
  const buf = coll_reserve(a, 4);
  const len = load<u32>(a, 4);
  store<u32>(buf + (<usize>len << 2), <u32>v);
  store<u32>(a, len + 1, 4);
}

export function make_object(capacity: i32): usize {
  return make_collection(TYPE_OBJECT, capacity, 8);
}

export function object_len(v: usize): i32 {
  return coll_len(v);
}

export function object_key_at(o: usize, i: i32): usize {
  return <usize>load<u32>(coll_buf(o) + (<usize>i << 3));
}

export function object_value_at(o: usize, i: i32): usize {
  return <usize>load<u32>(coll_buf(o) + (<usize>i << 3) + 4);
}

export function make_set(capacity: i32): usize {
  return make_collection(TYPE_SET, capacity, 4);
}

export function set_len(v: usize): i32 {
  return coll_len(v);
}

export function set_get_at(s: usize, i: i32): usize {
  return <usize>load<u32>(coll_buf(s) + (<usize>i << 2));
}

// Rank of a string key against an arbitrary value (strings sort after null/boolean/number and
// before array/object/set; among strings, byte-wise).
function compare_string_key(keyPtr: usize, keyLen: i32, k: usize): i32 {
  const t = load<u8>(k);
  if (t != TYPE_STRING) return t < TYPE_STRING ? 1 : -1;
  return bytes_compare(keyPtr, keyLen, string_ptr(k), string_len(k));
}

// Binary search over `len` entries of `stride` bytes whose first u32 is a value. Returns the
// index when found, else -(insertion point) - 1.
function search_value(buf: usize, len: i32, stride: usize, key: usize): i32 {
  let lo = 0;
  let hi = len - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = value_compare(key, <usize>load<u32>(buf + <usize>mid * stride));
    if (c == 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -lo - 1;
}

function search_string(buf: usize, len: i32, keyPtr: usize, keyLen: i32): i32 {
  let lo = 0;
  let hi = len - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare_string_key(keyPtr, keyLen, <usize>load<u32>(buf + (<usize>mid << 3)));
    if (c == 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -lo - 1;
}

/** Value for a string key; 0 when absent (or when `obj` is not an object). */
export function object_get(obj: usize, keyPtr: usize, keyLen: i32): usize {
  if (obj == 0 || load<u8>(obj) != TYPE_OBJECT) return 0;
  const buf = coll_buf(obj);
  const i = search_string(buf, coll_len(obj), keyPtr, keyLen);
  return i >= 0 ? <usize>load<u32>(buf + (<usize>i << 3) + 4) : 0;
}

/** Position of a string key among an object's entries; -1 when absent (or when `obj` is not an object). */
export function object_find(obj: usize, keyPtr: usize, keyLen: i32): i32 {
  if (obj == 0 || load<u8>(obj) != TYPE_OBJECT) return -1;
  const i = search_string(coll_buf(obj), coll_len(obj), keyPtr, keyLen);
  return i >= 0 ? i : -1;
}

/** Value for any key; 0 when absent. */
export function object_get_value(obj: usize, key: usize): usize {
  if (obj == 0 || load<u8>(obj) != TYPE_OBJECT) return 0;
  const buf = coll_buf(obj);
  const i = search_value(buf, coll_len(obj), 8, key);
  return i >= 0 ? <usize>load<u32>(buf + (<usize>i << 3) + 4) : 0;
}

function insert_entry(o: usize, at: i32, key: usize, v: usize): void {
  const buf = coll_reserve(o, 8);
  const len = coll_len(o);
  const p = buf + (<usize>at << 3);
  mem_move(p + 8, p, <usize>(len - at) << 3);
  store<u32>(p, <u32>key);
  store<u32>(p + 4, <u32>v);
  store<u32>(o, <u32>(len + 1), 4);
}

/** Inserts under a string key (the key bytes are referenced, not copied); replaces an existing key's value. */
export function object_insert(o: usize, keyPtr: usize, keyLen: i32, v: usize): void {
  const i = search_string(coll_buf(o), coll_len(o), keyPtr, keyLen);
  if (i >= 0) {
    store<u32>(coll_buf(o) + (<usize>i << 3) + 4, <u32>v);
    return;
  }
  insert_entry(o, -i - 1, make_string(keyPtr, keyLen), v);
}

/**
 * Inserts under any key; the object takes ownership of `key` and `v`. Returns the replaced value
 * (0 if the key was new); on replacement the object keeps its existing key and `key` is unused.
 */
export function object_insert_value(o: usize, key: usize, v: usize): usize {
  const i = search_value(coll_buf(o), coll_len(o), 8, key);
  if (i >= 0) {
    const slot = coll_buf(o) + (<usize>i << 3) + 4;
    const old = <usize>load<u32>(slot);
    store<u32>(slot, <u32>v);
    return old;
  }
  insert_entry(o, -i - 1, key, v);
  return 0;
}

/** Removes a key; frees the removed key and value. Returns whether it was present. */
export function object_remove_value(o: usize, key: usize): bool {
  const buf = coll_buf(o);
  const len = coll_len(o);
  const i = search_value(buf, len, 8, key);
  if (i < 0) return false;
  const p = buf + (<usize>i << 3);
  value_free(<usize>load<u32>(p));
  value_free(<usize>load<u32>(p + 4));
  mem_move(p, p + 8, <usize>(len - i - 1) << 3);
  store<u32>(o, <u32>(len - 1), 4);
  return true;
}

/** Appends without ordering; call `object_finalize` before any lookup. */
export function object_append_unsorted(o: usize, key: usize, v: usize): void {
  const buf = coll_reserve(o, 8);
  const len = coll_len(o);
  store<u32>(buf + (<usize>len << 3), <u32>key);
  store<u32>(buf + (<usize>len << 3) + 4, <u32>v);
  store<u32>(o, <u32>(len + 1), 4);
}

/** Sorts appended entries; of duplicate keys the last one wins (the others are freed). */
export function object_finalize(o: usize): void {
  coll_finalize(o, 8);
}

export function set_contains(s: usize, v: usize): bool {
  return search_value(coll_buf(s), coll_len(s), 4, v) >= 0;
}

/** Adds an element unless an equal one is present (values may be shared, so nothing is freed). */
export function set_add(s: usize, v: usize): void {
  const buf = coll_reserve(s, 4);
  const len = coll_len(s);
  const i = search_value(buf, len, 4, v);
  if (i >= 0) return;
  const at = -i - 1;
  const p = buf + (<usize>at << 2);
  mem_move(p + 4, p, <usize>(len - at) << 2);
  store<u32>(p, <u32>v);
  store<u32>(s, <u32>(len + 1), 4);
}

export function set_append_unsorted(s: usize, v: usize): void {
  array_push(s, v);
}

export function set_finalize(s: usize): void {
  coll_finalize(s, 4);
}

// Stable bottom-up merge sort of the entries by their first u32 (a value), then removal of equal
// keys keeping the last occurrence. Already-sorted input (the common case for canonical JSON)
// is detected in one pass and costs no sort.
function coll_finalize(c: usize, stride: usize): void {
  const len = coll_len(c);
  if (len < 2) return;
  let buf = coll_buf(c);
  let sorted = true;
  for (let i = 1; i < len; i++) {
    if (value_compare(<usize>load<u32>(buf + <usize>(i - 1) * stride), <usize>load<u32>(buf + <usize>i * stride)) >= 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const bytes = <usize>len * stride;
  let src = buf;
  let dst = alloc(bytes);
  const tmp = dst;
  for (let width = 1; width < len; width <<= 1) {
    for (let lo = 0; lo < len; lo += width << 1) {
      let mid = lo + width;
      if (mid > len) mid = len;
      let hi = lo + (width << 1);
      if (hi > len) hi = len;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = src + <usize>i * stride;
        const b = src + <usize>j * stride;
        if (value_compare(<usize>load<u32>(b), <usize>load<u32>(a)) < 0) {
          mem_copy(dst + <usize>k * stride, b, stride);
          j++;
        } else {
          mem_copy(dst + <usize>k * stride, a, stride);
          i++;
        }
        k++;
      }
      if (i < mid) mem_copy(dst + <usize>k * stride, src + <usize>i * stride, <usize>(mid - i) * stride);
      else if (j < hi) mem_copy(dst + <usize>k * stride, src + <usize>j * stride, <usize>(hi - j) * stride);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != buf) mem_copy(buf, src, bytes);
  free(tmp);
  // Keep the last of each run of equal keys.
  let out = 0;
  for (let i = 0; i < len; i++) {
    const e = buf + <usize>i * stride;
    if (i + 1 < len && value_compare(<usize>load<u32>(e), <usize>load<u32>(e + stride)) == 0) {
      value_free(<usize>load<u32>(e));
      if (stride == 8) value_free(<usize>load<u32>(e + 4));
      continue;
    }
    if (out != i) mem_copy(buf + <usize>out * stride, e, stride);
    out++;
  }
  store<u32>(c, <u32>out, 4);
}

// ---------------------------------------------------------------------------------------------
// ordering, equality, copy, free

function compare_numbers(a: usize, b: usize): i32 {
  const ia = number_plain_int(a);
  const ib = number_plain_int(b);
  if (ia != i64.MIN_VALUE && ib != i64.MIN_VALUE) return ia < ib ? -1 : ia > ib ? 1 : 0;
  const x = number_to_f64(a);
  const y = number_to_f64(b);
  if (x < y) return -1;
  if (x > y) return 1;
  if (x == y) return 0;
  // NaN only arises from a malformed literal built by a caller; order it by its text so the
  // order stays total.
  if (x != x && y != y) return 0;
  return x != x ? 1 : -1;
}

/** Total order of Rego values: by type, then by content (OPA's ordering). */
export function value_compare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  if (a == 0) return -1;
  if (b == 0) return 1;
  const ta = load<u8>(a);
  const tb = load<u8>(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TYPE_NULL:
      return 0;
    case TYPE_BOOLEAN: {
      const x = load<u8>(a, 1) != 0 ? 1 : 0;
      const y = load<u8>(b, 1) != 0 ? 1 : 0;
      return x - y;
    }
    case TYPE_NUMBER:
      return compare_numbers(a, b);
    case TYPE_STRING:
      return bytes_compare(string_ptr(a), string_len(a), string_ptr(b), string_len(b));
    case TYPE_ARRAY:
    case TYPE_SET: {
      const la = coll_len(a);
      const lb = coll_len(b);
      const n = la < lb ? la : lb;
      const ba = coll_buf(a);
      const bb = coll_buf(b);
      for (let i = 0; i < n; i++) {
        const c = value_compare(<usize>load<u32>(ba + (<usize>i << 2)), <usize>load<u32>(bb + (<usize>i << 2)));
        if (c != 0) return c;
      }
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
    case TYPE_OBJECT: {
      const la = coll_len(a);
      const lb = coll_len(b);
      const n = la < lb ? la : lb;
      const ba = coll_buf(a);
      const bb = coll_buf(b);
      for (let i = 0; i < n; i++) {
        const off = <usize>i << 3;
        let c = value_compare(<usize>load<u32>(ba + off), <usize>load<u32>(bb + off));
        if (c != 0) return c;
        c = value_compare(<usize>load<u32>(ba + off + 4), <usize>load<u32>(bb + off + 4));
        if (c != 0) return c;
      }
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
  }
  return 0;
}

export function value_equal(a: usize, b: usize): bool {
  return value_compare(a, b) == 0;
}

/** Deep copy that owns all of its bytes (strings and number literals copied inline). */
export function value_copy(v: usize): usize {
  if (v == 0) return 0;
  switch (load<u8>(v)) {
    case TYPE_NULL:
    case TYPE_BOOLEAN:
      return v;
    case TYPE_NUMBER: {
      const kind = load<u8>(v, 1);
      if (kind == NUM_INT) return make_number_i32(load<i32>(v, 4));
      if (kind == NUM_F64) return make_number_f64(load<f64>(v, 8));
      return make_number_ref(number_ref_ptr(v), number_ref_len(v));
    }
    case TYPE_STRING:
      return make_string_copy(string_ptr(v), string_len(v));
    case TYPE_ARRAY:
    case TYPE_SET: {
      const len = coll_len(v);
      const c = make_collection(load<u8>(v), len, 4);
      const src = coll_buf(v);
      const dst = coll_buf(c);
      for (let i = 0; i < len; i++) {
        store<u32>(dst + (<usize>i << 2), <u32>value_copy(<usize>load<u32>(src + (<usize>i << 2))));
      }
      store<u32>(c, <u32>len, 4);
      return c;
    }
    case TYPE_OBJECT: {
      const len = coll_len(v);
      const c = make_collection(TYPE_OBJECT, len, 8);
      const src = coll_buf(v);
      const dst = coll_buf(c);
      for (let i = 0; i < len; i++) {
        const off = <usize>i << 3;
        store<u32>(dst + off, <u32>value_copy(<usize>load<u32>(src + off)));
        store<u32>(dst + off + 4, <u32>value_copy(<usize>load<u32>(src + off + 4)));
      }
      store<u32>(c, <u32>len, 4);
      return c;
    }
  }
  return 0;
}

/**
 * Frees a value and everything it owns. Static values (below the heap base: singletons,
 * program constants) are left alone; referenced string bytes are not owned and not freed.
 */
export function value_free(v: usize): void {
  if (v == 0 || v < heap_base_get()) return;
  const t = load<u8>(v);
  if (t == TYPE_ARRAY || t == TYPE_SET || t == TYPE_OBJECT) {
    const len = coll_len(v);
    const buf = coll_buf(v);
    const n = t == TYPE_OBJECT ? len << 1 : len;
    for (let i = 0; i < n; i++) value_free(<usize>load<u32>(buf + (<usize>i << 2)));
    free(buf);
  }
  free(v);
}

// The engine's contract lists the abort helper with the value API.
export { opa_abort_msg } from "./env";
