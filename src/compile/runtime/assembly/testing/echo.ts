// Test root of the generic runtime: entrypoint 0 `echo/input` returns the input, 1 `echo/data`
// returns the data, so host suites can check every ABI round-trip without a decision engine.
// It also exports the internal value API as `test_*` functions (see internals.ts).
export * from "../abi";
export * from "./internals";
import {
  alloc_init, check_entrypoint, ctx_data, ctx_entrypoint, ctx_input, ctx_set_result,
  entrypoints_object, opa_eval_begin, opa_eval_end, result_set,
} from "../root";

alloc_init(__heap_base);

const NAMES: usize = memory.data<u8>([
  0x65, 0x63, 0x68, 0x6f, 0x2f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0, // echo/input
  0x65, 0x63, 0x68, 0x6f, 0x2f, 0x64, 0x61, 0x74, 0x61, 0, // echo/data
]);

function echo(entrypoint: i32, input: usize, data: usize): usize {
  check_entrypoint(entrypoint, 2);
  return entrypoint == 0 ? input : data;
}

function evalImpl(ctx: usize): i32 {
  ctx_set_result(ctx, result_set(echo(ctx_entrypoint(ctx), ctx_input(ctx), ctx_data(ctx))));
  return 0;
}
export { evalImpl as eval };

export function opa_eval(
  reserved: i32, entrypoint: i32, data: usize, input_addr: usize, input_len: i32, heap_ptr: usize, format: i32,
): usize {
  const input = opa_eval_begin(reserved, heap_ptr, input_addr, input_len);
  return opa_eval_end(result_set(echo(entrypoint, input, data)), format);
}

export function entrypoints(): usize {
  return entrypoints_object(NAMES, 2);
}
