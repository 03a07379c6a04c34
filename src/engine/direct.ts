/**
 * The enforcer's decision path: the module's exports called directly (opa-compat.md §1.5, §1.9),
 * the way OPA's own Go host does it, without the npm SDK's per-call work.
 *
 * - An input value is written as its JSON text's UTF-8 straight into the module's memory at the
 *   eval heap pointer (json-writer.ts: the bytes of `JSON.stringify`, without the string); input
 *   text is encoded there once (`TextEncoder.encodeInto` on a cached view).
 * - `opa_eval(0, entrypoint, data, input, len, heap = input + len, 0)` resets the heap to `heap`
 *   itself (`opa_heap_ptr_set`, §1.5 step 2), so every call reuses the same memory and nothing a
 *   previous call allocated survives it.
 * - The `allow` entrypoint's output is compared as bytes (`[{"result":true}]`): no decoding.
 * - A decision's output is decoded once per distinct output text: the decoded decision is frozen
 *   and kept (a policy gives few distinct decisions). The module numbers distinct outputs itself
 *   over tables allocated below the eval heap: `blastguard_eval` (not an ABI export; `opa_eval`
 *   that answers with a number) finds a decision's number by its key — the findings that make
 *   the output, a fraction of its size — so a repeated decision is neither written as text nor
 *   decoded: one call and an array index. The same call remembers lookups the program and the
 *   data give (operations by name, token records by fingerprint) in a second table, which the
 *   host never changes, nor the data. Past the tables' capacity, a string lookup by the output's
 *   text instead of `JSON.parse`. Modules built before `blastguard_eval` are numbered by their
 *   output text (`blastguard_output_id`). Callers get the same frozen object each time.
 * - `decideText` / `decideBytes` take input a caller already has as JSON (a proxy that built it,
 *   a log replay): no `JSON.stringify` of a fresh object; bytes are copied into memory as they are.
 *
 * Memory is created here (no maximum, as the npm SDK does), and data is parsed once with
 * `opa_json_parse`; the heap above it is the only thing a decision touches.
 */
import { BlastguardError } from '../core/errors.js';
import type { Decision } from '../ir/types.js';
import { JsonWriter } from './json-writer.js';
import { memoryMinPages } from './memory.js';
import type { DecisionEngine } from './sdk.js';
import { ENGINE_CODES } from './codes.js';

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
// The project's tsconfig has no DOM lib; the global is there in every Node version we support.
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Export = (...args: number[]) => number;

const PAGE = 65536;
/** The npm SDK's default memory; a module that declares more gets what it declares. */
const DEFAULT_PAGES = 5;
/** `[{"result":true}]`: the allow entrypoint's output when it allows. */
const ALLOW_TRUE = new TextEncoder().encode('[{"result":true}]');
/** Prefix and suffix of a one-element JSON result set, stripped before JSON.parse of the value. */
const RESULT_PREFIX = '[{"result":';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes of the module's output table (numbers distinct outputs; see engine/outputs.ts in the runtime). */
const OUTPUT_TABLE_BYTES = 1536 * 1024;
/**
 * Bytes of the module's key region (`blastguard_eval`): remembered lookups of operations and
 * tokens (192 KiB), then the table of decision keys → output numbers.
 */
const KEY_TABLE_BYTES = 1024 * 1024;

/** Distinct decision outputs kept decoded; past this the cache starts over (a policy whose reasons echo its input). */
const DECISION_CACHE_SIZE = 4096;

/** A decision engine that also decides from JSON text a caller already holds. */
export interface DirectEngine extends DecisionEngine {
  /** `decide` for input given as its JSON text (written into memory as is; the module parses it). */
  decideText(input: string): Decision;
  /** `decide` for input given as UTF-8 JSON bytes (copied into memory as they are). */
  decideBytes(input: Uint8Array): Decision;
  allowText(input: string): boolean;
  /** Bytes of linear memory now (flat across decisions once warm). */
  memoryBytes(): number;
}

class ModuleAbort extends Error {}

/** Freezes a decoded JSON value all the way down: a cached decision is shared by every caller that gets it. */
function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Instantiates `wasm` with `data`; throws BG120 (as the SDK engine does) when it cannot.
 * `dataJson`, when given, is `data`'s JSON text as the bundle holds it (`Bundle.dataJson`): the
 * module parses those bytes, which spares re-serialising megabytes of data at activation.
 */
export function loadDirectEngine(wasm: Uint8Array, data: unknown, dataJson?: Uint8Array): DirectEngine {
  let memory: WasmMemory;
  let x: Record<string, Export>;
  let dataAddr: number;
  let heap: number;
  let view: Uint8Array;
  let table = 0;
  let keys = 0;
  try {
    memory = new WA.Memory({ initial: Math.max(DEFAULT_PAGES, memoryMinPages(wasm)) });
    const abort = (addr: number): never => {
      throw new ModuleAbort(cString(addr));
    };
    const noBuiltin = (): never => {
      throw new ModuleAbort('the module called a host built-in; blastguard modules need none');
    };
    const instance = new WA.Instance(new WA.Module(wasm), {
      env: { memory, opa_abort: abort, opa_println: () => undefined, opa_builtin0: noBuiltin, opa_builtin1: noBuiltin, opa_builtin2: noBuiltin, opa_builtin3: noBuiltin, opa_builtin4: noBuiltin },
    });
    x = instance.exports as unknown as Record<string, Export>;
    for (const name of ['opa_malloc', 'opa_json_parse', 'opa_heap_ptr_get', 'opa_eval']) {
      if (typeof x[name] !== 'function') throw new Error(`the module does not export \`${name}\` (opa wasm abi 1.2 or later)`);
    }
    x['opa_malloc']!(0);
    const text = dataJson ?? encoder.encode(JSON.stringify(data ?? {}));
    const raw = x['opa_malloc']!(text.length);
    new Uint8Array(memory.buffer).set(text, raw);
    dataAddr = x['opa_json_parse']!(raw, text.length);
    if (dataAddr === 0) throw new Error('the module could not parse the bundle data');
    // The output table (blastguard modules only), below the eval heap so resets never touch it.
    if (typeof x['blastguard_output_id'] === 'function') {
      table = x['opa_malloc']!(OUTPUT_TABLE_BYTES);
      new Uint8Array(memory.buffer).fill(0, table, table + OUTPUT_TABLE_BYTES);
    }
    if (table !== 0 && typeof x['blastguard_eval'] === 'function' && typeof x['blastguard_eval_output'] === 'function') {
      keys = x['opa_malloc']!(KEY_TABLE_BYTES);
      new Uint8Array(memory.buffer).fill(0, keys, keys + KEY_TABLE_BYTES);
    }
    heap = x['opa_heap_ptr_get']!();
    view = new Uint8Array(memory.buffer);
  } catch (e) {
    throw new BlastguardError(ENGINE_CODES.policyUnloadable, `cannot load the policy module: ${message(e)}`, {
      help: 'rebuild the bundle with `blastguard build`; the module or its data may be corrupt',
      cause: e,
    });
  }

  function cString(addr: number): string {
    const mem = new Uint8Array(memory.buffer);
    const end = mem.indexOf(0, addr);
    return decoder.decode(mem.subarray(addr, end < 0 ? mem.length : end));
  }

  const opaEval = x['opa_eval']!;
  /** Where the input value the last opa_eval read ended (blastguard modules since this export). */
  const inputEnd = typeof x['blastguard_input_end'] === 'function' ? x['blastguard_input_end'] : undefined;

  // Inputs given as values are written as JSON straight into memory at the heap pointer.
  const writer = new JsonWriter({
    buffer: () => {
      reserve(0);
      return view;
    },
    grow: (need) => {
      reserve(need - heap);
      return view;
    },
  });

  /** Makes room for `bytes` input bytes above the heap pointer: grown before writing, never mid-write. */
  function reserve(bytes: number): void {
    const need = heap + bytes + PAGE;
    // Growing memory detaches its old buffer, so an empty view means the module grew it: no
    // `memory.buffer` call (a host call) on the decision path unless memory changed.
    if (view.length === 0) view = new Uint8Array(memory.buffer);
    if (need > view.length) {
      memory.grow(Math.ceil((need - view.length) / PAGE));
      view = new Uint8Array(memory.buffer);
    }
  }

  // Writes the input at the eval heap pointer (`value` as JSON, or `text`, or `bytes`); returns its length.
  function write(value: unknown, text: string | undefined, bytes: Uint8Array | undefined): number {
    if (value !== undefined) return Math.max(0, writer.write(value, heap));
    if (bytes !== undefined) {
      reserve(bytes.length);
      view.set(bytes, heap);
      return bytes.length;
    }
    if (text === undefined) return 0;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    reserve(text.length * 3);
    return encoder.encodeInto(text, view.subarray(heap)).written;
  }

  function aborted(e: unknown): BlastguardError {
    return new BlastguardError(ENGINE_CODES.policyAborted, `the policy aborted: ${message(e)}`, {
      help: 'the input or the data could not be processed; check that the input is JSON and not excessively large or deep',
      cause: e,
    });
  }

  // Evaluates the `length` input bytes at the heap pointer; returns the output's address.
  function run(entrypoint: number, length: number): number {
    try {
      return opaEval(0, entrypoint, dataAddr, heap, length, heap + length, 0);
    } catch (e) {
      throw aborted(e);
    } finally {
      // The module may have grown memory: a stale view would write into a detached buffer.
      if (view.length === 0) view = new Uint8Array(memory.buffer);
    }
  }

  // The module reads the first value and ignores what follows it, as OPA's parser does; text a
  // caller hands over must be exactly one JSON text (`{…} ;` or two documents back to back read
  // differently elsewhere), so anything else is decided as no input: input:invalid.
  function oneText(fromValue: boolean, length: number): boolean {
    return fromValue || inputEnd === undefined || blankUntil(inputEnd(), heap + length);
  }

  // Writes the input at the eval heap pointer (`value` as JSON, or `text`, or `bytes`) and
  // evaluates; returns the output's address.
  function evaluate(value: unknown, text: string | undefined, entrypoint: number, bytes?: Uint8Array): number {
    const length = write(value, text, bytes);
    const addr = run(entrypoint, length);
    if (!oneText(value !== undefined, length)) return evaluate(undefined, '', entrypoint);
    return addr;
  }

  /** Whether only JSON whitespace lies between `from` and `to` in memory. */
  function blankUntil(from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
      const c = view[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
    }
    return true;
  }

  const decoded = new Map<string, Decision>();
  const outputId = table === 0 ? undefined : x['blastguard_output_id']!;
  /** Decisions by output number (blastguard_output_id): a repeat costs one call and an index. */
  const numbered: Decision[] = [];

  function decodeDecision(addr: number): Decision {
    if (outputId === undefined) return decodeText(addr);
    const id = outputId(table, OUTPUT_TABLE_BYTES, addr);
    // An output that did not decode (not a decision) has a number but no decision: decode again, and fail again.
    const known = id > 0 ? numbered[id] : undefined;
    if (known !== undefined) return known;
    const decision = decodeText(addr);
    if (id < 0) numbered[-id] = decision;
    return decision;
  }

  function decodeText(addr: number): Decision {
    const end = view.indexOf(0, addr);
    const out = decoder.decode(view.subarray(addr, end < 0 ? view.length : end));
    const cached = decoded.get(out);
    if (cached !== undefined) return cached;
    if (!out.startsWith(RESULT_PREFIX) || !out.endsWith('}]')) {
      throw new BlastguardError(ENGINE_CODES.noDecision, 'the policy returned no decision', { help: 'the module is not a blastguard policy built by this version; rebuild the bundle' });
    }
    const decision = deepFreeze(JSON.parse(out.slice(RESULT_PREFIX.length, -2))) as Decision;
    if (decoded.size >= DECISION_CACHE_SIZE) decoded.clear();
    decoded.set(out, decision);
    return decision;
  }

  function isAllowTrue(addr: number): boolean {
    for (let i = 0; i < ALLOW_TRUE.length; i++) if (view[addr + i] !== ALLOW_TRUE[i]) return false;
    return view[addr + ALLOW_TRUE.length] === 0;
  }

  const blastEval = keys === 0 ? undefined : x['blastguard_eval']!;
  const evalOutput = keys === 0 ? undefined : x['blastguard_eval_output']!;

  /**
   * A decision through `blastguard_eval`: the module looks the decision up by its key and answers
   * with its output's number, so a repeat is one call and an index (no output text at all).
   */
  function decideNumbered(value: unknown, text: string | undefined, bytes: Uint8Array | undefined): Decision {
    const length = write(value, text, bytes);
    let id: number;
    try {
      id = blastEval!(0, dataAddr, heap, length, heap + length, table, OUTPUT_TABLE_BYTES, keys, KEY_TABLE_BYTES);
    } catch (e) {
      throw aborted(e);
    } finally {
      if (view.length === 0) view = new Uint8Array(memory.buffer);
    }
    if (!oneText(value !== undefined, length)) return decideNumbered(undefined, '', undefined);
    if (id > 0) {
      const known = numbered[id];
      if (known !== undefined) return known;
      // A number without a decision (its output did not decode): the text, decoded again (and
      // failing again); the input is still where it was written.
      return decodeText(run(0, length));
    }
    const decision = decodeText(evalOutput!());
    if (id < 0) numbered[-id] = decision;
    return decision;
  }

  if (blastEval !== undefined) {
    return {
      decide: (input) => decideNumbered(input, undefined, undefined),
      allow: (input) => isAllowTrue(evaluate(input, undefined, 1)),
      decideText: (text) => decideNumbered(undefined, text, undefined),
      decideBytes: (bytes) => decideNumbered(undefined, undefined, bytes),
      allowText: (text) => isAllowTrue(evaluate(undefined, text, 1)),
      memoryBytes: () => memory.buffer.byteLength,
    };
  }
  return {
    decide: (input) => decodeDecision(evaluate(input, undefined, 0)),
    allow: (input) => isAllowTrue(evaluate(input, undefined, 1)),
    decideText: (text) => decodeDecision(evaluate(undefined, text, 0)),
    decideBytes: (bytes) => decodeDecision(evaluate(undefined, undefined, 0, bytes)),
    allowText: (text) => isAllowTrue(evaluate(undefined, text, 1)),
    memoryBytes: () => memory.buffer.byteLength,
  };
}
