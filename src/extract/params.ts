import { labelled } from '../core/untrusted.js';
import { EXTRACT_CODES } from './codes.js';
import { fail } from './failure.js';

/*
 * Names as servers read them: Go's encoding/json matches JSON members without case
 * (`json.Unmarshal`, "preferring an exact match but also accepting a case-insensitive match");
 * query strings and form bodies are split on `&` (WHATWG URL), and on `;` too by Rack 2 and old
 * CGI parsers; some frameworks trim parameter names.
 */

/**
 * A member name as Go's encoding/json matches it (gqlgen, mcp-go): without ASCII case, with `ſ`
 * as `s` and the Kelvin sign as `k`. Such servers keep the last member that matches a field.
 */
export function goFold(name: string): string {
  // Most names need no folding: one scan of char codes finds the first that does, or returns the name itself.
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c === 0x17f || c === 0x212a) return foldedFrom(name, i);
  }
  return name;
}

// Folds of names that need one (`operationName`), by their text: requests resend the same member
// names, and a fold is a function of the text alone. Short names only, and a bounded number.
const foldCache = new Map<string, string>();
const MAX_FOLDS = 512;

function foldedFrom(name: string, start: number): string {
  if (name.length > 64) return foldFrom(name, start);
  let out = foldCache.get(name);
  if (out === undefined) {
    if (foldCache.size >= MAX_FOLDS) foldCache.clear();
    foldCache.set(name, (out = foldFrom(name, start)));
  }
  return out;
}

function foldFrom(name: string, start: number): string {
  // A long name (a client may send any) is folded by three passes rather than a string grown per character.
  if (name.length > 64) return name.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/\u017F/g, 's').replace(/\u212A/g, 'k');
  let out = name.slice(0, start);
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 0x20);
    else if (c === 0x17f) out += 's';
    else if (c === 0x212a) out += 'k';
    else out += name[i]!;
  }
  return out;
}

/**
 * The first member of `record` that a case-insensitive server may read as another member: one
 * that folds like a `known` name but is spelled otherwise, or two members that fold alike. Null
 * when every member reads one way.
 */
export function foldConflict(record: Readonly<Record<string, unknown>>, known: readonly string[]): string | null {
  const knownBy = foldedNames(known);
  const names = Object.keys(record);
  // A few members (a GraphQL request has three) are compared in a list; more go through a set.
  if (names.length <= 8) {
    const seen: string[] = [];
    for (const name of names) {
      const folded = goFold(name);
      const expected = knownBy.get(folded);
      if (expected !== undefined && expected !== name) return expected;
      if (seen.includes(folded)) return expected ?? name;
      seen.push(folded);
    }
    return null;
  }
  const seen = new Set<string>();
  for (const name of names) {
    const folded = goFold(name);
    const expected = knownBy.get(folded);
    if (expected !== undefined && expected !== name) return expected;
    if (seen.has(folded)) return expected ?? name;
    seen.add(folded);
  }
  return null;
}

// The known names of a reader are one constant list: folded once, not with every request.
const folded = new WeakMap<readonly string[], ReadonlyMap<string, string>>();

function foldedNames(known: readonly string[]): ReadonlyMap<string, string> {
  let byFold = folded.get(known);
  if (byFold === undefined) folded.set(known, (byFold = new Map(known.map((k) => [goFold(k), k]))));
  return byFold;
}

/** Fails when a member of `record` may read as another one to a case-insensitive server. */
export function checkMemberCase(record: Readonly<Record<string, unknown>>, known: readonly string[], prefix = ''): void {
  const folded = foldConflict(record, known);
  if (folded === null) return;
  const name = `${prefix}${folded}`;
  fail(
    EXTRACT_CODES.ambiguousParameters,
    `${labelled('member', name, 'key', 'a member')} is spelled in another case, or twice in different cases: servers that match names without case (Go's encoding/json) read it differently`,
  );
}

/** Whitespace and control characters: what servers may trim from, or drop in, a parameter name. */
function isSpace(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0x20 || code === 0x7f || /\s/.test(char);
}

/**
 * Fails when parameter names may read differently on some server: a `;` in a query string or
 * form body (Rack 2 and old CGI parsers split on it, others keep it in the value); a name with
 * leading or trailing whitespace (trimmed by some frameworks); a name that is a guarded one but for
 * whitespace.
 */
export function checkParameterNames(raw: string, names: readonly string[], guarded: readonly string[]): void {
  const ambiguous = (message: string): never => fail(EXTRACT_CODES.ambiguousParameters, message);
  if (raw.includes(';')) ambiguous('the parameters contain `;`, which some servers read as a separator and others as data');
  if (names.length === 0) return;
  const guards = foldedNames(guarded);
  for (const name of names) {
    const chars = [...name];
    if (chars.length > 0 && (isSpace(chars[0] ?? '') || isSpace(chars[chars.length - 1] ?? ''))) {
      ambiguous('a parameter name has leading or trailing whitespace, which some servers trim');
    }
    const bare = chars.filter((c) => !isSpace(c)).join('');
    if (bare !== name && guards.has(goFold(bare))) {
      ambiguous(`${labelled('parameter', bare, 'key', 'a parameter')} is spelled with whitespace, which some servers drop`);
    }
  }
}
