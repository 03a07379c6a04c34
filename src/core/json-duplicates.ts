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

/**
 * One object being scanned: its first name, then (from the second) every name in a list searched
 * in order, and past `LISTED` names in a set (most objects have a few members: a list is cheaper).
 */
interface Frame {
  object: boolean;
  first: string | null;
  listed: string[] | null;
  names: Set<string> | null;
}

const LISTED = 8;

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
  let inexact: string | null = null;
  const surrogates = SURROGATE.test(text);
  // `JSON.stringify` writes a lone surrogate as an escape and a pair as is: a text with either is
  // left to it, as is one with any escape, whitespace, or a number written otherwise.
  let stable = !surrogates;
  const stack: Frame[] = [];
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
        if (stack.length > maxDepth) return undefined;
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
      let name = escaped ? (JSON.parse(text.slice(start - 1, end + 1)) as string) : text.slice(start, end);
      // A name can hold a surrogate only when the text does, or when an escape spelled one.
      if ((escaped || surrogates) && SURROGATE.test(name)) name = name.replace(LONE_SURROGATE, '\ufffd');
      const frame = stack[stack.length - 1]!;
      if (frame.first === null) frame.first = name;
      else if (frame.names !== null) {
        if (frame.names.has(name)) return { duplicate: name, inexact, stable: false };
        frame.names.add(name);
      } else {
        if (frame.listed === null) frame.listed = [frame.first];
        const listed = frame.listed;
        for (let k = 0; k < listed.length; k++) if (listed[k] === name) return { duplicate: name, inexact, stable: false };
        if (listed.length < LISTED) listed.push(name);
        else {
          frame.names = new Set(listed);
          frame.names.add(name);
        }
      }
      continue;
    }
    switch (c) {
      case 0x7b: // {
        if (stack.length > maxDepth) return undefined;
        stack.push({ object: true, first: null, listed: null, names: null });
        expectKey = true;
        break;
      case 0x5b: // [
        if (stack.length > maxDepth) return undefined;
        stack.push({ object: false, first: null, listed: null, names: null });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        expectKey = false;
        break;
      case 0x2c: // ,
        expectKey = stack[stack.length - 1]?.object === true;
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
        if (stack.length > maxDepth) return undefined;
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

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a;
}
