/*
 * The first repeated member name of a JSON text `JSON.parse` has already accepted, found by one
 * scan of its characters instead of a second full parse (`firstDuplicateKey` builds every value
 * again): the egress proxy asks this of every request body. Names compare as Go decodes them
 * (escapes resolved, a lone surrogate as U+FFFD), as `firstDuplicateKey` compares them
 * (test/core/json-duplicates.property.test.ts). Text nested deeper than `maxDepth` is left to
 * `firstDuplicateKey`, whose recursion decides what it reads.
 */

import { isExactJsonNumber } from './exact-number.js';

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/*
 * The objects being scanned, innermost last, in flat lists reused by every scan (one runs at a
 * time, to its end, with nothing allocated per object): whether each open value is an object, and
 * where its names start in the name lists. A name is kept as its range of `text` when that range
 * is the name as Go decodes it (no escape, and a text without surrogates), else as the decoded
 * string; an object past `LISTED` names also keeps them in a set.
 */
const isObject: boolean[] = [];
const firstName: number[] = [];
let nameSets: (Set<string> | null)[] = [];
// The names listed are the first `names` of these (set by index: no list is resized per object).
let nameStart: number[] = [];
let nameEnd: number[] = [];
let nameText: (string | null)[] = [];
let names = 0;
/** Whether a scan made a set or decoded a name, which the lists then hold on to until cleared. */
let held = false;

const LISTED = 8;
/** Lists longer than this are let go after their scan rather than kept for the next one. */
const KEPT = 1024;

/**
 * The first member name one object of `text` repeats, null when none does; `undefined` when a
 * value is nested in more than `maxDepth` arrays and objects. `text` must be JSON `JSON.parse`
 * accepts: it is not checked.
 */
export function duplicateKeyOfValid(text: string, maxDepth: number): string | null | undefined {
  return scanValidJson(text, maxDepth)?.duplicate;
}

/** What one scan of a JSON text found. */
export interface JsonScan {
  /** The first member name one object repeats, or null. */
  duplicate: string | null;
  /** The first number literal a JavaScript number does not hold exactly (up to the first repeated name), or null. */
  inexact: string | null;
  /**
   * Whether `JSON.stringify(JSON.parse(text)) === text`, known from the text itself (false when
   * unsure): no whitespace between tokens, no escape, no surrogate, every number written as
   * JavaScript writes it, no member name that may be an array index (those are listed first), and
   * no repeated name. Then each value's text is `JSON.stringify` of the value read from it.
   */
  stable: boolean;
}

/**
 * `duplicateKeyOfValid`, and the first number literal a JavaScript number does not hold exactly
 * (core/exact-number.ts), scanned up to the first repeated name, in the same pass; and whether
 * the text is written exactly as `JSON.stringify` writes what it reads as (`stable`).
 */
export function scanValidJson(text: string, maxDepth: number): JsonScan | undefined {
  names = 0;
  const found = scan(text, maxDepth);
  // Decoded names and sets, and the lists of a text with many names, are not kept past the scan.
  if (held || nameStart.length > KEPT) {
    nameSets = [];
    nameStart = [];
    nameEnd = [];
    nameText = [];
    held = false;
  }
  return found;
}

function scan(text: string, maxDepth: number): JsonScan | undefined {
  let inexact: string | null = null;
  const surrogates = SURROGATE.test(text);
  // `JSON.stringify` writes a lone surrogate as an escape and a pair as is: a text with either is
  // left to it, as is one with any escape, whitespace, or a number written otherwise.
  let stable = !surrogates;
  let depth = 0;
  let expectKey = false;
  let i = 0;
  const n = text.length;
  // The next backslash at or after the string being read (`n` when there is none): strings are
  // skipped by `indexOf`, and walked a character at a time only from a backslash inside them.
  let backslash = -1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i + 1;
      let escaped = false;
      let end = text.indexOf('"', start);
      if (backslash < start) {
        backslash = text.indexOf('\\', start);
        if (backslash === -1) backslash = n;
      }
      if (backslash < end) {
        escaped = true;
        i = backslash;
        for (;;) {
          const q = text.charCodeAt(i);
          if (q === 0x22) break;
          i += q === 0x5c ? 2 : 1;
        }
        end = i;
      }
      i = end + 1;
      if (!expectKey) {
        if (depth > maxDepth) return undefined;
        if (escaped) stable = false;
        continue;
      }
      expectKey = false;
      if (escaped) stable = false;
      else if (stable) {
        // A name that may be an array index is listed before the others, whatever its place in the text.
        const first = text.charCodeAt(start);
        if (first >= 0x30 && first <= 0x39) stable = false;
      }
      let name: string | null = null;
      if (escaped || surrogates) {
        held = true;
        name = escaped ? (JSON.parse(text.slice(start - 1, end + 1)) as string) : text.slice(start, end);
        // A name can hold a surrogate only when the text does, or when an escape spelled one.
        if (SURROGATE.test(name)) name = name.replace(LONE_SURROGATE, '\ufffd');
      }
      const from = firstName[depth - 1]!;
      const set = nameSets[depth - 1]!;
      if (set !== null) {
        const named = name ?? text.slice(start, end);
        if (set.has(named)) return { duplicate: named, inexact, stable: false };
        set.add(named);
        continue;
      }
      for (let k = from; k < names; k++) {
        if (sameName(text, k, start, end, name)) return { duplicate: name ?? text.slice(start, end), inexact, stable: false };
      }
      if (names - from < LISTED) {
        nameStart[names] = start;
        nameEnd[names] = end;
        nameText[names] = name;
        names++;
      } else {
        held = true;
        const all = new Set<string>();
        for (let k = from; k < names; k++) all.add(nameText[k] ?? text.slice(nameStart[k], nameEnd[k]));
        all.add(name ?? text.slice(start, end));
        nameSets[depth - 1] = all;
      }
      continue;
    }
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
        if (depth > maxDepth) return undefined;
        isObject[depth] = c === 0x7b;
        firstName[depth] = names;
        nameSets[depth] = null;
        depth++;
        expectKey = c === 0x7b;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth--;
        // The closed object's names are done with: its parent's go on after the parent's own.
        names = firstName[depth]!;
        expectKey = false;
        break;
      case 0x2c: // ,
        expectKey = depth > 0 && isObject[depth - 1] === true;
        break;
      case 0x20:
      case 0x0a:
      case 0x0d:
      case 0x09:
        stable = false;
        break;
      case 0x3a: // :
        break;
      default:
        // A number or a literal: one value, read whole.
        if (depth > maxDepth) return undefined;
        {
          const start = i;
          while (i + 1 < n && !isDelimiter(text.charCodeAt(i + 1))) i++;
          // `true`, `false` and `null` are the only other literals.
          if ((inexact === null || stable) && c !== 0x74 && c !== 0x66 && c !== 0x6e) {
            const literal = text.slice(start, i + 1);
            if (inexact === null && !isExactJsonNumber(literal)) inexact = literal;
            // `1.50`, `1e3` and `-0` read as numbers `JSON.stringify` writes otherwise.
            if (stable && String(Number(literal)) !== literal) stable = false;
          }
        }
    }
    i++;
  }
  return { duplicate: null, inexact, stable };
}

/** Whether listed name `k` is the name at `start`..`end` of `text` (`name`, when it was decoded). */
function sameName(text: string, k: number, start: number, end: number, name: string | null): boolean {
  const other = nameText[k]!;
  if (name !== null && other !== null) return name === other;
  const from = nameStart[k]!;
  const length = nameEnd[k]! - from;
  if (name !== null) {
    // `other` is a range: this decoded name against its characters.
    if (name.length !== length) return false;
    for (let j = 0; j < length; j++) if (name.charCodeAt(j) !== text.charCodeAt(from + j)) return false;
    return true;
  }
  if (other !== null) {
    if (other.length !== end - start) return false;
    for (let j = 0; j < other.length; j++) if (other.charCodeAt(j) !== text.charCodeAt(start + j)) return false;
    return true;
  }
  if (length !== end - start) return false;
  for (let j = 0; j < length; j++) if (text.charCodeAt(from + j) !== text.charCodeAt(start + j)) return false;
  return true;
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a;
}
