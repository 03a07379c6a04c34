// Test-only exports of the internal AssemblyScript API the decision engine codes against, so the
// host suites can check it directly (prefixed `test_`; only the echo test root re-exports them).
import { alloc } from "../alloc";
import {
  array_get, array_len, array_push, make_array, make_number_f64, make_number_i32, make_object,
  make_set, make_string, number_plain_int, number_to_f64, object_get, object_insert, object_len,
  set_add, set_contains, string_equals, value_compare,
} from "../value";

export function test_alloc(size: usize): usize { return alloc(size); }
export function test_number_i32(n: i32): usize { return make_number_i32(n); }
export function test_number_f64(x: f64): usize { return make_number_f64(x); }
export function test_number_to_f64(v: usize): f64 { return number_to_f64(v); }
export function test_number_plain_int(v: usize): i64 { return number_plain_int(v); }
export function test_make_string(ptr: usize, len: i32): usize { return make_string(ptr, len); }
export function test_string_equals(v: usize, ptr: usize, len: i32): bool { return string_equals(v, ptr, len); }
export function test_make_array(capacity: i32): usize { return make_array(capacity); }
export function test_array_push(a: usize, v: usize): void { array_push(a, v); }
export function test_array_len(a: usize): i32 { return array_len(a); }
export function test_array_get(a: usize, i: i32): usize { return array_get(a, i); }
export function test_make_object(capacity: i32): usize { return make_object(capacity); }
export function test_object_insert(o: usize, keyPtr: usize, keyLen: i32, v: usize): void { object_insert(o, keyPtr, keyLen, v); }
export function test_object_get(o: usize, keyPtr: usize, keyLen: i32): usize { return object_get(o, keyPtr, keyLen); }
export function test_object_len(o: usize): i32 { return object_len(o); }
export function test_make_set(capacity: i32): usize { return make_set(capacity); }
export function test_set_add(s: usize, v: usize): void { set_add(s, v); }
export function test_set_contains(s: usize, v: usize): bool { return set_contains(s, v); }
export function test_value_compare(a: usize, b: usize): i32 { return value_compare(a, b); }
