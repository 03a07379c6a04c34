// The production root module: the generic OPA ABI from the runtime plus blastguard's decision
// program interpreter. Top-level code below runs in the Wasm start function, so the module is
// ready as soon as a host instantiates it (OPA hosts never call an init export).
export * from "./abi";
import { alloc_init } from "./root";
import { program_init, program_heap_start } from "./decision";

program_init();
alloc_init(program_heap_start());

export {
  eval, opa_eval, entrypoints, blastguard_output_id, blastguard_input_end, blastguard_eval, blastguard_eval_output,
} from "./decision";
