// Entrypoint glue between the OPA ABI (./abi) and the decision engine (./engine).
import {
  ctx_entrypoint, ctx_input, ctx_data, ctx_set_result, result_set,
  opa_eval_begin, opa_eval_start, opa_eval_end,
} from "./root";
import { run_entrypoint, make_entrypoints, decide_text, illegal_entrypoint } from "./engine/engine";
import { has_program } from "./engine/program";
import { program_load, program_end } from "./engine/program";
import { scan_input, scan_end, scan_init, slots_from_value } from "./engine/input";
import { parse_end } from "./json";
import { note_output, output_id } from "./engine/outputs";

export function program_init(): void {
  program_load();
  if (has_program()) scan_init();
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
  note_output(0, 0);
  if (!has_program()) {
    opa_eval_begin(reserved, heap_ptr, input_addr, input_len);
    return opa_eval_end(result_set(0), format);
  }
  opa_eval_start(reserved, heap_ptr);
  // The input's fields straight from its text; the whole-text parse only when the scanner
  // cannot vouch for the text (engine/input.ts), with the heap as the call began.
  if (scan_input(input_addr, input_len)) input_end = scan_end();
  else {
    const input = opa_eval_begin(reserved, heap_ptr, input_addr, input_len);
    // A text that does not parse is no input at all: nothing of it was read.
    input_end = input == 0 ? input_addr : parse_end();
    slots_from_value(input);
  }
  if (entrypoint != 0 && entrypoint != 1) illegal_entrypoint();
  // The fast path writes the result text directly; the context path (eval) builds values.
  return decide_text(entrypoint, data, format);
}

// Where the last opa_eval's input value ended (see blastguard_input_end).
let input_end: usize = 0;

/**
 * Not an OPA ABI export: the address just past the input value the last `opa_eval` read. OPA's
 * parser stops after the first complete value and ignores what follows (`{…} ;`, or a second
 * document); a host that promises its callers "exactly one JSON text" checks the rest itself.
 */
export function blastguard_input_end(): usize {
  return input_end;
}

export function entrypoints(): usize {
  return make_entrypoints();
}

/**
 * Not an OPA ABI export (OPA hosts never call it): the number of opa_eval's output `out` in an
 * output table of `size` bytes at `table` that the host allocated and zeroed (engine/outputs.ts),
 * so the host can keep each distinct decision decoded by number.
 */
export function blastguard_output_id(table: usize, size: u32, out: usize): i32 {
  return output_id(table, size, out);
}
