import type { VerifiedChain } from './chain.js';

/** How many verified chains one trust store keeps. */
export const CHAIN_CACHE_SIZE = 4096;

/**
 * Verified chains by envelope hash: a retried call, or every call of one job, re-sends the same
 * envelope, so its signatures are checked once. Bounded (least recently used out first), and an
 * entry never outlives its chain's expiry. Only successes are kept; time and scope are checked on
 * every call.
 */
export class ChainCache {
  private readonly entries = new Map<string, VerifiedChain>();

  constructor(private readonly size = CHAIN_CACHE_SIZE) {}

  get(hash: string, nowSeconds: number, skewSeconds: number): VerifiedChain | undefined {
    const hit = this.entries.get(hash);
    if (hit === undefined) return undefined;
    this.entries.delete(hash);
    if (nowSeconds > hit.exp + skewSeconds) return undefined;
    this.entries.set(hash, hit);
    return hit;
  }

  set(hash: string, chain: VerifiedChain): void {
    this.entries.delete(hash);
    this.entries.set(hash, chain);
    if (this.entries.size > this.size) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  get count(): number {
    return this.entries.size;
  }
}
