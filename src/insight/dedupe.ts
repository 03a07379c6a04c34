/**
 * Duplicate decisions: OPA re-sends an upload chunk the collector failed to acknowledge, and a
 * retried write can log the same event twice, so the same `decision_id` may appear again. A
 * decision is one call: it counts once. Remembering every id would grow with the log, so the
 * reader remembers the last `RECENT_IDS` ids, as 64-bit hashes in a fixed table (3 MB; the ids
 * themselves would pin the text they were parsed from): a repeat within that reach is found — two
 * distinct ids collide about once in 10^14 reads — and a repeat later than that counts again.
 * Retries land next to the original.
 */
import { hash32 } from './distinct.js';

export const RECENT_IDS = 1 << 17;

/** A second, independent 32-bit hash: FNV-1a from another offset basis. */
function hashB(text: string): number {
  let h = 0x6c62272e;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h | 0;
}

/** The two 32-bit halves a decision id is remembered by (computed where the event is parsed). */
export function idKey(id: string): [number, number] {
  return [hash32(id) | 0, hashB(id)];
}

/**
 * Open addressing with linear probing over twice as many slots as ids remembered (twice the ids remembered, so probes stay
 * short), and a ring that names the id to forget when a new one comes in.
 */
export class RecentIds {
  private readonly mask: number;
  private readonly hi: Int32Array;
  private readonly lo: Int32Array;
  private readonly used: Uint8Array;
  private readonly ringHi: Int32Array;
  private readonly ringLo: Int32Array;
  private size = 0;
  private next = 0;

  /** `reach`: how many ids are remembered (a power of two). */
  constructor(private readonly reach = RECENT_IDS) {
    const slots = reach * 2;
    this.mask = slots - 1;
    this.hi = new Int32Array(slots);
    this.lo = new Int32Array(slots);
    this.used = new Uint8Array(slots);
    this.ringHi = new Int32Array(reach);
    this.ringLo = new Int32Array(reach);
  }

  private find(a: number, b: number): number {
    for (let i = b & this.mask; this.used[i] === 1; i = (i + 1) & this.mask) if (this.lo[i] === b && this.hi[i] === a) return i;
    return -1;
  }

  /** Backward-shift deletion: later entries of the probe run move up, so no tombstones pile up. */
  private remove(i: number): void {
    for (let j = i; ; ) {
      j = (j + 1) & this.mask;
      if (this.used[j] === 0) break;
      const home = this.lo[j]! & this.mask;
      // Move j into the hole at i unless its home lies cyclically in (i, j].
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      this.hi[i] = this.hi[j]!;
      this.lo[i] = this.lo[j]!;
      i = j;
    }
    this.used[i] = 0;
  }

  /** True when the id of the key (`idKey`) was seen within the reach (the caller skips the event); else remembers it. */
  repeat(a: number, b: number): boolean {
    if (this.find(a, b) >= 0) return true;
    if (this.size === this.reach) {
      const old = this.find(this.ringHi[this.next]!, this.ringLo[this.next]!);
      if (old >= 0) this.remove(old);
      this.size--;
    }
    let i = b & this.mask;
    while (this.used[i] === 1) i = (i + 1) & this.mask;
    this.used[i] = 1;
    this.hi[i] = a;
    this.lo[i] = b;
    this.ringHi[this.next] = a;
    this.ringLo[this.next] = b;
    this.next = (this.next + 1) % this.reach;
    this.size++;
    return false;
  }
}
