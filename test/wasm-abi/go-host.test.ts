// Drives the echo module exactly the way OPA's Go host does (opa-compat.md §1.9, §1.10): ABI
// globals required, opa_malloc(0) at init, data via opa_value_parse + opa_free(raw), format 1
// (Rego value text) parsed with a Rego term parser, the 1.3 stash protocol for data patches.
import { beforeEach, describe, expect, it } from 'vitest';
import { runtimeWasm } from './fixtures.js';
import { OpaAbort, TestHost, compile } from './host.js';
import type { AbiExports } from './host.js';
import { parseRegoTerm, termToJs } from './rego-term.js';
import type { Term } from './rego-term.js';

const encoder = new TextEncoder();

class GoLikeHost {
  readonly host: TestHost;
  readonly x: AbiExports;
  readonly baseHeapPtr: number;
  dataAddr = 0;
  dataHeapPtr: number;
  entrypoints: Record<string, number>;
  builtins: Record<string, number>;

  constructor(dataText: string | undefined) {
    this.host = new TestHost(compile(runtimeWasm('echo')), 16);
    this.x = this.host.exports;
    if (this.x.opa_wasm_abi_version.value !== 1 || this.x.opa_wasm_abi_minor_version.value < 1) {
      throw new Error('unsupported ABI');
    }
    this.x.opa_malloc(0);
    this.baseHeapPtr = this.x.opa_heap_ptr_get();
    this.dataHeapPtr = this.baseHeapPtr;
    if (dataText !== undefined) this.setPolicyData(dataText);
    this.builtins = this.dumpJsonAndFree(this.x.builtins()) as Record<string, number>;
    this.entrypoints = this.dumpJsonAndFree(this.x.entrypoints()) as Record<string, number>;
  }

  private dumpJsonAndFree(value: number): unknown {
    const str = this.x.opa_json_dump(value);
    const text = this.host.readCString(str);
    this.x.opa_free(str);
    return JSON.parse(text);
  }

  private parseValue(text: string): number {
    const [raw, len] = this.host.writeHeap(text);
    const addr = this.x.opa_value_parse(raw, len);
    this.x.opa_free(raw);
    if (addr === 0) throw new Error(`cannot parse ${text}`);
    return addr;
  }

  setPolicyData(text: string): void {
    this.x.opa_heap_stash_clear();
    this.x.opa_heap_ptr_set(this.baseHeapPtr);
    this.dataAddr = this.parseValue(text);
    this.x.opa_heap_blocks_stash();
    this.dataHeapPtr = this.x.opa_heap_ptr_get();
  }

  private patch(run: (path: number) => number): number {
    this.x.opa_heap_ptr_set(this.dataHeapPtr);
    this.x.opa_heap_blocks_restore();
    try {
      return run(0);
    } finally {
      this.x.opa_heap_blocks_stash();
      this.dataHeapPtr = this.x.opa_heap_ptr_get();
    }
  }

  setDataPath(pathText: string, valueText: string): number {
    return this.patch(() => {
      const path = this.parseValue(pathText);
      const value = this.parseValue(valueText);
      const errc = this.x.opa_value_add_path(this.dataAddr, path, value);
      this.x.opa_value_free(path);
      return errc;
    });
  }

  removeDataPath(pathText: string): number {
    return this.patch(() => {
      const path = this.parseValue(pathText);
      const errc = this.x.opa_value_remove_path(this.dataAddr, path);
      this.x.opa_value_free(path);
      return errc;
    });
  }

  /** Fast path (minor >= 2): input as Rego text at dataHeapPtr, format 1. */
  eval(entrypoint: number, inputText: string | undefined): Term {
    const input = inputText === undefined ? new Uint8Array() : encoder.encode(inputText);
    const inputAddr = this.dataHeapPtr;
    this.host.writeAt(inputAddr, input);
    const out = this.x.opa_eval(0, entrypoint, this.dataAddr, inputAddr, input.length, inputAddr + input.length, 1);
    return parseRegoTerm(this.host.readCString(out));
  }

  /** Compat path (minor < 2). */
  evalCompat(entrypoint: number, inputText: string | undefined): Term {
    this.x.opa_heap_ptr_set(this.dataHeapPtr);
    const ctx = this.x.opa_eval_ctx_new();
    if (inputText !== undefined) this.x.opa_eval_ctx_set_input(ctx, this.parseValue(inputText));
    if (this.dataAddr !== 0) this.x.opa_eval_ctx_set_data(ctx, this.dataAddr);
    this.x.opa_eval_ctx_set_entrypoint(ctx, entrypoint);
    expect(this.x.eval(ctx)).toBe(0);
    const result = this.x.opa_eval_ctx_get_result(ctx);
    return parseRegoTerm(this.host.readCString(this.x.opa_value_dump(result)));
  }
}

/** OPA's resolver: a set; empty → undefined; else exactly one `{"result": v}`. */
function resultOf(rs: Term): Term | undefined {
  if (rs.t !== 'set') throw new Error('result is not a set');
  if (rs.items.length === 0) return undefined;
  expect(rs.items).toHaveLength(1);
  const binding = rs.items[0];
  if (binding?.t !== 'obj' || binding.entries.length !== 1) throw new Error('illegal result type');
  const [k, v] = binding.entries[0] ?? [];
  expect(k).toEqual({ t: 'str', v: 'result' });
  return v;
}

const str = (v: string): Term => ({ t: 'str', v });
const num = (text: string): Term => ({ t: 'num', text });

describe('OPA Go host protocol against the echo module', () => {
  let go: GoLikeHost;
  beforeEach(() => {
    go = new GoLikeHost('{"tokens": {"sha256:aa": {"grants": ["read"]}}, "flags": {1, 2}}');
  });

  it('exposes the ABI globals, memory, builtins {} and slash-path entrypoints', () => {
    expect(go.x.opa_wasm_abi_version.value).toBe(1);
    expect(go.x.opa_wasm_abi_minor_version.value).toBe(3);
    expect(go.x.memory.buffer).toBe(go.host.memory.buffer);
    expect(go.builtins).toEqual({});
    expect(go.entrypoints).toEqual({ 'echo/input': 0, 'echo/data': 1 });
  });

  it('evaluates with value-syntax input and format 1, on both paths', () => {
    const input = '{"op": "volumeDelete", "set": {3, 1, 2}, "empty": set( ), {1}: [1.50, -0, 1E5]}';
    const expected: Term = {
      t: 'obj',
      entries: [
        [str('empty'), { t: 'set', items: [] }],
        [str('op'), str('volumeDelete')],
        [str('set'), { t: 'set', items: [num('1'), num('2'), num('3')] }],
        [{ t: 'set', items: [num('1')] }, { t: 'arr', items: [num('1.50'), num('-0'), num('1E5')] }],
      ],
    };
    expect(resultOf(go.eval(0, input))).toEqual(expected);
    expect(resultOf(go.evalCompat(0, input))).toEqual(expected);
    expect(resultOf(go.eval(0, undefined))).toBeUndefined();
    expect(resultOf(go.evalCompat(0, undefined))).toBeUndefined();
    expect(termToJs(resultOf(go.eval(1, '{}')) ?? { t: 'null' })).toEqual({
      flags: [1, 2],
      tokens: { 'sha256:aa': { grants: ['read'] } },
    });
  });

  it('reuses the heap: every evaluation restarts at the same heap pointer', () => {
    const input = JSON.stringify({ a: Array.from({ length: 50 }, (_, i) => `s${i}`) });
    go.eval(0, input);
    const after = go.x.opa_heap_ptr_get();
    for (let i = 0; i < 200; i++) go.eval(i % 2, input);
    go.eval(0, input);
    expect(go.x.opa_heap_ptr_get()).toBe(after);
  });

  it('patches data with the stash protocol (add_path / remove_path / value_free(path))', () => {
    expect(go.setDataPath('["tokens", "sha256:bb"]', '{"grants": ["write"]}')).toBe(0);
    expect(go.setDataPath('["new", "deep", "leaf"]', 'true')).toBe(0);
    expect(go.setDataPath('["tokens", "sha256:aa", "grants"]', '["admin"]')).toBe(0);
    expect(go.removeDataPath('["flags"]')).toBe(0);
    expect(go.removeDataPath('["missing", "x"]')).toBe(0);
    expect(termToJs(resultOf(go.eval(1, undefined)) ?? { t: 'null' })).toEqual({
      new: { deep: { leaf: true } },
      tokens: { 'sha256:aa': { grants: ['admin'] }, 'sha256:bb': { grants: ['write'] } },
    });
    // OPA's error codes: 3 for a bad path, 2 when an intermediate node is not an object.
    expect(go.setDataPath('[]', '1')).toBe(3);
    expect(go.setDataPath('"tokens"', '1')).toBe(3);
    expect(go.setDataPath('[1, "x"]', '1')).toBe(3);
    expect(go.setDataPath('["new", "deep", "leaf", "x"]', '1')).toBe(2);
    expect(go.removeDataPath('{}')).toBe(3);
    // A non-string last segment is allowed (keys may be any value).
    expect(go.setDataPath('["byNumber", 7]', '"seven"')).toBe(0);
    expect(resultOf(go.eval(1, undefined))).toMatchObject({ t: 'obj' });
    const data = resultOf(go.eval(1, undefined));
    const byNumber = data?.t === 'obj' ? data.entries.find(([k]) => k.t === 'str' && k.v === 'byNumber') : undefined;
    expect(byNumber?.[1]).toEqual({ t: 'obj', entries: [[num('7'), str('seven')]] });
  });

  it('keeps memory bounded over many patch cycles (freed blocks are reused)', () => {
    const big = JSON.stringify({ grants: Array.from({ length: 40 }, (_, i) => `operation-${i}`) });
    go.setDataPath('["tokens", "sha256:cc"]', big);
    const settled = go.dataHeapPtr;
    for (let i = 0; i < 2000; i++) {
      expect(go.setDataPath('["tokens", "sha256:cc"]', big)).toBe(0);
      go.eval(1, '{}');
    }
    expect(go.dataHeapPtr - settled).toBeLessThan(4096);
    for (let i = 0; i < 500; i++) {
      expect(go.setDataPath(`["tokens", "t${i}"]`, '{"grants": []}')).toBe(0);
      expect(go.removeDataPath(`["tokens", "t${i}"]`)).toBe(0);
    }
    expect(go.dataHeapPtr - settled).toBeLessThan(8192);
  });

  it('replaces data wholesale (stash_clear + heap_ptr_set(base)) without growing the heap', () => {
    const first = go.dataHeapPtr;
    for (let i = 0; i < 100; i++) go.setPolicyData('{"tokens": {"sha256:aa": {"grants": ["read"]}}, "flags": {1, 2}}');
    expect(go.dataHeapPtr).toBe(first);
  });
});

describe('allocator and stash exports', () => {
  let host: TestHost;
  let x: AbiExports;
  beforeEach(() => {
    host = new TestHost(compile(runtimeWasm('echo')), 2);
    x = host.exports;
  });

  it('opa_malloc: 0 is legal, results are 8-aligned and distinct, memory grows on demand', () => {
    const a = x.opa_malloc(0);
    const b = x.opa_malloc(0);
    expect(a).not.toBe(b);
    expect(a % 8).toBe(0);
    const before = host.memory.buffer.byteLength;
    const big = x.opa_malloc(3 * 65536);
    expect(big % 8).toBe(0);
    expect(host.memory.buffer.byteLength).toBeGreaterThan(before);
    host.bytes().fill(0xab, big, big + 3 * 65536);
  });

  it('opa_malloc aborts with "opa_malloc: failed" when memory cannot grow', () => {
    expect(() => x.opa_malloc(-16)).toThrow(new OpaAbort('opa_malloc: failed'));
  });

  it('opa_free makes blocks reusable; heap_ptr_set drops every free block', () => {
    const a = x.opa_malloc(24);
    x.opa_malloc(8);
    x.opa_free(a);
    expect(x.opa_malloc(24)).toBe(a);
    x.opa_free(a);
    const top = x.opa_heap_ptr_get();
    x.opa_heap_ptr_set(top);
    expect(x.opa_malloc(24)).not.toBe(a);
    // Freeing the topmost block gives it back to the bump pointer.
    const ptr = x.opa_heap_ptr_get();
    const c = x.opa_malloc(100);
    x.opa_free(c);
    expect(x.opa_heap_ptr_get()).toBe(ptr);
    // Bogus frees are ignored rather than corrupting the heap.
    x.opa_free(0);
    x.opa_free(3);
    x.opa_free(c);
    x.opa_free(a);
    x.opa_free(a);
  });

  it('tolerates memory grown by the host', () => {
    host.memory.grow(3);
    const p = x.opa_malloc(10 * 65536);
    host.bytes().fill(1, p, p + 10 * 65536);
    expect(x.opa_heap_ptr_get()).toBeLessThanOrEqual(host.memory.buffer.byteLength);
  });

  it('stash / restore / clear with OPA consistency checks', () => {
    const a = x.opa_malloc(16);
    x.opa_malloc(16);
    x.opa_free(a);
    x.opa_heap_blocks_stash();
    // The stashed block is not reused until restored.
    expect(x.opa_malloc(16)).not.toBe(a);
    const b = x.opa_malloc(16);
    x.opa_malloc(16);
    x.opa_free(b);
    expect(() => x.opa_heap_blocks_stash()).toThrow(new OpaAbort('opa_heap_blocks_stash() consistency check failed'));
    expect(() => x.opa_heap_blocks_restore()).toThrow(new OpaAbort('opa_heap_blocks_restore() consistency check failed'));
    x.opa_heap_ptr_set(x.opa_heap_ptr_get()); // drops b from the free lists
    x.opa_heap_blocks_restore();
    expect(x.opa_malloc(16)).toBe(a);
    // A stashed block above the heap pointer fails the restore check.
    const c = x.opa_malloc(16);
    x.opa_malloc(16);
    x.opa_free(c);
    x.opa_heap_blocks_stash();
    x.opa_heap_ptr_set(c - 64);
    expect(() => x.opa_heap_blocks_restore()).toThrow(new OpaAbort('opa_heap_blocks_restore() consistency check failed'));
    x.opa_heap_stash_clear();
    x.opa_heap_blocks_restore();
  });

  it('opa_eval: reserved must be 0, unknown entrypoints abort, input_len 0 is undefined', () => {
    const heap = x.opa_heap_ptr_get();
    expect(() => x.opa_eval(1, 0, 0, 0, 0, heap, 0)).toThrow(new OpaAbort('invalid reserved argument'));
    expect(() => x.opa_eval(0, 2, 0, 0, 0, heap, 0)).toThrow(new OpaAbort('internal: illegal entrypoint id'));
    expect(host.readCString(x.opa_eval(0, 0, 0, 0, 0, heap, 0))).toBe('[]');
    expect(host.readCString(x.opa_eval(0, 0, 0, 0, 0, heap, 1))).toBe('set()');
    const ctx = x.opa_eval_ctx_new();
    x.opa_eval_ctx_set_entrypoint(ctx, -1);
    expect(() => x.eval(ctx)).toThrow(new OpaAbort('internal: illegal entrypoint id'));
    // Malformed input is undefined input, not an error.
    const bad = encoder.encode('{"a": ');
    host.writeAt(heap, bad);
    expect(host.readCString(x.opa_eval(0, 0, 0, heap, bad.length, heap + bad.length, 0))).toBe('[]');
    // An unaligned heap pointer (input length is arbitrary) is fine.
    const odd = encoder.encode('"abc"');
    host.writeAt(heap, odd);
    expect(host.readCString(x.opa_eval(0, 0, 0, heap, odd.length, heap + odd.length, 0))).toBe('[{"result":"abc"}]');
  });
});
