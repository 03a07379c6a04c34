// Every entrypoint-independent export of the OPA Wasm ABI 1.3. A root module re-exports this file
// (`export * from "./abi"`), so everything exported here becomes a module export: only ABI names.
// The helpers a root uses for the entrypoint-dependent exports (`eval`, `opa_eval`,
// `entrypoints`) are in root.ts.

import {
  alloc, alloc_zeroed, free, heap_blocks_restore, heap_blocks_stash, heap_ptr_get, heap_ptr_set,
  heap_stash_clear,
} from "./alloc";
import { memory_changed } from "./epoch";
import { json_dump, json_parse, value_dump, value_parse } from "./json";
import {
  TYPE_ARRAY, TYPE_OBJECT, TYPE_STRING, array_get, array_len, make_object, object_get_value,
  object_insert_value, object_remove_value, value_copy, value_free, value_type,
} from "./value";

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 3;

// opa_errc (OPA_ERR_INTERNAL = 1 is never produced here).
const OPA_ERR_OK: i32 = 0;
const OPA_ERR_INVALID_TYPE: i32 = 2;
const OPA_ERR_INVALID_PATH: i32 = 3;

// Deepest path accepted by add_path: each segment nests one object, and dumps/frees recurse.
const MAX_PATH: i32 = 1024;

export function opa_malloc(size: usize): usize {
  return alloc(size);
}

export function opa_free(ptr: usize): void {
  memory_changed();
  free(ptr);
}

export function opa_heap_ptr_get(): usize {
  return heap_ptr_get();
}

export function opa_heap_ptr_set(ptr: usize): void {
  memory_changed();
  heap_ptr_set(ptr);
}

export function opa_heap_blocks_stash(): void {
  memory_changed();
  heap_blocks_stash();
}

export function opa_heap_blocks_restore(): void {
  memory_changed();
  heap_blocks_restore();
}

export function opa_heap_stash_clear(): void {
  memory_changed();
  heap_stash_clear();
}

export function opa_json_parse(ptr: usize, len: i32): usize {
  memory_changed();
  return json_parse(ptr, len);
}

export function opa_value_parse(ptr: usize, len: i32): usize {
  memory_changed();
  return value_parse(ptr, len);
}

export function opa_json_dump(v: usize): usize {
  return json_dump(v);
}

export function opa_value_dump(v: usize): usize {
  return value_dump(v);
}

export function opa_value_free(v: usize): void {
  memory_changed();
  value_free(v);
}

// OPA's path check: an array of length >= 1 whose segments, except possibly the last, are strings.
function path_length(path: usize): i32 {
  if (path == 0 || value_type(path) != TYPE_ARRAY) return -1;
  const n = array_len(path);
  if (n == 0 || n > MAX_PATH) return -1;
  for (let i = 0; i < n - 1; i++) {
    if (value_type(array_get(path, i)) != TYPE_STRING) return -1;
  }
  return n;
}

export function opa_value_add_path(base: usize, path: usize, v: usize): i32 {
  memory_changed();
  const n = path_length(path);
  if (n < 1) return OPA_ERR_INVALID_PATH;
  if (base == 0) return OPA_ERR_INVALID_TYPE;
  let curr = base;
  for (let i = 0; i < n - 1; i++) {
    const k = array_get(path, i);
    let next = object_get_value(curr, k);
    if (next == 0) {
      if (value_type(curr) != TYPE_OBJECT) return OPA_ERR_INVALID_TYPE;
      next = make_object(0);
      // The host frees `path` right after this call, so the object keeps its own copy of keys.
      object_insert_value(curr, value_copy(k), next);
    }
    curr = next;
  }
  if (value_type(curr) != TYPE_OBJECT) return OPA_ERR_INVALID_TYPE;
  const k = array_get(path, n - 1);
  const key = value_copy(k);
  const old = object_insert_value(curr, key, v);
  if (old != 0) {
    value_free(key);
    if (old != v) value_free(old);
  }
  return OPA_ERR_OK;
}

export function opa_value_remove_path(base: usize, path: usize): i32 {
  memory_changed();
  const n = path_length(path);
  if (n < 1) return OPA_ERR_INVALID_PATH;
  if (base == 0) return OPA_ERR_OK;
  let curr = base;
  for (let i = 0; i < n - 1; i++) {
    const next = object_get_value(curr, array_get(path, i));
    // An unreachable target counts as removed, as in OPA.
    if (next == 0) return OPA_ERR_OK;
    curr = next;
  }
  if (value_type(curr) != TYPE_OBJECT) return OPA_ERR_INVALID_TYPE;
  object_remove_value(curr, array_get(path, n - 1));
  return OPA_ERR_OK;
}

// Eval context: [input u32 @0][data u32 @4][result u32 @8][entrypoint i32 @12], OPA's layout.

export function opa_eval_ctx_new(): usize {
  return alloc_zeroed(16);
}

export function opa_eval_ctx_set_input(ctx: usize, v: usize): void {
  store<u32>(ctx, <u32>v, 0);
}

export function opa_eval_ctx_set_data(ctx: usize, v: usize): void {
  store<u32>(ctx, <u32>v, 4);
}

export function opa_eval_ctx_set_entrypoint(ctx: usize, entrypoint: i32): void {
  store<i32>(ctx, entrypoint, 12);
}

export function opa_eval_ctx_get_result(ctx: usize): usize {
  return <usize>load<u32>(ctx, 8);
}

/** No host built-ins are required: everything the decision programs need runs inside the module. */
export function builtins(): usize {
  return make_object(0);
}
