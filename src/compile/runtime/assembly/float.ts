// Correctly rounded decimal ↔ f64 conversion without any runtime allocation.
//
// Parsing: a first approximation (exact on the classic fast path: at most 2^53 and |exp10| <= 22),
// then, only when needed, an exact big-integer comparison of the decimal value with the halfway
// points around the approximation, stepping one ulp until it is the nearest double (ties to even).
// Printing: the exact decimal expansion of the double (a double is f * 2^k, so its digits are
// those of f << k or f * 5^-k), rounded to the fewest significant digits that parse back to the
// same double (at most 17), so the text round-trips through any correct JSON reader.

import { alloc, free } from "./alloc";

// Big integers: little-endian u32 limbs in static buffers. 400 limbs = 12,800 bits, above the
// largest operand: 781 significant digits (2,595 bits) times 5^1111 (2,580 bits) and shifts.
const LIMBS: i32 = 400;
const BIG_A: usize = memory.data(LIMBS * 4 + 4);
const BIG_B: usize = memory.data(LIMBS * 4 + 4);
// Length (limb count) is kept at offset LIMBS*4.
const LEN_AT: usize = <usize>LIMBS * 4;

// 767 significant digits decide the rounding of any double; beyond that a sticky digit stands
// for the rest.
const MAX_DIGITS: i32 = 780;

function big_len(b: usize): i32 {
  return load<i32>(b + LEN_AT);
}

function big_set_len(b: usize, n: i32): void {
  store<i32>(b + LEN_AT, n);
}

function big_limb(b: usize, i: i32): u32 {
  return load<u32>(b + (<usize>i << 2));
}

function big_set_u64(b: usize, x: u64): void {
  store<u32>(b, <u32>x);
  store<u32>(b + 4, <u32>(x >> 32));
  big_set_len(b, x == 0 ? 0 : (x >> 32) != 0 ? 2 : 1);
}

function big_mul_add_small(b: usize, m: u32, add: u32): void {
  let carry = <u64>add;
  const n = big_len(b);
  for (let i = 0; i < n; i++) {
    const p = b + (<usize>i << 2);
    const t = <u64>load<u32>(p) * <u64>m + carry;
    store<u32>(p, <u32>t);
    carry = t >> 32;
  }
  if (carry != 0 && n < LIMBS) {
    store<u32>(b + (<usize>n << 2), <u32>carry);
    big_set_len(b, n + 1);
  }
}

function big_mul_pow5(b: usize, e: i32): void {
  while (e >= 13) {
    big_mul_add_small(b, 1220703125, 0); // 5^13
    e -= 13;
  }
  let m: u32 = 1;
  while (e > 0) {
    m *= 5;
    e--;
  }
  if (m != 1) big_mul_add_small(b, m, 0);
}

function big_shl(b: usize, bits: i32): void {
  const n = big_len(b);
  if (n == 0 || bits == 0) return;
  const words = bits >> 5;
  const r = bits & 31;
  let top = n + words + 1;
  if (top > LIMBS) top = LIMBS;
  for (let i = top - 1; i >= 0; i--) {
    const src = i - words;
    let v: u32 = 0;
    if (src >= 0 && src < n) v = r == 0 ? big_limb(b, src) : big_limb(b, src) << <u32>r;
    if (r != 0 && src - 1 >= 0 && src - 1 < n) v |= big_limb(b, src - 1) >> <u32>(32 - r);
    store<u32>(b + (<usize>i << 2), v);
  }
  let len = top;
  while (len > 0 && big_limb(b, len - 1) == 0) len--;
  big_set_len(b, len);
}

function big_compare(a: usize, b: usize): i32 {
  const la = big_len(a);
  const lb = big_len(b);
  if (la != lb) return la < lb ? -1 : 1;
  for (let i = la - 1; i >= 0; i--) {
    const x = big_limb(a, i);
    const y = big_limb(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

// Divides in place by d, returns the remainder.
function big_divmod_small(b: usize, d: u32): u32 {
  let rem: u64 = 0;
  const n = big_len(b);
  for (let i = n - 1; i >= 0; i--) {
    const p = b + (<usize>i << 2);
    const cur = (rem << 32) | <u64>load<u32>(p);
    store<u32>(p, <u32>(cur / <u64>d));
    rem = cur % <u64>d;
  }
  let len = n;
  while (len > 0 && big_limb(b, len - 1) == 0) len--;
  big_set_len(b, len);
  return <u32>rem;
}

// ---------------------------------------------------------------------------------------------
// parsing

// Parsed form of a literal: significant digits (no leading zeros) in DIGITS, value = D * 10^exp.
const DIGITS: usize = memory.data(MAX_DIGITS + 8);
let ndigits: i32 = 0;
let exp10: i32 = 0;
let negative: bool = false;

// Splits a JSON number literal; false when it is not one.
function scan(p: usize, len: i32): bool {
  let i = 0;
  negative = false;
  ndigits = 0;
  exp10 = 0;
  if (i < len && load<u8>(p) == 0x2d) {
    negative = true;
    i++;
  }
  let any = false;
  let dropped_nonzero = false;
  for (let pass = 0; pass < 2; pass++) {
    for (; i < len; i++) {
      const c = <i32>load<u8>(p + <usize>i) - 0x30;
      if (c < 0 || c > 9) break;
      any = true;
      if (ndigits == 0 && c == 0) {
        if (pass == 1) exp10--;
        continue;
      }
      if (ndigits < MAX_DIGITS) {
        store<u8>(DIGITS + <usize>ndigits, <u8>c);
        ndigits++;
        if (pass == 1) exp10--;
      } else {
        if (pass == 0) exp10++;
        if (c != 0) dropped_nonzero = true;
      }
    }
    if (pass == 0) {
      if (i < len && load<u8>(p + <usize>i) == 0x2e) i++;
      else break;
    }
  }
  if (!any) return false;
  if (dropped_nonzero) {
    store<u8>(DIGITS + <usize>ndigits, 1);
    ndigits++;
    exp10--;
  }
  if (i < len && (load<u8>(p + <usize>i) | 0x20) == 0x65) {
    i++;
    let eneg = false;
    if (i < len && (load<u8>(p + <usize>i) == 0x2b || load<u8>(p + <usize>i) == 0x2d)) {
      eneg = load<u8>(p + <usize>i) == 0x2d;
      i++;
    }
    let e: i32 = 0;
    let edigits = false;
    for (; i < len; i++) {
      const c = <i32>load<u8>(p + <usize>i) - 0x30;
      if (c < 0 || c > 9) break;
      edigits = true;
      if (e < 100000) e = e * 10 + c;
    }
    if (!edigits) return false;
    exp10 += eneg ? -e : e;
  }
  return i == len;
}

function pow10(e: i32): f64 {
  let r: f64 = 1;
  let b: f64 = 10;
  let n = e;
  while (n > 0) {
    if (n & 1) r *= b;
    b *= b;
    n >>= 1;
  }
  return r;
}

// A positive double as f * 2^k with f an integer below 2^53.
let dec_f: u64 = 0;
let dec_k: i32 = 0;

function decompose(x: f64): void {
  const bits = reinterpret<u64>(x);
  const be = <i32>((bits >> 52) & 0x7ff);
  const frac = bits & 0xfffffffffffff;
  if (be == 0) {
    dec_f = frac;
    dec_k = -1074;
  } else {
    dec_f = frac | (<u64>1 << 52);
    dec_k = be - 1075;
  }
}

// Compares D * 10^exp10 with the midpoint of adjacent positive doubles lo < hi.
function compare_to_midpoint(lo: f64, hi: f64): i32 {
  decompose(lo);
  const fl = dec_f;
  const kl = dec_k;
  decompose(hi);
  let fh = dec_f;
  let kh = dec_k;
  // Bring both to the smaller exponent; the sum then fits in 55 bits.
  let fs = fl;
  let m = kl;
  if (kh > kl) fh <<= <u64>(kh - kl);
  else if (kl > kh) {
    fs = fl << <u64>(kl - kh);
    m = kh;
  }
  const sum = fs + fh; // midpoint = sum * 2^(m - 1)
  const h = m - 1;
  // L = D * 5^Ep * 2^Ep, R = sum * 5^En * 2^(h + En)
  const ep = exp10 > 0 ? exp10 : 0;
  const en = exp10 < 0 ? -exp10 : 0;
  big_set_len(BIG_A, 0);
  for (let i = 0; i < ndigits; i++) {
    if (big_len(BIG_A) == 0) big_set_u64(BIG_A, <u64>load<u8>(DIGITS + <usize>i));
    else big_mul_add_small(BIG_A, 10, <u32>load<u8>(DIGITS + <usize>i));
  }
  big_mul_pow5(BIG_A, ep);
  big_set_u64(BIG_B, sum);
  big_mul_pow5(BIG_B, en);
  const p2 = ep - (h + en);
  if (p2 >= 0) big_shl(BIG_A, p2);
  else big_shl(BIG_B, -p2);
  return big_compare(BIG_A, BIG_B);
}

function next_up(x: f64): f64 {
  return reinterpret<f64>(reinterpret<u64>(x) + 1);
}

function next_down(x: f64): f64 {
  return reinterpret<f64>(reinterpret<u64>(x) - 1);
}

const MAX_F64: f64 = 1.7976931348623157e308;

/** The nearest double to a JSON number literal (ties to even); NaN when it is not one. */
export function parse_f64(p: usize, len: i32): f64 {
  if (!scan(p, len)) return NaN;
  let x: f64;
  if (ndigits == 0) {
    x = 0;
  } else if (exp10 + ndigits > 310) {
    x = Infinity;
  } else if (exp10 + ndigits < -324) {
    x = 0;
  } else {
    // First approximation from at most 19 leading digits.
    let mant: u64 = 0;
    const lead = ndigits < 19 ? ndigits : 19;
    for (let i = 0; i < lead; i++) mant = mant * 10 + <u64>load<u8>(DIGITS + <usize>i);
    const e = exp10 + (ndigits - lead);
    x = <f64>mant;
    if (ndigits == lead && mant <= (<u64>1 << 53) && e >= -22 && e <= 22) {
      // Exact operands, one rounding: already the nearest double.
      x = e >= 0 ? x * pow10(e) : x / pow10(-e);
      return negative ? -x : x;
    }
    if (e > 0) x = e > 308 ? (x * pow10(e - 308)) * pow10(308) : x * pow10(e);
    else if (e < 0) x = e < -308 ? (x / pow10(-e - 308)) / pow10(308) : x / pow10(-e);
    if (x > MAX_F64) x = MAX_F64;
    if (x == 0) x = reinterpret<f64>(<u64>1);
    // Step to the nearest double: at most a few ulps away.
    for (let guard = 0; guard < 64; guard++) {
      if (x < MAX_F64) {
        const up = compare_to_midpoint(x, next_up(x));
        if (up > 0 || (up == 0 && (reinterpret<u64>(x) & 1) != 0)) {
          x = next_up(x);
          continue;
        }
      } else {
        // Beyond MAX + ulp/2 (ties go to the even neighbour, 2^1024) the nearest is infinity.
        decompose(x);
        dec_f = (dec_f << 1) + 1;
        if (compare_max_overflow()) {
          x = Infinity;
          break;
        }
      }
      const smallest = reinterpret<u64>(x) == 1;
      const down = smallest ? compare_to_midpoint_zero() : compare_to_midpoint(next_down(x), x);
      if (down < 0 || (down == 0 && (reinterpret<u64>(x) & 1) != 0)) {
        x = smallest ? 0 : next_down(x);
        if (x == 0) break;
        continue;
      }
      break;
    }
  }
  return negative ? -x : x;
}

// Whether the literal is at least dec_f * 2^(dec_k - 1), set by the caller to the midpoint
// between MAX and 2^1024.
function compare_max_overflow(): bool {
  const ep = exp10 > 0 ? exp10 : 0;
  const en = exp10 < 0 ? -exp10 : 0;
  big_set_len(BIG_A, 0);
  for (let i = 0; i < ndigits; i++) {
    if (big_len(BIG_A) == 0) big_set_u64(BIG_A, <u64>load<u8>(DIGITS + <usize>i));
    else big_mul_add_small(BIG_A, 10, <u32>load<u8>(DIGITS + <usize>i));
  }
  big_mul_pow5(BIG_A, ep);
  big_set_u64(BIG_B, dec_f);
  big_mul_pow5(BIG_B, en);
  const p2 = ep - (dec_k - 1 + en);
  if (p2 >= 0) big_shl(BIG_A, p2);
  else big_shl(BIG_B, -p2);
  return big_compare(BIG_A, BIG_B) >= 0;
}

// Compares the literal with half of the smallest subnormal (2^-1075).
function compare_to_midpoint_zero(): i32 {
  const ep = exp10 > 0 ? exp10 : 0;
  const en = exp10 < 0 ? -exp10 : 0;
  big_set_len(BIG_A, 0);
  for (let i = 0; i < ndigits; i++) {
    if (big_len(BIG_A) == 0) big_set_u64(BIG_A, <u64>load<u8>(DIGITS + <usize>i));
    else big_mul_add_small(BIG_A, 10, <u32>load<u8>(DIGITS + <usize>i));
  }
  big_mul_pow5(BIG_A, ep);
  big_set_u64(BIG_B, 1);
  big_mul_pow5(BIG_B, en);
  const p2 = ep - (-1075 + en);
  if (p2 >= 0) big_shl(BIG_A, p2);
  else big_shl(BIG_B, -p2);
  return big_compare(BIG_A, BIG_B);
}

// ---------------------------------------------------------------------------------------------
// printing

let printed_exp10: i32 = 0;

/** Decimal exponent of the last `shortest_digits` call: value = 0.d1d2d3... * 10^exponent. */
export function shortest_exp10(): i32 {
  return printed_exp10;
}

/**
 * Writes the shortest decimal form of a finite, positive, non-zero double that parses back to it,
 * as significant ASCII digits at `out` (room for 800 bytes); returns the digit count.
 */
export function shortest_digits(x: f64, out: usize): i32 {
  // Exact digits of x into `out`.
  decompose(x);
  let point: i32; // digits before the decimal point
  let n: i32 = 0;
  big_set_u64(BIG_A, dec_f);
  if (dec_k >= 0) {
    big_shl(BIG_A, dec_k);
    point = 0;
  } else {
    big_mul_pow5(BIG_A, -dec_k);
    point = dec_k; // value = N * 10^dec_k
  }
  // Decimal digits of BIG_A, least significant first, then reversed.
  while (big_len(BIG_A) > 0) {
    let chunk = big_divmod_small(BIG_A, 1000000000);
    const last = big_len(BIG_A) == 0;
    for (let j = 0; j < 9; j++) {
      if (last && chunk == 0) break;
      store<u8>(out + <usize>n, <u8>(0x30 + chunk % 10));
      chunk /= 10;
      n++;
    }
  }
  for (let i = 0; i < n / 2; i++) {
    const t = load<u8>(out + <usize>i);
    store<u8>(out + <usize>i, load<u8>(out + <usize>(n - 1 - i)));
    store<u8>(out + <usize>(n - 1 - i), t);
  }
  const exact_exp = n + point; // value = 0.digits * 10^exact_exp
  // Shortest prefix (rounded to nearest, ties to even, on the exact digits) that round-trips.
  const tmp = alloc(32);
  for (let p = 1; p <= 17 && p <= n; p++) {
    let e = exact_exp;
    for (let i = 0; i < p; i++) store<u8>(tmp + <usize>i, load<u8>(out + <usize>i));
    if (p < n && round_up_at(out, n, p)) {
      // Round up, propagating carries.
      let i = p - 1;
      while (i >= 0 && load<u8>(tmp + <usize>i) == 0x39) {
        store<u8>(tmp + <usize>i, 0x30);
        i--;
      }
      if (i >= 0) {
        store<u8>(tmp + <usize>i, load<u8>(tmp + <usize>i) + 1);
      } else {
        store<u8>(tmp, 0x31);
        for (let j = 1; j < p; j++) store<u8>(tmp + <usize>j, 0x30);
        e++;
      }
    }
    // Candidate text "0.<digits>e<e>" parsed back with the exact parser.
    let q = p;
    while (q > 1 && load<u8>(tmp + <usize>(q - 1)) == 0x30) q--;
    if (candidate_equals(tmp, q, e, x)) {
      for (let i = 0; i < q; i++) store<u8>(out + <usize>i, load<u8>(tmp + <usize>i));
      free(tmp);
      printed_exp10 = e;
      return q;
    }
  }
  free(tmp);
  let q = n < 17 ? n : 17;
  while (q > 1 && load<u8>(out + <usize>(q - 1)) == 0x30) q--;
  printed_exp10 = exact_exp;
  return q;
}

// Whether keeping `p` of the `n` exact digits rounds up: above half, or exactly half with an
// odd last kept digit.
function round_up_at(digits: usize, n: i32, p: i32): bool {
  const d = load<u8>(digits + <usize>p);
  if (d != 0x35) return d > 0x35;
  for (let i = p + 1; i < n; i++) {
    if (load<u8>(digits + <usize>i) != 0x30) return true;
  }
  return ((load<u8>(digits + <usize>(p - 1)) - 0x30) & 1) != 0;
}

function candidate_equals(digits: usize, n: i32, e: i32, x: f64): bool {
  // Build "d1d2...dn" with exponent e - n: value = D * 10^(e - n).
  const buf = alloc(40);
  for (let i = 0; i < n; i++) store<u8>(buf + <usize>i, load<u8>(digits + <usize>i));
  let len = n;
  store<u8>(buf + <usize>(len++), 0x65);
  let ex = e - n;
  if (ex < 0) {
    store<u8>(buf + <usize>(len++), 0x2d);
    ex = -ex;
  }
  let start = len;
  do {
    store<u8>(buf + <usize>(len++), <u8>(0x30 + ex % 10));
    ex /= 10;
  } while (ex != 0);
  let a = start;
  let b = len - 1;
  while (a < b) {
    const t = load<u8>(buf + <usize>a);
    store<u8>(buf + <usize>a, load<u8>(buf + <usize>b));
    store<u8>(buf + <usize>b, t);
    a++;
    b--;
  }
  const y = parse_f64(buf, len);
  free(buf);
  return y == x;
}
