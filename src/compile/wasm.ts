/**
 * A minimal WebAssembly binary reader/writer: just enough to splice a data segment into the
 * prebuilt runtime module, raise its memory import and patch bytes in existing segments. Sections
 * we do not touch are copied byte for byte, so linking is deterministic and fast.
 */

export interface Section {
  id: number;
  body: Uint8Array;
}

export const SECTION = { type: 1, import: 2, function: 3, global: 6, export: 7, start: 8, data: 11, dataCount: 12 } as const;

export class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  eof(): boolean {
    return this.pos >= this.bytes.length;
  }

  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new RangeError('unexpected end of wasm module');
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
      if (shift > 35) throw new RangeError('malformed LEB128');
    }
  }

  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (shift < 32 && b & 0x40) result |= -1 << shift;
    return result;
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new RangeError('unexpected end of wasm module');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    return new TextDecoder().decode(this.take(this.u32()));
  }

  /** A constant expression (`i32.const n end` or `global.get i end`); returns its op and operand. */
  constExpr(): { op: number; value: number } {
    const op = this.byte();
    let value: number;
    if (op === 0x41) value = this.i32();
    else if (op === 0x23) value = this.u32();
    else throw new RangeError(`unsupported constant expression opcode 0x${op.toString(16)}`);
    if (this.byte() !== 0x0b) throw new RangeError('constant expression without end');
    return { op, value };
  }
}

export function u32leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function i32leb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function readSections(module: Uint8Array): Section[] {
  for (let i = 0; i < 8; i++) {
    if (module[i] !== HEADER[i]) throw new RangeError('not a WebAssembly 1.0 module');
  }
  const r = new Reader(module);
  r.pos = 8;
  const sections: Section[] = [];
  while (!r.eof()) {
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, body: r.take(size) });
  }
  return sections;
}

export function writeSections(sections: readonly Section[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from(HEADER)];
  for (const s of sections) {
    parts.push(Uint8Array.from([s.id, ...u32leb(s.body.length)]), s.body);
  }
  return concatBytes(parts);
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface DataSegment {
  /** Absolute address for active segments in memory 0; null for passive ones. */
  offset: number | null;
  /** Encoded bytes before the payload (flags, memory index, offset expression, length). */
  prefix: Uint8Array;
  bytes: Uint8Array;
}

export function readDataSegments(body: Uint8Array): DataSegment[] {
  const r = new Reader(body);
  const count = r.u32();
  const out: DataSegment[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const flags = r.u32();
    let offset: number | null = null;
    if (flags === 0 || flags === 2) {
      if (flags === 2 && r.u32() !== 0) throw new RangeError('data segment for a memory other than 0');
      const e = r.constExpr();
      if (e.op !== 0x41) throw new RangeError('data segment offset is not a constant');
      offset = e.value >>> 0;
    } else if (flags !== 1) {
      throw new RangeError(`unsupported data segment flags ${flags}`);
    }
    const len = r.u32();
    const prefix = body.slice(start, r.pos);
    out.push({ offset, prefix, bytes: r.take(len).slice() });
  }
  return out;
}

export function writeDataSegments(segments: readonly DataSegment[]): Uint8Array {
  return concatBytes([Uint8Array.from(u32leb(segments.length)), ...segments.flatMap((s) => [s.prefix, s.bytes])]);
}

/** An active segment for memory 0 at a constant address. */
export function activeSegment(address: number, bytes: Uint8Array): DataSegment {
  return { offset: address, prefix: Uint8Array.from([0x00, 0x41, ...i32leb(address | 0), 0x0b, ...u32leb(bytes.length)]), bytes };
}
