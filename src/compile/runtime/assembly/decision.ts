// Entrypoint glue between the OPA ABI (./abi) and the decision engine (./engine).
import {
  ctx_entrypoint, ctx_input, ctx_data, ctx_set_result, result_set,
  opa_eval_begin, opa_eval_end,
} from "./root";
import { run_entrypoint, make_entrypoints, decide_text, illegal_entrypoint } from "./engine/engine";
import { has_program } from "./engine/program";
import { program_load, program_end } from "./engine/program";

export function program_init(): void {
  program_load();
}

/** Where the heap may start: past the embedded program (or the static data without one). */
export function program_heap_start(): usize {
  return (program_end() + 15) & ~(<usize>15);
}

export function eval(ctx: usize): i32 {
  ctx_set_result(ctx, result_set(run_entrypoint(ctx_entrypoint(ctx), ctx_data(ctx), ctx_input(ctx))));
  return 0;
}

export function opa_eval(reserved: i32, entrypoint: i32, data: usize, input_addr: usize, input_len: i32, heap_ptr: usize, format: i32): usize {
  const input = opa_eval_begin(reserved, heap_ptr, input_addr, input_len);
  if (!has_program()) return opa_eval_end(result_set(0), format);
  if (entrypoint != 0 && entrypoint != 1) illegal_entrypoint();
  // The fast path writes the result text directly; the context path (eval) builds values.
  return decide_text(entrypoint, input, data, format);
}

export function entrypoints(): usize {
  return make_entrypoints();
}
