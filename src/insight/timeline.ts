/**
 * Counts over time on one shared grid: buckets start an hour wide and double (every series
 * merging pairs) whenever the span would pass `MAX_BUCKETS`, so a year of logs still draws as
 * at most that many bars and memory stays bounded per series.
 */
export const MAX_BUCKETS = 200;
const START_WIDTH_MS = 3_600_000;

export class Timeline {
  widthMs = START_WIDTH_MS;
  private minIndex = Infinity;
  private maxIndex = -Infinity;
  private readonly series = new Set<Series>();

  /** The bucket of a time, widening the grid first when it would not fit. */
  index(timeMs: number): number {
    let index = Math.floor(timeMs / this.widthMs);
    // The fast path: inside the grid already.
    if (index >= this.minIndex && index <= this.maxIndex) return index;
    while (Math.max(this.maxIndex, index) - Math.min(this.minIndex, index) >= MAX_BUCKETS) {
      this.widen();
      index = Math.floor(timeMs / this.widthMs);
    }
    if (index < this.minIndex) this.minIndex = index;
    if (index > this.maxIndex) this.maxIndex = index;
    return index;
  }

  private widen(): void {
    if (this.minIndex <= this.maxIndex) for (const s of this.series) s.halve(this.minIndex, this.maxIndex);
    this.widthMs *= 2;
    this.minIndex = Math.floor(this.minIndex / 2);
    this.maxIndex = Math.floor(this.maxIndex / 2);
  }

  newSeries(): Series {
    const s = new Series();
    this.series.add(s);
    return s;
  }

  /** Bucket start times (ms) from the first to the last bucket seen. */
  buckets(): number[] {
    if (this.minIndex > this.maxIndex) return [];
    const out: number[] = [];
    for (let i = this.minIndex; i <= this.maxIndex; i++) out.push(i * this.widthMs);
    return out;
  }

  get firstIndex(): number {
    return this.minIndex;
  }
}

/**
 * Would-deny and deny counts per bucket, in a fixed ring of `MAX_BUCKETS` slots (1.6 KiB a
 * series, however many events): the grid never spans more buckets than that, so an index's slot
 * (`index mod MAX_BUCKETS`) is unique within it.
 */
export class Series {
  private counts = new Uint32Array(2 * MAX_BUCKETS);

  private static slot(index: number): number {
    return 2 * (((index % MAX_BUCKETS) + MAX_BUCKETS) % MAX_BUCKETS);
  }

  add(index: number, wouldDeny: number, deny: number): void {
    const k = Series.slot(index);
    this.counts[k]! += wouldDeny;
    this.counts[k + 1]! += deny;
  }

  /** Merges pairs of buckets: the old grid `[min, max]` becomes `[min/2, max/2]`. */
  halve(min: number, max: number): void {
    const next = new Uint32Array(2 * MAX_BUCKETS);
    for (let i = min; i <= max; i++) {
      const from = Series.slot(i);
      const to = Series.slot(Math.floor(i / 2));
      next[to]! += this.counts[from]!;
      next[to + 1]! += this.counts[from + 1]!;
    }
    this.counts = next;
  }

  /** Dense arrays over `count` buckets starting at `first`. */
  dense(first: number, count: number): { wouldDeny: number[]; deny: number[] } {
    const wouldDeny = new Array<number>(count).fill(0);
    const deny = new Array<number>(count).fill(0);
    for (let k = 0; k < count; k++) {
      const slot = Series.slot(first + k);
      wouldDeny[k] = this.counts[slot]!;
      deny[k] = this.counts[slot + 1]!;
    }
    return { wouldDeny, deny };
  }
}
