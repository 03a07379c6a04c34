import type { DecisionRecord } from './event.js';

/**
 * One buffered decision. The event (id, masked input copy, timestamp text) and its JSON line are
 * made once, off the decision path: recording stays a push of what the decision had. Once the
 * line is built, `record` is let go (`RELEASED`): a buffered line is one flat string for the
 * garbage collector to move, not the input's object graph.
 */
export interface BufferedEvent {
  readonly seq: number;
  record: DecisionRecord;
  /** True for `shadow` and `deny` decisions: they are kept longer than `allow` ones. */
  readonly decisive: boolean;
  line: string | undefined;
  /** Already written to the local sinks (file, stdout); only the upload is pending. */
  written: boolean;
  /** Dropped from the buffer (overflow): nothing needs its line any more. */
  dropped: boolean;
}

/** What `record` becomes once the event's line is built: nothing reads it after that. */
export const RELEASED: DecisionRecord = Object.freeze({ input: null, result: Object.freeze({}) as DecisionRecord['result'], bundle: null, timeMs: 0, durationNs: 0 });

/** Why an event was dropped; the counter names follow OPA's (`decision_logs_dropped_<cause>`). */
export type DropCause = 'buffer_size_limit_exceeded';

export interface DropCounts {
  /** Allow decisions dropped to make room (or refused while the buffer held only decisive ones). */
  allow: number;
  /** Shadow or deny decisions dropped: only when the whole buffer holds shadow/deny decisions. */
  decisive: number;
}

/** A FIFO of events with a head index (no `shift()` copying), compacted when half consumed. */
class Queue {
  private items: BufferedEvent[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(e: BufferedEvent): void {
    this.items.push(e);
  }
  peek(): BufferedEvent | undefined {
    return this.items[this.head];
  }
  shift(): BufferedEvent | undefined {
    const e = this.items[this.head];
    if (e === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as BufferedEvent;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }
  unshiftAll(events: readonly BufferedEvent[]): void {
    this.items = [...events, ...this.items.slice(this.head)];
    this.head = 0;
  }
}

/**
 * The decision-log buffer: bounded by a count of events, so memory is bounded whatever the sinks
 * do. When full, `allow` events go first (the oldest one), then — only if nothing but `shadow` and
 * `deny` events is left — the oldest of those (OPA's ring). Every drop is counted, by cause and
 * by kind. Pushing is O(1) and never waits: a decision never blocks on its log.
 */
export class EventBuffer {
  private readonly allows = new Queue();
  private readonly decisives = new Queue();
  private seq = 0;
  readonly dropped: DropCounts = { allow: 0, decisive: 0 };

  constructor(readonly limit: number) {}

  get size(): number {
    return this.allows.length + this.decisives.length;
  }

  /** Buffers one decision; returns its entry, or undefined when it was refused (counted as dropped). */
  push(record: DecisionRecord): BufferedEvent | undefined {
    const decisive = record.result.mode !== 'allow';
    if (this.size >= this.limit) {
      if (!decisive && this.allows.length === 0) {
        this.dropped.allow++;
        return undefined;
      }
      if (this.allows.length > 0) {
        this.allows.shift()!.dropped = true;
        this.dropped.allow++;
      } else {
        this.decisives.shift()!.dropped = true;
        this.dropped.decisive++;
      }
    }
    const entry: BufferedEvent = { seq: this.seq++, record, decisive, line: undefined, written: false, dropped: false };
    (decisive ? this.decisives : this.allows).push(entry);
    return entry;
  }

  /** Takes up to `max` events in decision order. */
  take(max: number): BufferedEvent[] {
    const out: BufferedEvent[] = [];
    while (out.length < max) {
      const a = this.allows.peek();
      const d = this.decisives.peek();
      if (a === undefined && d === undefined) break;
      out.push((d === undefined || (a !== undefined && a.seq < d.seq) ? this.allows.shift() : this.decisives.shift())!);
    }
    return out;
  }

  /**
   * Puts events whose upload failed back in front, within the bound: what does not fit is dropped
   * and counted like any other overflow (allow events first).
   */
  requeue(events: readonly BufferedEvent[]): void {
    this.allows.unshiftAll(events.filter((e) => !e.decisive));
    this.decisives.unshiftAll(events.filter((e) => e.decisive));
    while (this.size > this.limit) {
      if (this.allows.length > 0) {
        this.allows.shift()!.dropped = true;
        this.dropped.allow++;
      } else {
        this.decisives.shift()!.dropped = true;
        this.dropped.decisive++;
      }
    }
  }
}
