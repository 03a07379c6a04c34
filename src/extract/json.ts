/**
 * The first object member name that appears twice in one object of a JSON text, or null. Parsers
 * disagree on duplicates (JavaScript, Go and Python keep the last, others the first or reject the
 * document), so an enforcer that reads `{"query": A, "query": B}` one way cannot know the server
 * does not read it the other. Expects text `JSON.parse` accepted.
 */
export function duplicateJsonKey(text: string): string | null {
  // One frame per open object or array: the names seen so far, or null for an array.
  const frames: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const names = frames[frames.length - 1];
      if (expectKey && names) {
        const name = JSON.parse(text.slice(start, i + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
      }
      expectKey = false;
    } else if (ch === '{') {
      frames.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      frames.push(null);
      expectKey = false;
    } else if (ch === '}' || ch === ']') {
      frames.pop();
      expectKey = false;
    } else if (ch === ',') {
      const top = frames[frames.length - 1];
      expectKey = top !== undefined && top !== null;
    }
  }
  return null;
}

/**
 * A member name as Go's encoding/json matches it (gqlgen, mcp-go): without ASCII case, with `ſ`
 * as `s` and the Kelvin sign as `k`. Such servers keep the last member that matches a field.
 */
export function goFold(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/\u017F/g, 's').replace(/\u212A/g, 'k');
}

/**
 * The first member of `record` that a case-insensitive server may read as another member: one
 * that folds like a `known` name but is spelled otherwise, or two members that fold alike. Null
 * when every member reads one way.
 */
export function foldConflict(record: Readonly<Record<string, unknown>>, known: readonly string[]): string | null {
  const knownBy = new Map(known.map((k) => [goFold(k), k]));
  const seen = new Set<string>();
  for (const name of Object.keys(record)) {
    const folded = goFold(name);
    const expected = knownBy.get(folded);
    if (expected !== undefined && expected !== name) return expected;
    if (seen.has(folded)) return expected ?? name;
    seen.add(folded);
  }
  return null;
}
