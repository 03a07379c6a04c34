import type { DecisionEngine } from './sdk.js';

/** An engine together with the bundle revision it was loaded from. */
export interface LoadedEngine {
  readonly engine: DecisionEngine;
  readonly revision: string;
}

/**
 * The engine an enforcer decides with right now. Activating a new bundle replaces it in one
 * assignment: a request takes `current()` once and decides with that engine to the end, so a swap
 * never mixes two revisions inside one request, and a failed activation (nothing swapped) keeps
 * the last good engine deciding.
 */
export class ActiveEngine {
  private active: LoadedEngine | null = null;

  /** The engine to decide with, or null before the first activation (an enforcer then fails closed). */
  current(): LoadedEngine | null {
    return this.active;
  }

  /** Installs `next` and returns the engine it replaced. */
  swap(next: LoadedEngine): LoadedEngine | null {
    const previous = this.active;
    this.active = next;
    return previous;
  }

  /**
   * Installs `next` only if `expected` is still the active engine, so an activation that started
   * from an older state cannot overwrite a newer one that finished first. True when it swapped.
   */
  compareAndSwap(expected: LoadedEngine | null, next: LoadedEngine): boolean {
    if (this.active !== expected) return false;
    this.active = next;
    return true;
  }
}
