// Access to the decision program blob that src/compile/link.ts embeds as a data segment.
// The linker finds MARKER by its 16 magic bytes in the module's data and writes the program's
// absolute address and length into the 8 bytes after it; an unlinked runtime keeps zeros there,
// and then every decision is undefined.
import { FIXED_COUNT } from "./fixed";

const MARKER: usize = memory.data<u8>([
  0x62, 0x67, 0x2d, 0x70, 0x72, 0x6f, 0x67, 0x72, 0x61, 0x6d, 0x2d, 0x9e, 0x3c, 0x71, 0xd5, 0x08,
  0, 0, 0, 0, 0, 0, 0, 0,
], 16);

// "BGP1" little-endian: the first word of every program.
const PROGRAM_MAGIC: u32 = 0x31504742;
const PROGRAM_VERSION: u32 = 1;

export let P: usize = 0;
let PLEN: usize = 0;
let STR: usize = 0;
let FIXED: usize = 0;
export let API_COUNT: i32 = 0;
export let API_TABLE: usize = 0;

export function program_load(): void {
  const base = <usize>load<u32>(MARKER + 16);
  const len = <usize>load<u32>(MARKER + 20);
  // The linker places the program past all static data; anything else is not a program of ours.
  if (base < __heap_base || len < 32) return;
  if (load<u32>(base) != PROGRAM_MAGIC || load<u32>(base, 4) != PROGRAM_VERSION) return;
  if (load<i32>(base, 16) != FIXED_COUNT) return;
  P = base;
  PLEN = len;
  STR = base + <usize>load<u32>(base, 8);
  FIXED = base + <usize>load<u32>(base, 12);
  API_COUNT = load<i32>(base, 20);
  API_TABLE = base + <usize>load<u32>(base, 24);
}

/** First address past the static data and the program: where the heap may start. */
export function program_end(): usize {
  if (P != 0) return P + PLEN;
  return __heap_base;
}

export function has_program(): bool {
  return P != 0;
}

// A struct reference is an offset from P; 0 means "none".
@inline export function ref_addr(ref: u32): usize {
  return P + <usize>ref;
}

// A string reference is an offset into the string pool of a u32 length followed by the bytes.
@inline export function str_ptr(ref: u32): usize {
  return STR + <usize>ref + 4;
}

@inline export function str_len(ref: u32): i32 {
  return load<i32>(STR + <usize>ref);
}

@inline export function fixed_ref(i: i32): u32 {
  return load<u32>(FIXED + (<usize>i << 2));
}

@inline export function fs_ptr(i: i32): usize {
  return str_ptr(fixed_ref(i));
}

@inline export function fs_len(i: i32): i32 {
  return str_len(fixed_ref(i));
}
