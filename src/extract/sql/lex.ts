import { EXTRACT_CODES } from '../codes.js';
import { fail } from '../failure.js';

/*
 * SQL split into statements the way PostgreSQL's own lexer reads it
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html), before node-sql-parser sees
 * any of it. The parser's grammar is MySQL-flavoured in places (a `\'` inside `'…'` is an escaped
 * quote to it, but ends the string for PostgreSQL with `standard_conforming_strings = on`), so its
 * own statement boundaries are never trusted: each statement found here is parsed on its own, with
 * every string literal replaced by a neutral `'s'` and every comment by a space.
 *
 *   -- to end of line, /* nested * / comments      → a space
 *   'standard' (quote doubled), B'…', X'…', N'…'     → 's'   (a backslash inside: refused)
 *   E'…' (backslash escapes), U&'…', $tag$…$tag$    → 's'
 *   "identifier" (quote doubled)                     → itself when it is a plain name, else "?"
 *   U&"…"                                            → "?"   (a backslash inside: refused)
 *   ;                                                → statement boundary
 *
 * A backslash in a standard string is read one way with `standard_conforming_strings = on` and
 * another with it off; the server's setting is unknown here, so such text is refused. So is
 * anything the lexer cannot close (a string, an identifier, a comment), a backslash or a backtick
 * outside any literal (psql meta-commands, MySQL identifiers), and a NUL.
 */

/** The statements of `text` as PostgreSQL splits them, each with literals neutralized and comments blanked; empty statements dropped. */
export function splitSql(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const n = text.length;
  const refuse = (why: string): never => fail(EXTRACT_CODES.sqlUnreadable, `the sql ${why}`);
  while (i < n) {
    const c = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (c === '-' && next === '-') {
      i = endOfLine(text, i);
      current += ' ';
    } else if (c === '/' && next === '*') {
      i = endOfComment(text, i) ?? refuse('has a comment that is never closed');
      current += ' ';
    } else if (c === "'") {
      i = endOfQuoted(text, i, "'", STANDARD, refuse);
      current += "'s'";
    } else if (c === '"') {
      const end = endOfQuoted(text, i, '"', IDENTIFIER, refuse);
      current += quotedIdentifier(text.slice(i + 1, end - 1));
      i = end;
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '') && dollarTag(text, i) !== null) {
      const tag = dollarTag(text, i) ?? '';
      const close = text.indexOf(tag, i + tag.length);
      if (close === -1) refuse('has a dollar-quoted string that is never closed');
      i = close + tag.length;
      current += "'s'";
    } else if (isIdentifierStart(c)) {
      let j = i + 1;
      while (j < n && isIdentifierPart(text[j] ?? '')) j++;
      const word = text.slice(i, j);
      const after = text[j] ?? '';
      if (after === "'" && /^[eE]$/.test(word)) {
        i = endOfQuoted(text, j, "'", 'escapes', refuse);
        current += "'s'";
      } else if (after === "'" && /^[bBxXnN]$/.test(word)) {
        i = endOfQuoted(text, j, "'", STANDARD, refuse);
        current += "'s'";
      } else if (/^[uU]$/.test(word) && after === '&' && text[j + 1] === "'") {
        i = endOfQuoted(text, j + 1, "'", 'literal', refuse);
        current += "'s'";
      } else if (/^[uU]$/.test(word) && after === '&' && text[j + 1] === '"') {
        // Its escapes (`UESCAPE` may name any character as the escape) are not decoded here: the
        // name is unknown, and a call of an unknown function is destructive (classify.ts).
        i = endOfQuoted(text, j + 1, '"', IDENTIFIER, refuse);
        current += `"${UNREADABLE_IDENTIFIER}"`;
      } else {
        i = j;
        current += word;
      }
    } else if (c === ';') {
      statements.push(current);
      current = '';
      i++;
    } else if (c === '\\') {
      refuse('has a backslash outside any string, which postgresql does not read as sql');
    } else if (c === '`' || c === '\0') {
      refuse(`has a ${c === '`' ? 'backtick' : 'nul character'}, which postgresql does not read as sql`);
    } else {
      current += c;
      i++;
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * What a quoted identifier stands for in a statement the grammar reads: a name it cannot misread is
 * kept (`"dblink_exec"(…)` must still name `dblink_exec`); anything else becomes
 * `UNREADABLE_IDENTIFIER`, so no text inside quotes ever reaches the grammar.
 */
export const UNREADABLE_IDENTIFIER = '?';

function quotedIdentifier(inner: string): string {
  const name = inner.replace(/""/g, '"');
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? `"${name}"` : `"${UNREADABLE_IDENTIFIER}"`;
}

function isIdentifierStart(c: string): boolean {
  return /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
}

/** Letters, digits, `_` and `$` continue an identifier (a `$` there never opens a dollar quote). */
function isIdentifierPart(c: string): boolean {
  return /[\w$]/.test(c) || c.charCodeAt(0) >= 0x80;
}

function endOfLine(text: string, i: number): number {
  let j = i;
  while (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
  return j;
}

/** Past a `/* … * /` comment, which nests in PostgreSQL; null when it never closes. */
function endOfComment(text: string, i: number): number | null {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    if (text[j] === '/' && text[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (text[j] === '*' && text[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else {
      j++;
    }
  }
  return null;
}

type Refuse = (why: string) => never;

/** What a backslash means inside a quoted run: PostgreSQL's reading differs per kind of literal. */
type Backslash =
  /** `E'…'`: it escapes the next character. */
  | 'escapes'
  /** `U&'…'`: it starts a unicode escape, never a quote. */
  | 'literal'
  /** `'…'` and `"…"`: refused, since `standard_conforming_strings` (or another grammar) decides its reading. */
  | { refuse: string };

/**
 * Past a run quoted by `quote` that opens at `i`, where a doubled quote stands for one quote and a
 * backslash means what `backslash` says.
 */
function endOfQuoted(text: string, i: number, quote: string, backslash: Backslash, refuse: Refuse): number {
  let j = i + 1;
  for (;;) {
    if (j >= text.length) return refuse(quote === '"' ? 'has a quoted identifier that is never closed' : 'has a string that is never closed');
    const c = text[j];
    if (c === '\\' && backslash !== 'literal') {
      if (backslash === 'escapes') {
        j += 2;
        continue;
      }
      return refuse(backslash.refuse);
    }
    if (c === quote) {
      if (text[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
}

const STANDARD: Backslash = { refuse: 'has a backslash in a standard string, which postgresql reads one way or another depending on `standard_conforming_strings`' };
const IDENTIFIER: Backslash = { refuse: 'has a backslash in a quoted identifier' };

/** The `$tag$` opening a dollar-quoted string at `i` (`$$` or `$name$`), or null (`$1` is a parameter). */
function dollarTag(text: string, i: number): string | null {
  const match = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 256));
  return match ? match[0] : null;
}
