/**
 * The memory a module asks its host for: the minimum of its imported memory, in 64 KiB pages
 * (WebAssembly core spec §5.5.5 import section, §5.3.8 limits). The engine reads only this one
 * number, so it carries its own reader instead of the compiler's linker: an enforcer ships
 * without the compiler.
 */

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const IMPORT_SECTION = 2;

class Cursor {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new RangeError('unexpected end of wasm module');
    return b;
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new RangeError('malformed LEB128');
  }

  skip(n: number): void {
    this.pos += n;
  }
}

/** Pages the module's memory import requires at least; 0 when it imports none or cannot be read (instantiation then says why). */
export function memoryMinPages(wasm: Uint8Array): number {
  if (!HEADER.every((b, i) => wasm[i] === b)) return 0;
  const r = new Cursor(wasm);
  r.skip(HEADER.length);
  try {
    while (r.pos < wasm.length) {
      const id = r.byte();
      const size = r.u32();
      if (id !== IMPORT_SECTION) {
        r.skip(size);
        continue;
      }
      for (let count = r.u32(); count > 0; count--) {
        r.skip(r.u32()); // module name
        r.skip(r.u32()); // field name
        const kind = r.byte();
        if (kind === 0) r.u32(); // function: type index
        else if (kind === 1) {
          r.byte(); // table: element type, then limits (flags, minimum, maximum when flagged)
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 2) {
          r.u32(); // memory: limits flags, then the minimum we want
          return r.u32();
        } else if (kind === 3) r.skip(2); // global: value type, mutability
        else return 0;
      }
      return 0;
    }
  } catch {
    return 0;
  }
  return 0;
}
