/**
 * IR → OPA Wasm policy. The module holds the decision logic (APIs, catalogs, rules); tokens and
 * the panic flag go to data.json, so a token-only change leaves `policy.wasm` byte-identical and
 * OPA operators can patch data without recompiling.
 */
import { bundleDataFromIr } from '../ir/data.js';
import type { BundleData, Ir } from '../ir/types.js';
import { linkProgram, readRuntime } from './link.js';
import { encodeProgram } from './program.js';
import { ENTRYPOINTS } from './strings.js';

export interface CompiledPolicy {
  wasm: Uint8Array;
  data: BundleData;
  entrypoints: readonly string[];
}

export { ENTRYPOINTS };

/** Compiles the IR; synchronous and deterministic (same IR → byte-identical module). */
export function compileIr(ir: Ir): CompiledPolicy {
  const program = encodeProgram(ir);
  const { wasm } = linkProgram(readRuntime(), program);
  return { wasm, data: bundleDataFromIr(ir), entrypoints: ENTRYPOINTS };
}
