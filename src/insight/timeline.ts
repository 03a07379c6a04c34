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
    while (Math.max(this.maxIndex, index) - Math.min(this.minIndex, index) >= MAX_BUCKETS) {
      this.widen();
      index = Math.floor(timeMs / this.widthMs);
    }
    if (index < this.minIndex) this.minIndex = index;
    if (index > this.maxIndex) this.maxIndex = index;
    return index;
  }

  private widen(): void {
    this.widthMs *= 2;
    this.minIndex = Math.floor(this.minIndex / 2);
    this.maxIndex = Math.floor(this.maxIndex / 2);
    for (const s of this.series) s.halve();
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

/** Would-deny and deny counts per bucket index. */
export class Series {
  private counts = new Map<number, [number, number]>();

  add(index: number, wouldDeny: number, deny: number): void {
    const c = this.counts.get(index);
    if (c === undefined) this.counts.set(index, [wouldDeny, deny]);
    else {
      c[0] += wouldDeny;
      c[1] += deny;
    }
  }

  halve(): void {
    const next = new Map<number, [number, number]>();
    for (const [i, [w, d]] of this.counts) {
      const j = Math.floor(i / 2);
      const c = next.get(j);
      if (c === undefined) next.set(j, [w, d]);
      else {
        c[0] += w;
        c[1] += d;
      }
    }
    this.counts = next;
  }

  /** Dense arrays over `count` buckets starting at `first`. */
  dense(first: number, count: number): { wouldDeny: number[]; deny: number[] } {
    const wouldDeny = new Array<number>(count).fill(0);
    const deny = new Array<number>(count).fill(0);
    for (const [i, [w, d]] of this.counts) {
      const k = i - first;
      if (k >= 0 && k < count) {
        wouldDeny[k] = w;
        deny[k] = d;
      }
    }
    return { wouldDeny, deny };
  }
}
