import { describe, expect, it } from 'vitest';
import { buildRuntime } from '../../src/compile/runtime/build.js';
import { runtimeWasm } from './fixtures.js';
import { Wasm } from './wasm-api.js';
import {
  exportEntries, functionTypeIndices, globals, imports, nonMvpOpcodes, types,
} from './wasm-binary.js';

const I32 = 0x7f;

// Exact Wasm-level signatures of OPA Wasm ABI 1.3 (opa-compat.md §1.3, §1.4).
const IMPORT_SIGNATURES: Record<string, [number, number]> = {
  opa_abort: [1, 0],
  opa_println: [1, 0],
  opa_builtin0: [2, 1],
  opa_builtin1: [3, 1],
  opa_builtin2: [4, 1],
  opa_builtin3: [5, 1],
  opa_builtin4: [6, 1],
};

const EXPORT_SIGNATURES: Record<string, [number, number]> = {
  eval: [1, 1],
  builtins: [0, 1],
  entrypoints: [0, 1],
  opa_eval_ctx_new: [0, 1],
  opa_eval_ctx_set_input: [2, 0],
  opa_eval_ctx_set_data: [2, 0],
  opa_eval_ctx_set_entrypoint: [2, 0],
  opa_eval_ctx_get_result: [1, 1],
  opa_malloc: [1, 1],
  opa_free: [1, 0],
  opa_json_parse: [2, 1],
  opa_value_parse: [2, 1],
  opa_json_dump: [1, 1],
  opa_value_dump: [1, 1],
  opa_heap_ptr_get: [0, 1],
  opa_heap_ptr_set: [1, 0],
  opa_value_add_path: [3, 1],
  opa_value_remove_path: [2, 1],
  opa_value_free: [1, 0],
  opa_heap_blocks_stash: [0, 0],
  opa_heap_blocks_restore: [0, 0],
  opa_heap_stash_clear: [0, 0],
  opa_eval: [7, 1],
};

function checkModule(bytes: Uint8Array): void {
  const module = new Wasm.Module(bytes);
  const sigs = types(bytes);
  const imported = imports(bytes);

  // Imports: env.memory (no maximum, small minimum) and only the ABI's functions, exactly typed.
  expect(Wasm.Module.imports(module).every((i) => i.module === 'env')).toBe(true);
  const memory = imported.filter((i) => i.kind === 2);
  expect(memory).toHaveLength(1);
  expect(memory[0]?.name).toBe('memory');
  expect(memory[0]?.limits?.max).toBeUndefined();
  expect(memory[0]?.limits?.flags).toBe(0); // not shared, no maximum
  expect(memory[0]?.limits?.min).toBeLessThanOrEqual(2);
  const funcImports = imported.filter((i) => i.kind === 0);
  expect(funcImports.map((i) => i.name)).toContain('opa_abort');
  for (const imp of funcImports) {
    const expected = IMPORT_SIGNATURES[imp.name];
    expect(expected, `unexpected import env.${imp.name}`).toBeDefined();
    const sig = sigs[imp.typeIndex ?? -1];
    expect(sig?.params).toEqual(Array(expected?.[0]).fill(I32));
    expect(sig?.results).toEqual(Array(expected?.[1]).fill(I32));
  }
  expect(imported.filter((i) => i.kind !== 0 && i.kind !== 2)).toEqual([]);

  // Exports: every ABI function with its exact signature, `memory`, the two immutable globals.
  const reflected = new Map(Wasm.Module.exports(module).map((e) => [e.name, e.kind]));
  for (const name of Object.keys(EXPORT_SIGNATURES)) expect(reflected.get(name), name).toBe('function');
  expect(reflected.get('memory')).toBe('memory');
  expect(reflected.get('opa_wasm_abi_version')).toBe('global');
  expect(reflected.get('opa_wasm_abi_minor_version')).toBe('global');
  const exported = exportEntries(bytes);
  const funcTypes = [...funcImports.map((i) => i.typeIndex ?? -1), ...functionTypeIndices(bytes)];
  for (const [name, [params, results]] of Object.entries(EXPORT_SIGNATURES)) {
    const e = exported.find((x) => x.name === name);
    expect(e?.kind, `export ${name}`).toBe(0);
    const sig = sigs[funcTypes[e?.index ?? -1] ?? -1];
    expect(sig?.params, name).toEqual(Array(params).fill(I32));
    expect(sig?.results, name).toEqual(Array(results).fill(I32));
  }
  expect(exported.find((e) => e.name === 'memory')?.kind).toBe(2);
  const globalList = globals(bytes);
  for (const [name, value] of [['opa_wasm_abi_version', 1], ['opa_wasm_abi_minor_version', 3]] as const) {
    const e = exported.find((x) => x.name === name);
    expect(e?.kind, name).toBe(3);
    const g = globalList[e?.index ?? -1];
    expect(g?.valType).toBe(I32);
    expect(g?.mutable).toBe(false);
    expect(g?.i32).toBe(value);
  }
  // No mutable global is exported (MVP has no mutable-globals export).
  for (const e of exported.filter((x) => x.kind === 3)) expect(globalList[e.index]?.mutable).toBe(false);

  // MVP only: no multi-value function types, no 0xFC (bulk memory / saturating truncation),
  // no sign-extension or reference/SIMD opcodes.
  for (const t of sigs) expect(t.results.length).toBeLessThanOrEqual(1);
  expect(nonMvpOpcodes(bytes)).toEqual([]);
  // No start-time surprises: a data-count section (id 12) only exists with bulk memory.
  expect(Wasm.Module.customSections(module, 'name')).toHaveLength(0);
}

describe('runtime binary shape', () => {
  it('echo module: imports, exports, signatures, ABI globals, MVP features', () => {
    checkModule(runtimeWasm('echo'));
  });

  it('production root module has the same ABI shape', () => {
    checkModule(runtimeWasm('policy-runtime'));
  });

  it('builds deterministically and without any AssemblyScript runtime allocation', async () => {
    const again = await buildRuntime({ entry: 'testing/echo.ts', text: true });
    expect(Buffer.from(again.wasm).equals(Buffer.from(runtimeWasm('echo')))).toBe(true);
    // The heap is the runtime's own: no managed allocator, GC or string/array runtime is linked.
    expect(again.wat).toBeDefined();
    expect(again.wat).not.toMatch(/~lib\/rt\/|__new|__alloc|~lib\/string|~lib\/array|~lib\/map/);
  });

  it('the opcode scanner does flag non-MVP code', () => {
    // (func) with body: i32.const 0, i32.extend8_s (0xC0), drop, end
    const body = [0x00, 0x41, 0x00, 0xc0, 0x1a, 0x0b];
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
      0x03, 0x02, 0x01, 0x00,
      0x0a, body.length + 2, 0x01, body.length, ...body,
    ]);
    expect(nonMvpOpcodes(bytes)).toEqual(['0xc0']);
  });
});
