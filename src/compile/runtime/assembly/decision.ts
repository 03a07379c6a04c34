// Entrypoint glue between the OPA ABI (./abi) and the decision engine (./engine).
import {
  ctx_entrypoint, ctx_input, ctx_data, ctx_set_result, result_set,
  opa_eval_begin, opa_eval_start, opa_eval_end,
} from "./root";
import {
  run_entrypoint, make_entrypoints, decide_text, decide_only, decide_write, decision_key, decision_key_len,
  illegal_entrypoint, data_stable, data_unstable, lookup_memory, LOOKUP_BYTES,
} from "./engine/engine";
import { has_program } from "./engine/program";
import { program_load, program_end } from "./engine/program";
import { scan_input, scan_end, scan_init, slots_from_value } from "./engine/input";
import { parse_end } from "./json";
import { note_output, output_id, last_output, hash_bytes, table_get, table_put } from "./engine/outputs";

export function program_init(): void {
  program_load();
  if (has_program()) scan_init();
}

/** Where the heap may start: past the embedded program (or the static data without one). */
export function program_heap_start(): usize {
  return (program_end() + 15) & ~(<usize>15);
}

export function eval(ctx: usize): i32 {
  data_unstable();
  ctx_set_result(ctx, result_set(run_entrypoint(ctx_entrypoint(ctx), ctx_data(ctx), ctx_input(ctx))));
  return 0;
}

export function opa_eval(reserved: i32, entrypoint: i32, data: usize, input_addr: usize, input_len: i32, heap_ptr: usize, format: i32): usize {
  note_output(0, 0);
  if (!has_program()) {
    opa_eval_begin(reserved, heap_ptr, input_addr, input_len);
    return opa_eval_end(result_set(0), format);
  }
  read_input(reserved, entrypoint, input_addr, input_len, heap_ptr);
  data_unstable();
  // The fast path writes the result text directly; the context path (eval) builds values.
  return decide_text(entrypoint, data, format);
}

// opa_eval's first half with a program: the heap reset and the input into the slots.
function read_input(reserved: i32, entrypoint: i32, input_addr: usize, input_len: i32, heap_ptr: usize): void {
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
}

/**
 * Not an OPA ABI export: `opa_eval(0, entrypoint, data, input_addr, input_len, heap_ptr, 0)`
 * that answers with its output's number in the host's output table (`outputs`, as for
 * blastguard_output_id) instead of the output's address: n > 0 a number given before, -n a
 * number given now, 0 none (a table is full). For -n and 0 the output text is at
 * blastguard_eval_output(); for n > 0 it may not have been written at all (0 there).
 *
 * A second host region (`keys`, zeroed) holds slots for remembered lookups in the program and
 * the data (engine.ts lookup_memory, when it has room for them twice over), then a table of the
 * outputs' layout that maps each decision's key (engine.ts decision_key) to its number, so a
 * repeated decision is neither written nor numbered by its text. The key takes strings below min(input_addr, heap_ptr) by address, and lookups in
 * `data` are remembered from call to call: the host must not change that memory (the bundle
 * data) while it keeps the tables, other than through ABI calls (which make the module forget).
 */
export function blastguard_eval(entrypoint: i32, data: usize, input_addr: usize, input_len: i32, heap_ptr: usize, outputs: usize, outputs_size: u32, keys: usize, keys_size: u32): i32 {
  note_output(0, 0);
  if (!has_program()) {
    const out = opa_eval(0, entrypoint, data, input_addr, input_len, heap_ptr, 0);
    let n: usize = 0;
    while (load<u8>(out + n) != 0) n++;
    note_output(out, n);
    return output_id(outputs, outputs_size, out);
  }
  read_input(0, entrypoint, input_addr, input_len, heap_ptr);
  // The key region starts with the remembered lookups' slots when it is large enough.
  let table = keys;
  let table_size = keys_size;
  if (<usize>keys_size >= LOOKUP_BYTES * 2) {
    lookup_memory(keys);
    table += LOOKUP_BYTES;
    table_size -= <u32>LOOKUP_BYTES;
  } else lookup_memory(0);
  data_stable(data);
  decide_only(data);
  const key = decision_key(entrypoint, input_addr < heap_ptr ? input_addr : heap_ptr);
  const len = <u32>decision_key_len();
  const h = hash_bytes(key, len);
  const known = table_get(table, table_size, key, len, h);
  if (known != 0) return <i32>known;
  const id = output_id(outputs, outputs_size, decide_write(entrypoint, 0));
  if (id != 0) table_put(table, table_size, key, len, h, <u32>(id < 0 ? -id : id));
  return id;
}

/** Not an OPA ABI export: the output text of the last blastguard_eval (0 when it wrote none). */
export function blastguard_eval_output(): usize {
  return last_output();
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
