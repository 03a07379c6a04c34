/** Levenshtein edit distance (insertions, deletions, substitutions), O(a·b) time, O(b) memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo: within a third
 * of the longer length (at least 1, at most 3 edits), comparing case-insensitively first so that
 * `policy` suggests `Policy`. Failing that, the one candidate sharing the longest prefix of at
 * least 3 characters that reads as an abbreviation or a variant ending (`prod` → `production`,
 * `denied` → `deny`). Ties go to the earlier candidate,
 * so callers control the order.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = input.toLowerCase();
  const list = [...candidates];
  for (const candidate of list) {
    if (candidate === input) continue;
    const d = candidate.toLowerCase() === lower ? 0.5 : editDistance(lower, candidate.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3)));
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ?? byPrefix(lower, list);
}

function byPrefix(lower: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestLength = 2;
  let tie = false;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (c === lower) continue;
    let n = 0;
    while (n < c.length && n < lower.length && c[n] === lower[n]) n++;
    // An abbreviation (`prod`), or a different ending of at most 3 characters (`denied`); a longer
    // input that merely starts like a candidate (`projectCreate` vs `project`) is another name.
    const plausible = n === lower.length || (lower.length - n <= 3 && c.length - n <= 3);
    if (!plausible) continue;
    if (n > bestLength) {
      best = candidate;
      bestLength = n;
      tie = false;
    } else if (n === bestLength && best !== undefined) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

/** `did you mean `x`?` or undefined. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closest(input, candidates);
  return match === undefined ? undefined : `did you mean \`${match}\`?`;
}

/** `` `a`, `b` and `c` `` */
export function listCode(values: readonly string[], conjunction = 'and'): string {
  const quoted = values.map((v) => `\`${v}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1] ?? ''}`;
}
