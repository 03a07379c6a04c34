// The runtime's fast paths against its slow ones, byte for byte:
// - blastguard_eval (the output's number found by the decision's key; operations and tokens
//   looked up once and remembered) against opa_eval's output text for the same input, over
//   rounds in shuffled order with opa_eval calls in between, with and without room for the
//   remembered lookups, and after the data changed through ABI calls;
// - the input scanner (opa_eval) against the parser (opa_value_parse + eval) on strings whose
//   special bytes fall at every position of an 8-byte word.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/index.js';
import { memoryMinPages } from '../../src/compile/link.js';
import { useBuiltRuntime } from '../compile/support.js';
import { dataFor, dataPlanArb, FINGERPRINTS, inputArb, irArb, TIMES } from '../differential/arbitraries.js';
import { GoStyleHost } from '../differential/go-host.js';

beforeAll(() => {
  useBuiltRuntime();
});

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const WA = (globalThis as unknown as {
  WebAssembly: { Memory: new (d: { initial: number }) => WasmMemory; Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } };
}).WebAssembly;
type Fn = (...args: number[]) => number;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const OUTPUTS = 1536 * 1024;

/** One module instance driven the way src/engine/direct.ts drives it, plus raw ABI access. */
class Harness {
  readonly memory: WasmMemory;
  readonly x: Record<string, Fn>;
  readonly data: number;
  private readonly outputs: number;
  private readonly keys: number;
  private heap: number;
  /** Output text by number, as the host keeps decoded decisions. */
  private readonly texts = new Map<number, string>();

  constructor(wasm: Uint8Array, data: unknown, private readonly keyBytes: number) {
    this.memory = new WA.Memory({ initial: Math.max(16, memoryMinPages(wasm)) });
    const fail = (): never => {
      throw new Error('abort');
    };
    const instance = new WA.Instance(new WA.Module(wasm), {
      env: { memory: this.memory, opa_abort: fail, opa_println: () => 0, opa_builtin0: fail, opa_builtin1: fail, opa_builtin2: fail, opa_builtin3: fail, opa_builtin4: fail },
    });
    this.x = instance.exports as Record<string, Fn>;
    this.x['opa_malloc']!(0);
    const text = encoder.encode(JSON.stringify(data));
    const raw = this.x['opa_malloc']!(text.length);
    new Uint8Array(this.memory.buffer).set(text, raw);
    this.data = this.x['opa_json_parse']!(raw, text.length);
    this.outputs = this.x['opa_malloc']!(OUTPUTS);
    this.keys = this.x['opa_malloc']!(keyBytes);
    this.clearTables();
    this.heap = this.x['opa_heap_ptr_get']!();
  }

  /** What a host does when it starts over with the same instance: zeroed tables, nothing known. */
  clearTables(): void {
    new Uint8Array(this.memory.buffer).fill(0, this.outputs, this.outputs + OUTPUTS);
    new Uint8Array(this.memory.buffer).fill(0, this.keys, this.keys + this.keyBytes);
    this.texts.clear();
  }

  /** Starts the eval heap past everything allocated so far (values a host added to the data). */
  settle(): void {
    this.heap = this.x['opa_heap_ptr_get']!();
  }

  private cString(addr: number): string {
    const mem = new Uint8Array(this.memory.buffer);
    return decoder.decode(mem.subarray(addr, mem.indexOf(0, addr)));
  }

  private put(bytes: Uint8Array): void {
    const delta = this.heap + bytes.length + 65536 - this.memory.buffer.byteLength;
    if (delta > 0) this.memory.grow(Math.ceil(delta / 65536));
    new Uint8Array(this.memory.buffer).set(bytes, this.heap);
  }

  /** opa_eval's output text (format 0). */
  text(bytes: Uint8Array, entrypoint: number): string {
    this.put(bytes);
    return this.cString(this.x['opa_eval']!(0, entrypoint, this.data, this.heap, bytes.length, this.heap + bytes.length, 0));
  }

  /** blastguard_eval's answer turned into text: from the table of known numbers, or the text it wrote. */
  numbered(bytes: Uint8Array, entrypoint: number): string {
    this.put(bytes);
    const id = this.x['blastguard_eval']!(entrypoint, this.data, this.heap, bytes.length, this.heap + bytes.length, this.outputs, OUTPUTS, this.keys, this.keyBytes);
    if (id > 0) {
      const known = this.texts.get(id);
      if (known === undefined) throw new Error(`number ${id} was never given as new`);
      return known;
    }
    const text = this.cString(this.x['blastguard_eval_output']!());
    if (id < 0) this.texts.set(-id, text);
    return text;
  }
}

function bytesOf(input: unknown): Uint8Array {
  return input === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(input));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('blastguard_eval gives opa_eval\'s output', () => {
  it('for random policy sets, data and inputs, repeated in shuffled rounds between opa_eval calls, with and without room for remembered lookups', () => {
    fc.assert(
      fc.property(irArb, dataPlanArb, fc.array(inputArb, { minLength: 40, maxLength: 40 }), fc.nat(), fc.boolean(), (ir, plan, inputs, seed, roomy) => {
        const { wasm } = compileIr(ir);
        const data = dataFor(ir, plan);
        const h = new Harness(wasm, data, roomy ? 1024 * 1024 : 64 * 1024);
        const texts = inputs.map(bytesOf);
        for (let round = 0; round < 3; round++) {
          for (const i of shuffled(texts.map((_, k) => k), seed + round)) {
            const bytes = texts[i]!;
            const entrypoint = (i + round) % 5 === 0 ? 1 : 0;
            const expected = h.text(bytes, entrypoint);
            expect(h.numbered(bytes, entrypoint)).toBe(expected);
            // …and opa_eval right after a remembered call still reads the data afresh.
            if (i % 3 === 0) expect(h.text(bytes, entrypoint)).toBe(expected);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('after the data changed through opa_value_add_path / opa_value_remove_path (the module forgets what it remembered)', () => {
    fc.assert(
      fc.property(irArb, dataPlanArb, fc.array(inputArb, { minLength: 20, maxLength: 20 }), (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const h = new Harness(wasm, dataFor(ir, plan), 1024 * 1024);
        const texts = inputs.map(bytesOf);
        // Inputs with a token, so records are remembered.
        for (const fp of FINGERPRINTS.slice(0, 3)) {
          texts.push(bytesOf({ api: ir.apis[0]?.name ?? 'railway', operation: { name: 'volumeDelete' }, token: { fingerprint: fp }, resource: { environment: 'staging' }, time: TIMES[0] }));
        }
        const check = (): void => {
          for (const bytes of texts) {
            const expected = h.text(bytes, 0);
            expect(h.numbered(bytes, 0)).toBe(expected);
            expect(h.numbered(bytes, 0)).toBe(expected);
          }
        };
        check();
        // Replace data.blastguard.tokens, then remove data.blastguard.overrides; the key table
        // is the host's to clear (its keys name data by address), the module forgets on its own.
        const edits: [string[], unknown][] = [
          [['blastguard', 'tokens'], { [FINGERPRINTS[1]!]: { name: 'swapped', api: ir.apis[0]?.name ?? 'railway', expires: null, grants: [{ operations: ['*'], environments: ['*'] }] } }],
          [['blastguard', 'overrides'], undefined],
        ];
        for (const [path, value] of edits) {
          const pathText = encoder.encode(JSON.stringify(path));
          const p = h.x['opa_malloc']!(pathText.length);
          new Uint8Array(h.memory.buffer).set(pathText, p);
          const pathValue = h.x['opa_json_parse']!(p, pathText.length);
          if (value === undefined) h.x['opa_value_remove_path']!(h.data, pathValue);
          else {
            const valueText = encoder.encode(JSON.stringify(value));
            const v = h.x['opa_malloc']!(valueText.length);
            new Uint8Array(h.memory.buffer).set(valueText, v);
            h.x['opa_value_add_path']!(h.data, pathValue, h.x['opa_json_parse']!(v, valueText.length));
          }
          // New values sit where the last call's heap was: decisions start above them from now on.
          h.settle();
          h.clearTables();
          check();
        }
      }),
      { numRuns: 25 },
    );
  });
});

/** Bytes around the scanner's boundaries: controls, quote, backslash, DEL, non-ASCII, escapes. */
const PIECES = ['a', 'Z', ' ', '~', '"', '\\', '/', '\u0000', '\u001f', '\u007f', '\u0080', 'é', '😀', '\\u0041', '\\n', '\\"', '\\x', '\n', '\t'];

/** JSON text with `piece` placed at offset `at` of a string (raw: the piece goes in unescaped). */
function stringWith(prefix: number, piece: string, suffix: number, raw: boolean): string {
  const body = `${'x'.repeat(prefix)}${raw ? piece : JSON.stringify(piece).slice(1, -1)}${'y'.repeat(suffix)}`;
  return `"${body}"`;
}

describe('the input scanner reads strings as the parser does', () => {
  it('with a special byte at every offset of a word, in kept values, skipped values and keys', () => {
    const ir = fc.sample(irArb, { numRuns: 1, seed: 5 })[0]!;
    const { wasm } = compileIr(ir);
    const host = new GoStyleHost(wasm, dataFor(ir, { corrupt: -1, tokenCorrupt: -1, tokenIndex: 0 }), memoryMinPages(wasm));
    const api = JSON.stringify(ir.apis[0]?.name ?? 'railway');
    fc.assert(
      fc.property(fc.nat(17), fc.constantFrom(...PIECES), fc.nat(17), fc.boolean(), fc.constantFrom('value', 'name', 'skipped', 'key', 'subkey', 'time', 'fingerprint'), (prefix, piece, suffix, raw, where) => {
        const s = stringWith(prefix, piece, suffix, raw);
        const time = JSON.stringify(TIMES[0]);
        const texts: Record<string, string> = {
          value: `{"api":${s},"operation":{"name":"volumeDelete"},"time":${time}}`,
          name: `{"api":${api},"operation":{"name":${s},"type":"mutation"},"time":${time}}`,
          skipped: `{"api":${api},"other":${s},"operation":{"name":"x","extra":[${s},{"k":${s}}]},"time":${time}}`,
          key: `{${s}:1,"api":${api},"operation":{"name":"x"},"time":${time}}`,
          subkey: `{"api":${api},"operation":{${s}:"v","name":"x"},"resource":{${s}:null,"environment":"staging"},"time":${time}}`,
          time: `{"api":${api},"operation":{"name":"x"},"time":${s}}`,
          fingerprint: `{"api":${api},"operation":{"name":"x"},"token":{"fingerprint":${s}},"time":${time}}`,
        };
        const text = texts[where]!;
        const bytes = raw ? Uint8Array.from([...encoder.encode(text)]) : encoder.encode(text);
        for (const entrypoint of [0, 1]) {
          const { fast, context } = host.evalTextBothWays(bytes, entrypoint);
          if (fast !== context) throw new Error(`DIFFERENCE\ntext:     ${JSON.stringify(text)}\nopa_eval: ${fast}\ncontext:  ${context}`);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('with kept keys spelled almost right (prefixes, extensions, one byte changed) at every length', () => {
    const ir = fc.sample(irArb, { numRuns: 1, seed: 9 })[0]!;
    const { wasm } = compileIr(ir);
    const host = new GoStyleHost(wasm, {}, memoryMinPages(wasm));
    const keys = ['api', 'operation', 'name', 'type', 'resource', 'kind', 'id', 'environment', 'project', 'token', 'fingerprint', 'identity', 'originator', 'tenant', 'causation', 'verified', 'arguments', 'attempt', 'time'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.nat(20), fc.constantFrom('cut', 'grow', 'flip', 'same'), fc.constantFrom('top', 'operation', 'resource', 'token', 'identity'), (key, at, how, level) => {
        let k = key;
        if (how === 'cut') k = key.slice(0, at % key.length);
        else if (how === 'grow') k = `${key}${'s'.repeat(1 + (at % 9))}`;
        else if (how === 'flip') k = `${key.slice(0, at % key.length)}${String.fromCharCode(key.charCodeAt(at % key.length) ^ 0x20)}${key.slice((at % key.length) + 1)}`;
        const member = `${JSON.stringify(k)}:"v"`;
        const base: Record<string, string> = { top: '', operation: '', resource: '', token: '', identity: '' };
        base[level] = `${member},`;
        const text = `{${base['top']}"api":"railway","operation":{${base['operation']}"name":"x"},"resource":{${base['resource']}"id":"r"},"token":{${base['token']}"fingerprint":"f"},"identity":{${base['identity']}"tenant":"t"},"time":"${TIMES[0]}"}`;
        const { fast, context } = host.evalTextBothWays(encoder.encode(text), 0);
        if (fast !== context) throw new Error(`DIFFERENCE\ntext:     ${text}\nopa_eval: ${fast}\ncontext:  ${context}`);
      }),
      { numRuns: 800 },
    );
  });
});
