// Byte-string helpers, RFC 3339 parsing and by-name classification over raw UTF-8.
import { fs_ptr, fs_len } from "./program";
import { VERB_DELETE, VERB_ERASE, T_QUERY } from "./fixed";

export function bytes_eq(a: usize, alen: i32, b: usize, blen: i32): bool {
  if (alen != blen) return false;
  const n = <usize>alen;
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    if (load<u32>(a + i) != load<u32>(b + i)) return false;
  }
  for (; i < n; i++) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
  }
  return true;
}

/** Byte-wise order, a proper prefix first: the order the compiler sorts tables in. */
export function bytes_cmp(a: usize, alen: i32, b: usize, blen: i32): i32 {
  const n = alen < blen ? alen : blen;
  let i = 0;
  while (i + 8 <= n && load<u64>(a + <usize>i) == load<u64>(b + <usize>i)) i += 8;
  for (; i < n; i++) {
    const x = <i32>load<u8>(a + <usize>i);
    const y = <i32>load<u8>(b + <usize>i);
    if (x != y) return x - y;
  }
  return alen - blen;
}

export function fixed_eq(p: usize, n: i32, fixed: i32): bool {
  return bytes_eq(p, n, fs_ptr(fixed), fs_len(fixed));
}

// ---- RFC 3339 -------------------------------------------------------------------------------

/** Results of the last successful parse_time_at: seconds since the epoch and nanoseconds. */
export let time_sec: i64 = 0;
export let time_ns: i32 = 0;

@inline function digit(p: usize, i: i32): i32 {
  const c = <i32>load<u8>(p + <usize>i);
  return c >= 48 && c <= 57 ? c - 48 : -1;
}

function two(p: usize, i: i32): i32 {
  const a = digit(p, i);
  const b = digit(p, i + 1);
  if (a < 0 || b < 0) return -1;
  return a * 10 + b;
}

function is_leap(y: i32): bool {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

function days_in_month(y: i32, m: i32): i32 {
  if (m == 2) return is_leap(y) ? 29 : 28;
  if (m == 4 || m == 6 || m == 9 || m == 11) return 30;
  return 31;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
function days_from_civil(y0: i32, m: i32, d: i32): i64 {
  const y = <i64>(m <= 2 ? y0 - 1 : y0);
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = <i64>(m > 2 ? m - 3 : m + 9);
  const doy = (153 * mp + 2) / 5 + <i64>d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// RFC 3339 parses remembered per call site (`site` 0-3): the input's `time` is the same text from call
// to call for a second, and a token's `expires` for as long as the token is used. A parse is a
// pure function of the bytes, so a repeat is answered from the bytes compared.
const SITES: i32 = 4;
const MEMO_MAX: i32 = 40;
// [length i32][ok u8][pad 3][sec i64][ns i32][pad 4][bytes × MEMO_MAX]
const MEMO_SIZE: usize = 24 + <usize>MEMO_MAX;
const memo: usize = memory.data(SITES * <i32>MEMO_SIZE, 8);

/** parse_time_text remembered for `site` (0-3); the length is stored plus one, so a fresh module's zeros match nothing. */
export function parse_time_at(site: i32, p: usize, n: i32): bool {
  const m = memo + <usize>site * MEMO_SIZE;
  if (n <= MEMO_MAX && load<i32>(m) == n + 1 && bytes_eq(m + 24, n, p, n)) {
    if (load<u8>(m, 4) == 0) return false;
    time_sec = load<i64>(m, 8);
    time_ns = load<i32>(m, 16);
    return true;
  }
  const ok = parse_time_text(p, n);
  if (n <= MEMO_MAX) {
    store<i32>(m, n + 1);
    store<u8>(m, ok ? 1 : 0, 4);
    store<i64>(m, time_sec, 8);
    store<i32>(m, time_ns, 16);
    for (let i = 0; i < n; i++) store<u8>(m + 24 + <usize>i, load<u8>(p + <usize>i));
  }
  return ok;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction]` (`T` or `t`) then `Z`, `z` or `±HH:MM`, with a real calendar date, hours 0-23,
 * minutes and seconds 0-59 (no leap second) and an offset up to 23:59.
 */
function parse_time_text(p: usize, n: i32): bool {
  if (n < 20) return false;
  const y0 = two(p, 0);
  const y1 = two(p, 2);
  if (y0 < 0 || y1 < 0) return false;
  const year = y0 * 100 + y1;
  if (load<u8>(p + 4) != 45 || load<u8>(p + 7) != 45 || (load<u8>(p + 10) | 32) != 116) return false;
  if (load<u8>(p + 13) != 58 || load<u8>(p + 16) != 58) return false;
  const month = two(p, 5);
  const day = two(p, 8);
  const hour = two(p, 11);
  const minute = two(p, 14);
  const second = two(p, 17);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let i = 19;
  let ns = 0;
  if (load<u8>(p + 19) == 46) {
    i = 20;
    let digits = 0;
    while (i < n && digit(p, i) >= 0) {
      if (digits == 9) return false;
      ns = ns * 10 + digit(p, i);
      digits++;
      i++;
    }
    if (digits == 0) return false;
    for (let k = digits; k < 9; k++) ns *= 10;
  }
  if (i >= n) return false;
  const z = load<u8>(p + <usize>i);
  let offset = 0;
  if (z == 90 || z == 122) {
    if (i + 1 != n) return false;
  } else if (z == 43 || z == 45) {
    if (i + 6 != n || load<u8>(p + <usize>(i + 3)) != 58) return false;
    const oh = two(p, i + 1);
    const om = two(p, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offset = (oh * 60 + om) * 60;
    if (z == 45) offset = -offset;
  } else {
    return false;
  }
  time_sec = days_from_civil(year, month, day) * 86400 + <i64>(hour * 3600 + minute * 60 + second) - <i64>offset;
  time_ns = ns;
  return true;
}

// ---- classification by name ----------------------------------------------------------------

@inline function is_upper(c: u32): bool { return c >= 65 && c <= 90; }
@inline function is_lower(c: u32): bool { return c >= 97 && c <= 122; }
@inline function is_lower_or_digit(c: u32): bool { return is_lower(c) || (c >= 48 && c <= 57); }
@inline function is_sep(c: u32): bool { return c == 95 || c == 45 || c == 46 || c == 47; }

// A word compared ASCII-lowercased: only ASCII letters can spell a verb, and no non-ASCII
// character lowercases to one of the verbs' letters.
function is_verb(p: usize, from: i32, to: i32): bool {
  const n = to - from;
  if (n < 4 || n > 9) return false;
  for (let v = VERB_DELETE; v <= VERB_ERASE; v++) {
    if (fs_len(v) != n) continue;
    const vp = fs_ptr(v);
    let same = true;
    for (let k = 0; k < n; k++) {
      let c = <u32>load<u8>(p + <usize>(from + k));
      if (is_upper(c)) c += 32;
      if (c != <u32>load<u8>(vp + <usize>k)) { same = false; break; }
    }
    if (same) return true;
  }
  return false;
}

/**
 * README's rule for uncatalogued operations (src/core/classify.ts): words split at `_ - . /`, at a
 * lowercase letter or digit followed by a capital, and before the last capital of an acronym.
 * Returns 0 read, 1 write, 2 destructive. `typeLen` < 0 means no operation type.
 */
export function classify_by_name(p: usize, n: i32, typePtr: usize, typeLen: i32): i32 {
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(p + <usize>i);
    if (is_sep(c)) {
      if (is_verb(p, start, i)) return 2;
      start = i + 1;
      continue;
    }
    if (i > start) {
      const prev = <u32>load<u8>(p + <usize>(i - 1));
      if (
        (is_lower_or_digit(prev) && is_upper(c)) ||
        (is_upper(prev) && is_upper(c) && i + 1 < n && is_lower(<u32>load<u8>(p + <usize>(i + 1))))
      ) {
        if (is_verb(p, start, i)) return 2;
        start = i;
      }
    }
  }
  if (is_verb(p, start, n)) return 2;
  if (typeLen >= 0 && fixed_eq(typePtr, typeLen, T_QUERY)) return 0;
  return 1;
}
