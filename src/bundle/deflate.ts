import { inflateRawSync } from 'node:zlib';

/**
 * A small, fully specified DEFLATE compressor (RFC 1951: greedy LZ77 over a 32 KiB window, one
 * fixed-Huffman block) and its gzip wrapper (RFC 1952). Why not zlib: its bytes depend on which
 * zlib Node was built with (the bundled Chromium zlib or a distribution's system zlib) and, in
 * Chromium's zlib, on the CPU (its match finder hashes with SIMD/CRC32 instructions where the CPU
 * has them), so the same tar could compress to different bytes on a laptop and in CI. (Node 20 and
 * 24 with the bundled zlib gave identical bytes on one machine; the release is not what varies.)
 * This output depends on the input alone, which is what lets anyone rebuild a published bundle and
 * compare `sha256sum`.
 */

const WINDOW = 32 * 1024;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** Candidates examined per position; fixed, so the output is a pure function of the input. */
const MAX_CHAIN = 64;
const HASH_BITS = 15;
const HASH_SIZE = 1 << HASH_BITS;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/** Length (3..258) → index into LENGTH_BASE. */
const LENGTH_INDEX = new Uint8Array(MAX_MATCH + 1);
for (let i = 0; i < LENGTH_BASE.length; i++) {
  const end = i + 1 < LENGTH_BASE.length ? LENGTH_BASE[i + 1]! : MAX_MATCH + 1;
  for (let l = LENGTH_BASE[i]!; l < end; l++) LENGTH_INDEX[l] = i;
}
LENGTH_INDEX[MAX_MATCH] = LENGTH_BASE.length - 1;

function distIndex(d: number): number {
  let lo = 0;
  let hi = DIST_BASE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (DIST_BASE[mid]! <= d) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  private acc = 0;
  private n = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  /** `count` bits of `value`, least significant first (how DEFLATE packs everything but Huffman codes). */
  bits(value: number, count: number): void {
    this.acc |= value << this.n;
    this.n += count;
    while (this.n >= 8) {
      this.byte(this.acc & 0xff);
      this.acc >>>= 8;
      this.n -= 8;
    }
  }

  /** A Huffman code, which DEFLATE stores most significant bit first. */
  code(code: number, length: number): void {
    let reversed = 0;
    for (let i = 0; i < length; i++) reversed |= ((code >> i) & 1) << (length - 1 - i);
    this.bits(reversed, length);
  }

  finish(): Uint8Array {
    if (this.n > 0) this.byte(this.acc & 0xff);
    this.acc = 0;
    this.n = 0;
    return this.buf.subarray(0, this.pos);
  }

  private byte(b: number): void {
    if (this.pos === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.pos++] = b;
  }
}

/** RFC 1951 §3.2.6 fixed literal/length code. */
function literalLength(w: BitWriter, symbol: number): void {
  if (symbol < 144) w.code(0x30 + symbol, 8);
  else if (symbol < 256) w.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) w.code(symbol - 256, 7);
  else w.code(0xc0 + symbol - 280, 8);
}

/** Raw DEFLATE of `input`: deterministic, one final fixed-Huffman block. */
export function deflateRawDeterministic(input: Uint8Array): Uint8Array {
  const w = new BitWriter(input.length + (input.length >> 3) + 16);
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE = 01, fixed Huffman codes
  const head = new Int32Array(HASH_SIZE).fill(-1);
  const prev = new Int32Array(WINDOW).fill(-1);
  const n = input.length;
  const hash = (i: number): number => ((input[i]! << 10) ^ (input[i + 1]! << 5) ^ input[i + 2]!) & (HASH_SIZE - 1);
  const insert = (i: number): void => {
    if (i + MIN_MATCH > n) return;
    const h = hash(i);
    prev[i & (WINDOW - 1)] = head[h]!;
    head[h] = i;
  };
  let i = 0;
  while (i < n) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + MIN_MATCH <= n) {
      let candidate = head[hash(i)]!;
      const limit = Math.min(MAX_MATCH, n - i);
      for (let chain = 0; candidate >= 0 && i - candidate <= WINDOW && chain < MAX_CHAIN; chain++) {
        if (input[candidate + bestLen] === input[i + bestLen]) {
          let len = 0;
          while (len < limit && input[candidate + len] === input[i + len]) len++;
          if (len > bestLen) {
            bestLen = len;
            bestDist = i - candidate;
            if (len === limit) break;
          }
        }
        const next = prev[candidate & (WINDOW - 1)]!;
        // A slot overwritten by a newer position would point forward; the chain ends there.
        if (next >= candidate) break;
        candidate = next;
      }
    }
    if (bestLen >= MIN_MATCH) {
      const li = LENGTH_INDEX[bestLen]!;
      literalLength(w, 257 + li);
      if (LENGTH_EXTRA[li]! > 0) w.bits(bestLen - LENGTH_BASE[li]!, LENGTH_EXTRA[li]!);
      const di = distIndex(bestDist);
      w.code(di, 5);
      if (DIST_EXTRA[di]! > 0) w.bits(bestDist - DIST_BASE[di]!, DIST_EXTRA[di]!);
      for (let k = 0; k < bestLen; k++) insert(i + k);
      i += bestLen;
    } else {
      literalLength(w, input[i]!);
      insert(i);
      i++;
    }
  }
  literalLength(w, 256);
  return w.finish();
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * gzip member with a fixed header: no name, mtime 0, XFL 0, OS 255 ("unknown", what Go writes).
 * The deflate stream is inflated again before returning: a compressor bug must never ship a bundle.
 */
export function gzipDeterministicBytes(input: Uint8Array): Uint8Array {
  const body = deflateRawDeterministic(input);
  if (!Buffer.from(inflateRawSync(body)).equals(Buffer.from(input.buffer, input.byteOffset, input.byteLength))) {
    throw new Error('deterministic deflate produced a stream that does not inflate to its input');
  }
  const out = Buffer.alloc(10 + body.length + 8);
  out.set([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff], 0);
  out.set(body, 10);
  out.writeUInt32LE(crc32(input), 10 + body.length);
  out.writeUInt32LE(input.length >>> 0, 14 + body.length);
  return out;
}
