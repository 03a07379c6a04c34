// Byte strings mapped to numbers in host-allocated tables. Distinct decision outputs, numbered:
// a host that keeps each decoded decision by number asks which number an opa_eval output has
// instead of decoding its text (src/engine/direct.ts). A policy gives few distinct decisions,
// so nearly every call is a repeat.
//
// The table lives in memory the host allocated once (opa_malloc, below the eval heap, zeroed),
// so opa_eval's heap reset never touches it:
//   [count u32][used u32][pad 8][index: SLOTS × u32 entry offsets, 0 = empty][entries…]
//   entry: [hash u32][number u32][len u32][bytes, padded to 4]
// Outputs are compared byte for byte; the hash only picks the slot. The same layout maps a
// decision's key (engine.ts decision_key) to its output's number: table_get / table_put.

const SLOTS: u32 = 8192;
// Past this many numbers the table answers 0 (not numbered) and the host decodes as usual.
const MAX_COUNT: u32 = 4096;
const HEAD: usize = 16;
const INDEX_BYTES: usize = <usize>SLOTS * 4;

// The last output decide_text wrote: its length is known without a scan.
let last_out: usize = 0;
let last_len: u32 = 0;

/** The last output decide_text wrote (0 after a call that wrote none). */
export function last_output(): usize {
  return last_out;
}

export function note_output(out: usize, len: usize): void {
  last_out = out;
  last_len = <u32>len;
}

export function hash_bytes(p: usize, n: u32): u32 {
  let h: u64 = 0xcbf29ce484222325;
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) h = (h ^ load<u64>(p + <usize>i)) * 0x100000001b3;
  for (; i < n; i++) h = (h ^ <u64>load<u8>(p + <usize>i)) * 0x100000001b3;
  return <u32>(h ^ (h >> 32));
}

function same(a: usize, b: usize, n: u32): bool {
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  for (; i < n; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

// The index slot holding the entry for `len` bytes at `p` with hash `h`, or the empty slot where
// it would go; 0 when the table is too small or its index is full.
function find_slot(table: usize, size: u32, p: usize, len: u32, h: u32): usize {
  if (<usize>size < HEAD + INDEX_BYTES + 64) return 0;
  const index = table + HEAD;
  let slot = h & (SLOTS - 1);
  for (let probe: u32 = 0; probe < SLOTS; probe++) {
    const at = index + (<usize>slot << 2);
    const off = load<u32>(at);
    if (off == 0) return at;
    const e = table + <usize>off;
    if (load<u32>(e) == h && load<u32>(e, 8) == len && same(e + 12, p, len)) return at;
    slot = (slot + 1) & (SLOTS - 1);
  }
  return 0;
}

/** The value stored for the `len` bytes at `p` (hash `h`) in `table`, or 0 when there is none. */
export function table_get(table: usize, size: u32, p: usize, len: u32, h: u32): u32 {
  const at = find_slot(table, size, p, len, h);
  if (at == 0) return 0;
  const off = load<u32>(at);
  return off == 0 ? 0 : load<u32>(table + <usize>off, 4);
}

// Adds an entry at the empty index slot `at` (from find_slot); false when the table is full.
function add_entry(table: usize, size: u32, at: usize, p: usize, len: u32, h: u32, value: u32): bool {
  const count = load<u32>(table);
  const used = load<u32>(table, 4);
  const need = 12 + ((len + 3) & ~3);
  if (count >= MAX_COUNT || <u64>HEAD + <u64>INDEX_BYTES + <u64>used + <u64>need > <u64>size) return false;
  const e = table + HEAD + INDEX_BYTES + <usize>used;
  store<u32>(e, h);
  store<u32>(e, value, 4);
  store<u32>(e, len, 8);
  for (let i: u32 = 0; i < len; i++) store<u8>(e + 12 + <usize>i, load<u8>(p + <usize>i));
  store<u32>(at, <u32>(e - table));
  store<u32>(table, count + 1);
  store<u32>(table, used + need, 4);
  return true;
}

/** Stores `value` (not 0) for the `len` bytes at `p` (hash `h`) unless the table has an entry for them or is full. */
export function table_put(table: usize, size: u32, p: usize, len: u32, h: u32, value: u32): void {
  const at = find_slot(table, size, p, len, h);
  if (at != 0 && load<u32>(at) == 0) add_entry(table, size, at, p, len, h, value);
}

/**
 * The number of the NUL-terminated output at `out` in the table of `size` bytes at `table`:
 * n > 0 when it was numbered before, -n when numbered now (the host decodes it this once),
 * 0 when the table is full or too small.
 */
export function output_id(table: usize, size: u32, out: usize): i32 {
  let len: u32 = 0;
  if (out == last_out) len = last_len;
  else while (load<u8>(out + <usize>len) != 0) len++;
  const h = hash_bytes(out, len);
  const at = find_slot(table, size, out, len, h);
  if (at == 0) return 0;
  const off = load<u32>(at);
  if (off != 0) return <i32>load<u32>(table + <usize>off, 4);
  // Numbers are the entry count: the next one is count + 1.
  const n = load<u32>(table) + 1;
  return add_entry(table, size, at, out, len, h, n) ? -<i32>n : 0;
}
