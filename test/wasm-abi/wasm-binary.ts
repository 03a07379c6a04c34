// A tiny Wasm binary reader for the conformance checks that WebAssembly.Module's reflection API
// cannot answer: memory import limits, function types, global mutability, and the opcodes used.

export interface Section {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

export interface FuncType {
  readonly params: number[];
  readonly results: number[];
}

export interface ImportEntry {
  readonly module: string;
  readonly name: string;
  readonly kind: number;
  /** Function imports: type index. */
  readonly typeIndex?: number;
  /** Memory imports: limits. */
  readonly limits?: { readonly min: number; readonly max: number | undefined; readonly flags: number };
}

export interface GlobalEntry {
  readonly valType: number;
  readonly mutable: boolean;
  /** Offset of the init expression in the binary. */
  readonly initAt: number;
  /** Decoded i32.const value when the init expression is one. */
  readonly i32: number | undefined;
}

export interface ExportEntry {
  readonly name: string;
  readonly kind: number;
  readonly index: number;
}

export class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, pos = 0) {
    this.pos = pos;
  }
  byte(): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new Error(`read past end at ${this.pos}`);
    this.pos++;
    return b;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  signed(): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return result;
  }
  name(): string {
    const len = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
}

export function sections(bytes: Uint8Array): Section[] {
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    out.push({ id, start: r.pos, end: r.pos + size });
    r.pos += size;
  }
  return out;
}

function section(bytes: Uint8Array, id: number): Section | undefined {
  return sections(bytes).find((s) => s.id === id);
}

export function types(bytes: Uint8Array): FuncType[] {
  const s = section(bytes, 1);
  if (!s) return [];
  const r = new Reader(bytes, s.start);
  const n = r.u32();
  const out: FuncType[] = [];
  for (let i = 0; i < n; i++) {
    if (r.byte() !== 0x60) throw new Error('not a func type');
    const params = Array.from({ length: r.u32() }, () => r.byte());
    const results = Array.from({ length: r.u32() }, () => r.byte());
    out.push({ params, results });
  }
  return out;
}

export function imports(bytes: Uint8Array): ImportEntry[] {
  const s = section(bytes, 2);
  if (!s) return [];
  const r = new Reader(bytes, s.start);
  const n = r.u32();
  const out: ImportEntry[] = [];
  for (let i = 0; i < n; i++) {
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    if (kind === 0) out.push({ module, name, kind, typeIndex: r.u32() });
    else if (kind === 2) {
      const flags = r.byte();
      const min = r.u32();
      const max = flags & 1 ? r.u32() : undefined;
      out.push({ module, name, kind, limits: { min, max, flags } });
    } else if (kind === 3) {
      r.byte();
      r.byte();
      out.push({ module, name, kind });
    } else throw new Error(`unexpected import kind ${kind}`);
  }
  return out;
}

export function functionTypeIndices(bytes: Uint8Array): number[] {
  const s = section(bytes, 3);
  if (!s) return [];
  const r = new Reader(bytes, s.start);
  return Array.from({ length: r.u32() }, () => r.u32());
}

export function globals(bytes: Uint8Array): GlobalEntry[] {
  const s = section(bytes, 6);
  if (!s) return [];
  const r = new Reader(bytes, s.start);
  const n = r.u32();
  const out: GlobalEntry[] = [];
  for (let i = 0; i < n; i++) {
    const valType = r.byte();
    const mutable = r.byte() === 1;
    const initAt = r.pos;
    const op = r.byte();
    let i32: number | undefined;
    if (op === 0x41) i32 = Number(r.signed());
    else if (op === 0x42) r.signed();
    else if (op === 0x43) r.pos += 4;
    else if (op === 0x44) r.pos += 8;
    else if (op === 0x23) r.u32();
    if (r.byte() !== 0x0b) throw new Error('unsupported global init');
    out.push({ valType, mutable, initAt, i32 });
  }
  return out;
}

export function exportEntries(bytes: Uint8Array): ExportEntry[] {
  const s = section(bytes, 7);
  if (!s) return [];
  const r = new Reader(bytes, s.start);
  const n = r.u32();
  return Array.from({ length: n }, () => ({ name: r.name(), kind: r.byte(), index: r.u32() }));
}

/**
 * Walks every function body and returns the opcodes that are not Wasm MVP (as "0xNN" or
 * "0xFC NN"), including block types that are type indices (multi-value).
 */
export function nonMvpOpcodes(bytes: Uint8Array): string[] {
  const s = section(bytes, 10);
  if (!s) return [];
  const r = new Reader(bytes, s.start);
  const found = new Set<string>();
  const count = r.u32();
  for (let f = 0; f < count; f++) {
    const size = r.u32();
    const end = r.pos + size;
    const groups = r.u32();
    for (let g = 0; g < groups; g++) {
      r.u32();
      r.byte();
    }
    while (r.pos < end) {
      const op = r.byte();
      if (op === 0x02 || op === 0x03 || op === 0x04) {
        const bt = r.bytes[r.pos] ?? 0;
        if (bt === 0x40 || bt === 0x7f || bt === 0x7e || bt === 0x7d || bt === 0x7c) r.pos++;
        else {
          r.signed();
          found.add('blocktype index (multi-value)');
        }
      } else if (op === 0x0c || op === 0x0d || op === 0x10 || (op >= 0x20 && op <= 0x24)) {
        r.u32();
      } else if (op === 0x0e) {
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
      } else if (op === 0x11) {
        r.u32();
        if (r.byte() !== 0) found.add('call_indirect table index');
      } else if (op >= 0x28 && op <= 0x3e) {
        r.u32();
        r.u32();
      } else if (op === 0x3f || op === 0x40) {
        if (r.byte() !== 0) found.add('memory index');
      } else if (op === 0x41 || op === 0x42) {
        r.signed();
      } else if (op === 0x43) {
        r.pos += 4;
      } else if (op === 0x44) {
        r.pos += 8;
      } else if (
        op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b ||
        (op >= 0x45 && op <= 0xbf)
      ) {
        // no immediates
      } else if (op === 0xfc) {
        found.add(`0xFC ${r.u32()}`);
        return [...found];
      } else {
        found.add(`0x${op.toString(16)}`);
        return [...found];
      }
    }
  }
  return [...found];
}

/** A copy of the module with an exported immutable i32 global's init constant replaced. */
export function patchExportedI32Global(bytes: Uint8Array, exportName: string, value: number): Uint8Array {
  const entry = exportEntries(bytes).find((e) => e.name === exportName && e.kind === 3);
  if (!entry) throw new Error(`no exported global ${exportName}`);
  const importedGlobals = imports(bytes).filter((i) => i.kind === 3).length;
  const g = globals(bytes)[entry.index - importedGlobals];
  if (!g || g.i32 === undefined) throw new Error(`${exportName} is not an i32.const global`);
  const r = new Reader(bytes, g.initAt + 1);
  r.signed();
  if (r.pos !== g.initAt + 2 || value < 0 || value > 63) throw new Error('only single-byte constants are patched');
  const out = new Uint8Array(bytes);
  out[g.initAt + 1] = value;
  return out;
}
