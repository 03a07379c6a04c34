/**
 * The decision time as RFC 3339 text, exactly `new Date(clock()).toISOString()`, read on every
 * request. `toISOString` formats the whole date each time (about half a microsecond); here it runs
 * once per second of the clock, and the requests of the other milliseconds of that second take its
 * text with their own milliseconds. The text is kept per millisecond: most requests at load share one.
 */
export function decisionClock(clock: () => number): () => string {
  let at = Number.NaN;
  let time = '';
  // The start of the second `prefix` was formatted for, and its text up to and including the `.`.
  let second = Number.NaN;
  let prefix = '';
  return () => {
    const ms = clock();
    if (ms === at) return time;
    const into = ms % 1000;
    const start = ms - into;
    // Only whole, non-negative milliseconds within the range of a `Date` take the short way;
    // anything else is formatted (or refused) by `toISOString` itself.
    if (start === second && into >= 0 && Number.isInteger(into) && ms < MAX_TIME) time = prefix + MILLIS[into]!;
    else {
      time = new Date(ms).toISOString();
      if (into >= 0 && Number.isInteger(ms) && ms < MAX_TIME) {
        second = start;
        prefix = time.slice(0, -4);
      } else second = Number.NaN;
    }
    at = ms;
    return time;
  };
}

/** The largest time a `Date` holds (ECMA-262 §21.4.1.31): 8.64e15 ms after the epoch. */
const MAX_TIME = 8.64e15;

/** `000Z` … `999Z`: the last four characters of `toISOString` by millisecond of the second. */
const MILLIS: readonly string[] = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);
