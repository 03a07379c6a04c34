/**
 * The runaway-agent signature: many distinct destructive calls (operation × resource) from one
 * token or one originator inside a short sliding window. Per actor the detector keeps only the
 * calls inside the window (capped), and overlapping windows over the threshold merge into one
 * burst with its extent, counts and sample decision ids.
 */
export interface BurstOptions {
  windowMs: number;
  /** Distinct destructive (operation, resource) pairs in one window that make a burst. */
  threshold: number;
}

export const DEFAULT_BURST: BurstOptions = { windowMs: 5 * 60_000, threshold: 5 };

export interface Burst {
  /** `token:<name>` or `originator:<name>`. */
  actor: string;
  startMs: number;
  endMs: number;
  /** Destructive calls from the actor within the burst. */
  calls: number;
  /** Distinct destructive operations (at most 50 listed). */
  operations: string[];
  /** Distinct resources touched, exactly up to 1000 then at least that many. */
  resources: number;
  denied: number;
  sampleIds: string[];
}

const MAX_IN_WINDOW = 10_000;
const MAX_ACTORS = 50_000;
const MAX_BURSTS = 1_000;

interface Call {
  t: number;
  key: string;
  denied: boolean;
}

export type ActorKind = 'token' | 'originator';

class ActorWindow {
  constructor(readonly actor: string) {}
  calls: Call[] = [];
  head = 0;
  keys = new Map<string, number>();
  lastMs = -Infinity;
  open: Burst | null = null;
  openOps = new Set<string>();
  openResources = new Set<string>();
}

export class BurstDetector {
  /** Per kind, so a lookup is by the logged name itself (no `kind:name` string built per call). */
  private readonly actors: Record<ActorKind, Map<string, ActorWindow>> = { token: new Map(), originator: new Map() };
  private readonly done: Burst[] = [];
  private latestMs = -Infinity;
  constructor(private readonly options: BurstOptions) {}

  /**
   * One destructive call of an actor (a token's name or an originator). `key` is the call's
   * `operation\u0000resource`, built once by the caller for every actor the call counts for.
   */
  add(kind: ActorKind, name: string, timeMs: number, operation: string, resource: string | null, denied: boolean, id: string, key = `${operation}\u0000${resource ?? ''}`): void {
    const actors = this.actors[kind];
    let w = actors.get(name);
    if (w === undefined) {
      if (this.actors.token.size + this.actors.originator.size >= MAX_ACTORS) this.sweep(timeMs);
      w = new ActorWindow(`${kind}:${name}`);
      actors.set(name, w);
    }
    // Logs are time-ordered per writer; a late event counts at the actor's latest time.
    const t = Math.max(timeMs, w.lastMs);
    w.lastMs = t;
    if (t > this.latestMs) this.latestMs = t;
    w.calls.push({ t, key, denied });
    w.keys.set(key, (w.keys.get(key) ?? 0) + 1);
    while (w.head < w.calls.length && (w.calls[w.head]!.t <= t - this.options.windowMs || w.calls.length - w.head > MAX_IN_WINDOW)) {
      const old = w.calls[w.head++]!;
      const n = w.keys.get(old.key)! - 1;
      if (n === 0) w.keys.delete(old.key);
      else w.keys.set(old.key, n);
    }
    // Calls that left the window are dropped once they are half the array: an actor calling a few
    // times a day must not keep a week of calls (and their keys) alive.
    if (w.head > 16 && w.head * 2 > w.calls.length) {
      w.calls = w.calls.slice(w.head);
      w.head = 0;
    }
    if (w.open !== null && t - w.open.endMs > this.options.windowMs) this.close(w);
    if (w.open === null && w.keys.size >= this.options.threshold) {
      const first = w.calls[w.head]!.t;
      // The calls already in the window that tripped the threshold belong to the burst.
      w.open = { actor: w.actor, startMs: first, endMs: t, calls: w.calls.length - w.head - 1, operations: [], resources: 0, denied: 0, sampleIds: [] };
      for (let i = w.head; i < w.calls.length - 1; i++) {
        const [op, res] = w.calls[i]!.key.split('\u0000') as [string, string];
        if (w.openOps.size < 50) w.openOps.add(op);
        if (res !== '' && w.openResources.size < 1000) w.openResources.add(res);
        if (w.calls[i]!.denied) w.open.denied++;
      }
    }
    if (w.open !== null) {
      const b = w.open;
      b.endMs = t;
      b.calls++;
      if (denied) b.denied++;
      if (b.sampleIds.length < 5) b.sampleIds.push(id);
      if (w.openOps.size < 50) w.openOps.add(operation);
      if (resource !== null && w.openResources.size < 1000) w.openResources.add(resource);
    }
  }

  private close(w: ActorWindow): void {
    const b = w.open!;
    b.operations = [...w.openOps].sort();
    b.resources = w.openResources.size;
    if (this.done.length < MAX_BURSTS) this.done.push(b);
    w.open = null;
    w.openOps = new Set();
    w.openResources = new Set();
  }

  /** Drops actors idle for longer than the window (their open bursts are closed first). */
  private sweep(nowMs: number): void {
    for (const actors of [this.actors.token, this.actors.originator]) {
      for (const [name, w] of actors) {
        if (w.lastMs <= nowMs - this.options.windowMs) {
          if (w.open !== null) this.close(w);
          actors.delete(name);
        }
      }
    }
  }

  /** Every burst, longest first. */
  finish(): Burst[] {
    for (const actors of [this.actors.token, this.actors.originator]) for (const w of actors.values()) if (w.open !== null) this.close(w);
    return [...this.done].sort((a, b) => b.operations.length - a.operations.length || b.calls - a.calls || a.startMs - b.startMs || (a.actor < b.actor ? -1 : 1));
  }
}
