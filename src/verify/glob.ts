import { BlastguardError } from '../core/errors.js';
import { VERIFY_CODES } from './codes.js';

/**
 * Go's `filepath.Match` on `/`-separated paths, which OPA uses for `exclude_files`: `*` and `?`
 * never cross `/`, `[...]` classes with `^` negation and ranges, `\` escapes. The whole name must
 * match. A malformed pattern is an error (Go's ErrBadPattern), not a silent non-match.
 */
export function compileExcludePattern(pattern: string): (path: string) => boolean {
  // By code point, so `?` matches one character as Go matches one rune.
  const chars = Array.from(pattern);
  let re = '^';
  let i = 0;
  const bad = (): never => {
    throw new BlastguardError(VERIFY_CODES.malformedExcludePattern, `exclude pattern \`${pattern}\` is malformed`, {
      help: 'patterns use `*`, `?`, `[a-z]`, `[^a-z]` and `\\` escapes; `*` does not cross `/`',
    });
  };
  /** One end of a class range (Go's `getEsc`): `\` escapes the next character; a bare `-` or `]` is malformed. */
  const classChar = (): string => {
    if (i >= chars.length) bad();
    let c = chars[i]!;
    if (c === '-' || c === ']') bad();
    if (c === '\\') {
      i++;
      if (i >= chars.length) bad();
      c = chars[i]!;
    }
    i++;
    return c;
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '*') {
      re += '[^/]*';
      i++;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) bad();
      re += escapeRe(chars[i + 1]!);
      i += 2;
    } else if (c === '[') {
      i++;
      let negate = false;
      if (chars[i] === '^') {
        negate = true;
        i++;
      }
      let cls = '';
      let first = true;
      for (;;) {
        if (i >= chars.length) bad();
        if (chars[i] === ']' && !first) {
          i++;
          break;
        }
        first = false;
        const lo = classChar();
        let hi = lo;
        if (chars[i] === '-') {
          i++;
          hi = classChar();
          if (hi < lo) bad();
        }
        cls += `${escapeClass(lo)}-${escapeClass(hi)}`;
      }
      re += negate ? `[^${cls}]` : `[${cls}]`;
    } else {
      re += escapeRe(c);
      i++;
    }
  }
  const regex = new RegExp(re + '$', 'su');
  return (path) => regex.test(path);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(c: string): string {
  return c.replace(/[\\\]^-]/g, '\\$&');
}
