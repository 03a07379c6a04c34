// Helpers for root modules: what `eval`, `opa_eval` and `entrypoints` need besides the decision
// itself, so each root stays a few lines (see testing/echo.ts).

import { alloc_init, heap_ptr_set } from "./alloc";
import { abort_ascii } from "./env";
import { json_dump, value_dump, value_parse } from "./json";
import { make_number_i32, make_object, make_set, object_insert, set_add } from "./value";

export { alloc_init };

/** Entrypoint id of an eval context. */
export function ctx_entrypoint(ctx: usize): i32 {
  return load<i32>(ctx, 12);
}

/** Input of an eval context (0 = undefined). */
export function ctx_input(ctx: usize): usize {
  return <usize>load<u32>(ctx, 0);
}

/** Base data of an eval context (0 = undefined). */
export function ctx_data(ctx: usize): usize {
  return <usize>load<u32>(ctx, 4);
}

export function ctx_set_result(ctx: usize, resultSet: usize): void {
  store<u32>(ctx, <u32>resultSet, 8);
}

const RESULT_KEY: usize = memory.data<u8>([0x72, 0x65, 0x73, 0x75, 0x6c, 0x74]); // "result"

/** OPA's result set: `{{"result": value}}`, or the empty set when `value` is 0 (undefined). */
export function result_set(value: usize): usize {
  const rs = make_set(1);
  if (value != 0) {
    const binding = make_object(1);
    object_insert(binding, RESULT_KEY, 6, value);
    set_add(rs, binding);
  }
  return rs;
}

/** Aborts like OPA's generated `eval` when `entrypoint` is not in [0, count). */
export function check_entrypoint(entrypoint: i32, count: i32): void {
  if (entrypoint < 0 || entrypoint >= count) abort_ascii("internal: illegal entrypoint id");
}

/**
 * First half of `opa_eval`: checks `reserved`, restarts the heap at `heap_ptr` (dropping free
 * lists) and parses the input with value syntax. Returns the input value; 0 (undefined input)
 * when `input_len` is 0 or the text does not parse.
 */
export function opa_eval_begin(reserved: i32, heap_ptr: usize, input_addr: usize, input_len: i32): usize {
  if (reserved != 0) abort_ascii("invalid reserved argument");
  heap_ptr_set(heap_ptr);
  return value_parse(input_addr, input_len);
}

/** `opa_eval_begin` without the parse: checks `reserved` and restarts the heap at `heap_ptr`. */
export function opa_eval_start(reserved: i32, heap_ptr: usize): void {
  if (reserved != 0) abort_ascii("invalid reserved argument");
  heap_ptr_set(heap_ptr);
}

/** Second half of `opa_eval`: format 0 → JSON, anything else → Rego value text (NUL-terminated). */
export function opa_eval_end(resultSet: usize, format: i32): usize {
  return format == 0 ? json_dump(resultSet) : value_dump(resultSet);
}

/**
 * The `entrypoints()` object `{name: id}` from `count` NUL-terminated UTF-8 names stored back to
 * back at `names` (ids are positions, 0-based). The names are referenced, not copied.
 */
export function entrypoints_object(names: usize, count: i32): usize {
  const obj = make_object(count);
  let p = names;
  for (let id = 0; id < count; id++) {
    let n: usize = 0;
    while (load<u8>(p + n) != 0) n++;
    object_insert(obj, p, <i32>n, make_number_i32(id));
    p += n + 1;
  }
  return obj;
}
