// Heap of the OPA Wasm ABI: a bump pointer above the static data plus free lists, all over raw
// linear memory (no AssemblyScript runtime allocation anywhere).
//
// Every block carries an 8-byte header [payload size u32][state u32] so that `opa_free` and
// `opa_value_free` can put it back on a free list. Payloads are 8-byte aligned. Free lists are
// segregated: one exact-size list per payload size 8..128 (step 8) and one first-fit list for
// larger blocks. The ABI's reset rule (`opa_heap_ptr_set` drops every free block) and the 1.3
// stash protocol operate on the list heads only, so both are O(lists).

import { abort_ascii } from "./env";

const HEADER: usize = 8;
const PAGE: u64 = 65536;
const SMALL_MAX: u32 = 128;
const LISTS: i32 = 17; // 16 exact-size lists + 1 large list
const LARGE: i32 = 16;
const STATE_USED: u32 = 0xa110c8ed;
const STATE_FREE: u32 = 0xf4eeb10c;
// The largest single request we accept; anything above cannot fit in a 4 GiB memory anyway and
// would overflow 32-bit size arithmetic.
const MAX_REQUEST: u32 = 0xfff00000;

const free_heads: usize = memory.data(LISTS * 4);
const stash_heads: usize = memory.data(LISTS * 4);

let heap_base: usize = 0;
let heap_ptr: usize = 0;

/** Sets the heap base (everything below is static and never freed) and resets all heap state. */
export function alloc_init(base: usize): void {
  heap_base = (base + 7) & ~(<usize>7);
  heap_ptr = heap_base;
  clear_heads(free_heads);
  clear_heads(stash_heads);
  ensure_memory(<u64>heap_base);
}

/** First address of the heap; values below it are static program data. */
export function heap_base_get(): usize {
  return heap_base;
}

function clear_heads(heads: usize): void {
  for (let i = 0; i < LISTS; i++) store<u32>(heads + (<usize>i << 2), 0);
}

function heads_empty(heads: usize): bool {
  for (let i = 0; i < LISTS; i++) {
    if (load<u32>(heads + (<usize>i << 2)) != 0) return false;
  }
  return true;
}

// The host may have grown memory (it writes input above the heap pointer), so the current size
// is always read from `memory.size` instead of being cached.
function ensure_memory(end: u64): void {
  const have = <u64>memory.size() * PAGE;
  if (end <= have) return;
  const pages = <i32>((end - have + PAGE - 1) / PAGE);
  if (memory.grow(pages) < 0) abort_ascii("opa_malloc: failed");
}

function list_index(size: u32): i32 {
  return size <= SMALL_MAX ? <i32>(size >> 3) - 1 : LARGE;
}

function push_free(block: usize, size: u32): void {
  const head = free_heads + (<usize>list_index(size) << 2);
  store<u32>(block + 4, STATE_FREE);
  store<u32>(block + HEADER, load<u32>(head));
  store<u32>(head, <u32>block);
}

// First fit in the large list; splits off the tail when it is itself a large block.
function take_large(size: u32): usize {
  let link = free_heads + (<usize>LARGE << 2);
  let block = <usize>load<u32>(link);
  while (block != 0) {
    const bsize = load<u32>(block);
    if (bsize >= size) {
      store<u32>(link, load<u32>(block + HEADER));
      const rest = bsize - size;
      if (rest >= <u32>HEADER + SMALL_MAX + 8) {
        store<u32>(block, size);
        const tail = block + HEADER + <usize>size;
        store<u32>(tail, rest - <u32>HEADER);
        push_free(tail, rest - <u32>HEADER);
      }
      return block;
    }
    link = block + HEADER;
    block = <usize>load<u32>(link);
  }
  return 0;
}

/** Allocates `size` bytes (8-byte aligned, never 0; aborts `opa_malloc: failed` when out of memory). */
export function alloc(size: usize): usize {
  if (<u32>size > MAX_REQUEST) abort_ascii("opa_malloc: failed");
  let sz = (<u32>size + 7) & ~(<u32>7);
  if (sz == 0) sz = 8;
  let block: usize = 0;
  if (sz <= SMALL_MAX) {
    const head = free_heads + (<usize>list_index(sz) << 2);
    block = <usize>load<u32>(head);
    if (block != 0) store<u32>(head, load<u32>(block + HEADER));
  } else if (load<u32>(free_heads + (<usize>LARGE << 2)) != 0) {
    block = take_large(sz);
  }
  if (block == 0) {
    block = (heap_ptr + 7) & ~(<usize>7);
    const end = <u64>block + <u64>HEADER + <u64>sz;
    if (end > 0xffffffff) abort_ascii("opa_malloc: failed");
    ensure_memory(end);
    store<u32>(block, sz);
    heap_ptr = <usize>end;
  }
  store<u32>(block + 4, STATE_USED);
  return block + HEADER;
}

/** Allocates and zero-fills. */
export function alloc_zeroed(size: usize): usize {
  const p = alloc(size);
  mem_zero(p, size);
  return p;
}

/**
 * Returns a block to the heap. Pointers that are not live heap blocks (0, static data, above the
 * heap pointer, already freed) are ignored: OPA's release build does not check either, and a
 * host mistake must not corrupt the free lists.
 */
export function free(ptr: usize): void {
  if (ptr == 0 || (ptr & 7) != 0 || ptr < heap_base + HEADER || ptr >= heap_ptr) return;
  const block = ptr - HEADER;
  if (load<u32>(block + 4) != STATE_USED) return;
  const size = load<u32>(block);
  if (ptr + <usize>size == heap_ptr) {
    // The topmost block goes straight back to the bump pointer.
    store<u32>(block + 4, STATE_FREE);
    heap_ptr = block;
    return;
  }
  push_free(block, size);
}

export function heap_ptr_get(): usize {
  return heap_ptr;
}

export function heap_ptr_set(ptr: usize): void {
  heap_ptr = ptr;
  clear_heads(free_heads);
}

// Highest end address of any block on the given lists.
function max_block_end(heads: usize): usize {
  let max: usize = 0;
  for (let i = 0; i < LISTS; i++) {
    let b = <usize>load<u32>(heads + (<usize>i << 2));
    while (b != 0) {
      const end = b + HEADER + <usize>load<u32>(b);
      if (end > max) max = end;
      b = <usize>load<u32>(b + HEADER);
    }
  }
  return max;
}

function move_lists(dst: usize, src: usize, stashing: bool): void {
  if (!heads_empty(dst) || max_block_end(src) > heap_ptr) {
    if (stashing) abort_ascii("opa_heap_blocks_stash() consistency check failed");
    abort_ascii("opa_heap_blocks_restore() consistency check failed");
  }
  for (let i = 0; i < LISTS; i++) {
    const off = <usize>i << 2;
    store<u32>(dst + off, load<u32>(src + off));
  }
  clear_heads(src);
}

export function heap_blocks_stash(): void {
  move_lists(stash_heads, free_heads, true);
}

export function heap_blocks_restore(): void {
  move_lists(free_heads, stash_heads, false);
}

export function heap_stash_clear(): void {
  clear_heads(stash_heads);
}

// Byte loops instead of memory.copy/memory.fill: the module must stay within Wasm MVP (no
// bulk-memory), and these run on short ranges.
export function mem_copy(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  if (((dst | src) & 7) == 0) {
    for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  }
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

export function mem_move(dst: usize, src: usize, n: usize): void {
  if (dst <= src || dst >= src + n) {
    mem_copy(dst, src, n);
    return;
  }
  let i = n;
  if (((dst | src | n) & 3) == 0) {
    // Collection buffers are arrays of u32 pointers: move whole words.
    while (i > 0) {
      i -= 4;
      store<u32>(dst + i, load<u32>(src + i));
    }
    return;
  }
  while (i > 0) {
    i--;
    store<u8>(dst + i, load<u8>(src + i));
  }
}

export function mem_zero(dst: usize, n: usize): void {
  let i: usize = 0;
  if ((dst & 7) == 0) {
    for (; i + 8 <= n; i += 8) store<u64>(dst + i, 0);
  }
  for (; i < n; i++) store<u8>(dst + i, 0);
}
