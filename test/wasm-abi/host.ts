// A minimal OPA Wasm host for the conformance suites: instantiates a module with exactly the
// imports OPA hosts provide and exposes typed access to the ABI exports.
import { Wasm } from './wasm-api.js';
import type { WasmGlobal, WasmMemory, WasmModule } from './wasm-api.js';

export class OpaAbort extends Error {
  override readonly name = 'OpaAbort';
}

export interface AbiExports {
  readonly memory: WasmMemory;
  readonly opa_wasm_abi_version: WasmGlobal;
  readonly opa_wasm_abi_minor_version: WasmGlobal;
  eval(ctx: number): number;
  builtins(): number;
  entrypoints(): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, value: number): void;
  opa_eval_ctx_set_data(ctx: number, value: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, entrypoint: number): void;
  opa_eval_ctx_get_result(ctx: number): number;
  opa_malloc(size: number): number;
  opa_free(addr: number): void;
  opa_json_parse(addr: number, len: number): number;
  opa_value_parse(addr: number, len: number): number;
  opa_json_dump(value: number): number;
  opa_value_dump(value: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(addr: number): void;
  opa_value_add_path(base: number, path: number, value: number): number;
  opa_value_remove_path(base: number, path: number): number;
  opa_value_free(value: number): void;
  opa_heap_blocks_stash(): void;
  opa_heap_blocks_restore(): void;
  opa_heap_stash_clear(): void;
  opa_eval(reserved: number, entrypoint: number, data: number, inputAddr: number, inputLen: number, heapPtr: number, format: number): number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class TestHost {
  readonly memory: WasmMemory;
  readonly exports: AbiExports;
  readonly printed: string[] = [];

  constructor(module: WasmModule, initialPages = 5) {
    this.memory = new Wasm.Memory({ initial: initialPages });
    const builtin = (): number => {
      throw new Error('no host built-ins are expected');
    };
    const instance = new Wasm.Instance(module, {
      env: {
        memory: this.memory,
        opa_abort: (addr: number): never => {
          throw new OpaAbort(this.readCString(addr));
        },
        opa_println: (addr: number): void => {
          this.printed.push(this.readCString(addr));
        },
        opa_builtin0: builtin,
        opa_builtin1: builtin,
        opa_builtin2: builtin,
        opa_builtin3: builtin,
        opa_builtin4: builtin,
      },
    });
    this.exports = instance.exports as unknown as AbiExports;
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  readCString(addr: number): string {
    const mem = this.bytes();
    let end = addr;
    while (mem[end] !== 0) end++;
    return decoder.decode(mem.subarray(addr, end));
  }

  /** Copies bytes into fresh heap memory (opa_malloc) and returns [addr, len]. */
  writeHeap(data: Uint8Array | string): [number, number] {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const addr = this.exports.opa_malloc(bytes.length);
    this.bytes().set(bytes, addr);
    return [addr, bytes.length];
  }

  /** Writes bytes at an address chosen by the host, growing memory like the SDKs do. */
  writeAt(addr: number, bytes: Uint8Array): void {
    const delta = addr + bytes.length - this.memory.buffer.byteLength;
    if (delta > 0) this.memory.grow(Math.ceil(delta / 65536));
    this.bytes().set(bytes, addr);
  }

  jsonParse(text: string | Uint8Array): number {
    const [addr, len] = this.writeHeap(text);
    return this.exports.opa_json_parse(addr, len);
  }

  valueParse(text: string | Uint8Array): number {
    const [addr, len] = this.writeHeap(text);
    return this.exports.opa_value_parse(addr, len);
  }

  jsonDump(value: number): string {
    const addr = this.exports.opa_json_dump(value);
    const text = this.readCString(addr);
    this.exports.opa_free(addr);
    return text;
  }

  valueDump(value: number): string {
    const addr = this.exports.opa_value_dump(value);
    const text = this.readCString(addr);
    this.exports.opa_free(addr);
    return text;
  }
}

export function compile(bytes: Uint8Array): WasmModule {
  return new Wasm.Module(bytes);
}
