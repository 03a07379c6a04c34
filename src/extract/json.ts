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
