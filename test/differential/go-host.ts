// An OPA Go-host-style harness: what OPA's wazero host does, step for step (opa-compat.md §1.10):
// its own memory, `opa_malloc(0)`, data through `opa_value_parse` + `opa_free`, then every
// evaluation writes the input at the eval heap pointer and calls `opa_eval` with format 1 (Rego
// value text), whose `{{"result": …}}` / `set()` output it parses.

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Fn = (...args: number[]) => number;

export class HostAbort extends Error {}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class GoStyleHost {
  readonly memory: WasmMemory;
  private readonly x: Record<string, Fn>;
  private readonly dataAddr: number;
  private readonly evalHeapPtr: number;

  constructor(wasm: Uint8Array, data: unknown, pages: number) {
    this.memory = new WA.Memory({ initial: Math.max(pages, 16) });
    const abort = (addr: number): never => {
      throw new HostAbort(this.cString(addr));
    };
    const noBuiltin = (): never => {
      throw new Error('no built-ins expected');
    };
    const instance = new WA.Instance(new WA.Module(wasm), {
      env: {
        memory: this.memory,
        opa_abort: abort,
        opa_println: () => undefined,
        opa_builtin0: noBuiltin,
        opa_builtin1: noBuiltin,
        opa_builtin2: noBuiltin,
        opa_builtin3: noBuiltin,
        opa_builtin4: noBuiltin,
      },
    });
    this.x = instance.exports as unknown as Record<string, Fn>;
    this.x['opa_malloc']!(0);
    const text = encoder.encode(JSON.stringify(data));
    const raw = this.x['opa_malloc']!(text.length);
    new Uint8Array(this.memory.buffer).set(text, raw);
    this.dataAddr = this.x['opa_value_parse']!(raw, text.length);
    this.x['opa_free']!(raw);
    this.evalHeapPtr = this.x['opa_heap_ptr_get']!();
  }

  private cString(addr: number): string {
    const mem = new Uint8Array(this.memory.buffer);
    let end = addr;
    while (mem[end] !== 0) end++;
    return decoder.decode(mem.subarray(addr, end));
  }

  /** Evaluates raw input text; returns the result value, or undefined for an empty result set. */
  evalText(input: Uint8Array, entrypoint: number): unknown {
    const delta = this.evalHeapPtr + input.length - this.memory.buffer.byteLength;
    if (delta > 0) this.memory.grow(Math.ceil(delta / 65536));
    new Uint8Array(this.memory.buffer).set(input, this.evalHeapPtr);
    const out = this.cString(this.x['opa_eval']!(0, entrypoint, this.dataAddr, this.evalHeapPtr, input.length, this.evalHeapPtr + input.length, 1));
    if (out === 'set()') return undefined;
    if (!out.startsWith('{{') || !out.endsWith('}}')) throw new Error(`not a one-element result set: ${out.slice(0, 200)}`);
    // The decision holds no sets, so the single element's Rego text is JSON.
    const binding = JSON.parse(out.slice(1, -1)) as { result: unknown };
    return binding.result;
  }

  /**
   * opa_eval on pre-encoded input bytes, locating (not decoding) the output: the module's own
   * cost without the host's JSON work. Returns the output length in bytes.
   */
  evalBytes(input: Uint8Array, entrypoint: number, format: number): number {
    new Uint8Array(this.memory.buffer, this.evalHeapPtr, input.length).set(input);
    const addr = this.x['opa_eval']!(0, entrypoint, this.dataAddr, this.evalHeapPtr, input.length, this.evalHeapPtr + input.length, format);
    return new Uint8Array(this.memory.buffer).indexOf(0, addr) - addr;
  }

  /** The raw NUL-terminated output of opa_eval for JSON input (format 0 = JSON, 1 = Rego value text). */
  evalRaw(input: unknown, entrypoint: number, format: number): string {
    const bytes = input === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(input));
    const delta = this.evalHeapPtr + bytes.length - this.memory.buffer.byteLength;
    if (delta > 0) this.memory.grow(Math.ceil(delta / 65536));
    new Uint8Array(this.memory.buffer).set(bytes, this.evalHeapPtr);
    return this.cString(this.x['opa_eval']!(0, entrypoint, this.dataAddr, this.evalHeapPtr, bytes.length, this.evalHeapPtr + bytes.length, format));
  }

  /** The pre-1.2 context path (what the npm SDK does for ABI minor < 2): values, eval, opa_json_dump. */
  evalContext(input: unknown, entrypoint: number): string {
    this.x['opa_heap_ptr_set']!(this.evalHeapPtr);
    let inputAddr = 0;
    if (input !== undefined) {
      const text = encoder.encode(JSON.stringify(input));
      const raw = this.x['opa_malloc']!(text.length);
      new Uint8Array(this.memory.buffer).set(text, raw);
      inputAddr = this.x['opa_json_parse']!(raw, text.length);
    }
    const ctx = this.x['opa_eval_ctx_new']!();
    this.x['opa_eval_ctx_set_input']!(ctx, inputAddr);
    this.x['opa_eval_ctx_set_data']!(ctx, this.dataAddr);
    this.x['opa_eval_ctx_set_entrypoint']!(ctx, entrypoint);
    this.x['eval']!(ctx);
    return this.cString(this.x['opa_json_dump']!(this.x['opa_eval_ctx_get_result']!(ctx)));
  }

  /**
   * Input TEXT through both of the module's readers: `opa_eval` (format 0) and the context path
   * with `opa_value_parse` (the parser alone: values, eval, opa_json_dump). Each is the output
   * text or `abort: message`.
   */
  evalTextBothWays(bytes: Uint8Array, entrypoint: number): { fast: string; context: string } {
    const attempt = (f: () => string): string => {
      try {
        return f();
      } catch (e) {
        if (e instanceof HostAbort) return `abort: ${e.message}`;
        throw e;
      }
    };
    const fast = attempt(() => {
      const delta = this.evalHeapPtr + bytes.length - this.memory.buffer.byteLength;
      if (delta > 0) this.memory.grow(Math.ceil(delta / 65536));
      new Uint8Array(this.memory.buffer).set(bytes, this.evalHeapPtr);
      return this.cString(this.x['opa_eval']!(0, entrypoint, this.dataAddr, this.evalHeapPtr, bytes.length, this.evalHeapPtr + bytes.length, 0));
    });
    const context = attempt(() => {
      this.x['opa_heap_ptr_set']!(this.evalHeapPtr);
      let inputAddr = 0;
      if (bytes.length > 0) {
        const raw = this.x['opa_malloc']!(bytes.length);
        new Uint8Array(this.memory.buffer).set(bytes, raw);
        inputAddr = this.x['opa_value_parse']!(raw, bytes.length);
      }
      const ctx = this.x['opa_eval_ctx_new']!();
      this.x['opa_eval_ctx_set_input']!(ctx, inputAddr);
      this.x['opa_eval_ctx_set_data']!(ctx, this.dataAddr);
      this.x['opa_eval_ctx_set_entrypoint']!(ctx, entrypoint);
      this.x['eval']!(ctx);
      return this.cString(this.x['opa_json_dump']!(this.x['opa_eval_ctx_get_result']!(ctx)));
    });
    return { fast, context };
  }

  eval(input: unknown, entrypoint: number): unknown {
    return this.evalText(input === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(input)), entrypoint);
  }

  /** What the module's own parser makes of `bytes` (opa_value_parse → opa_json_dump); undefined if it fails. */
  parsed(bytes: Uint8Array): unknown {
    const base = this.x['opa_heap_ptr_get']!();
    const addr = this.x['opa_malloc']!(bytes.length);
    new Uint8Array(this.memory.buffer).set(bytes, addr);
    const v = this.x['opa_value_parse']!(addr, bytes.length);
    const text = v === 0 ? undefined : this.cString(this.x['opa_json_dump']!(v));
    this.x['opa_heap_ptr_set']!(base);
    return text === undefined ? undefined : JSON.parse(text);
  }

  memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}
