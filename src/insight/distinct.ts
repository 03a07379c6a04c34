/**
 * Counts distinct strings in bounded memory: exactly while there are at most `EXACT_LIMIT`
 * (the common case — a rule hit by a handful of tokens), then as a HyperLogLog sketch with
 * 2^12 one-byte registers (4 KiB, standard error 1.04/√4096 ≈ 1.6%), with the small-range
 * (linear counting) correction. Values are kept as 32-bit hashes, computed once per event by
 * the caller (`hash32`) and shared by every counter the event feeds; "exact" is exact up to a
 * hash collision (about 1 in 2 million for 64 values).
 */
export const EXACT_LIMIT = 64;
const P = 12;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);

/** 32-bit FNV-1a, then a murmur3 finaliser so the low and high bits both mix. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class DistinctCounter {
  private exact: Set<number> | null = new Set();
  private registers: Uint8Array | null = null;

  add(value: string): void {
    this.addHash(hash32(value));
  }

  addHash(h: number): void {
    if (this.exact !== null) {
      this.exact.add(h);
      if (this.exact.size <= EXACT_LIMIT) return;
      this.registers = new Uint8Array(M);
      for (const v of this.exact) this.register(v);
      this.exact = null;
      return;
    }
    this.register(h);
  }

  private register(h: number): void {
    const index = h >>> (32 - P);
    // Rank of the first 1 bit in the remaining 20 bits (1-based); all zero gives 21.
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    const registers = this.registers!;
    if (rank > registers[index]!) registers[index] = rank;
  }

  /** Whether `count` is exact (no sketch yet). */
  get isExact(): boolean {
    return this.exact !== null;
  }

  get count(): number {
    if (this.exact !== null) return this.exact.size;
    const registers = this.registers!;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (ALPHA * M * M) / sum;
    if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }
}

export const DISTINCT_METHOD = `exact up to ${EXACT_LIMIT} values, then HyperLogLog (2^${P} registers, ±1.6%)`;
