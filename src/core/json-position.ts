/** A 1-based line and column in a text. */
export interface JsonPosition {
  line: number;
  column: number;
}

/*
 * Where a key path was written in a JSON text that `JSON.parse` accepted: a scan that skips every
 * value off the path, so locating a note in a large description (GitHub's is over 10 MB) costs
 * one pass over the text, not a second full parse with positions.
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Where `path` (member names and array indexes) was written in `text`, or its deepest prefix found. */
export function locateJson(text: string, path: readonly (string | number)[]): JsonPosition | undefined {
  const n = text.length;
  let i = 0;
  const ws = (): void => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const skipString = (): void => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i += 2;
      else if (c === 0x22) {
        i++;
        return;
      } else i++;
    }
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      let depth = 0;
      do {
        const ch = text[i];
        if (ch === '"') {
          skipString();
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth--;
        i++;
      } while (depth > 0 && i < n);
      return;
    }
    while (i < n && !',}] \t\r\n'.includes(text[i]!)) i++;
  };

  ws();
  let at = i;
  for (const key of path) {
    ws();
    let found = false;
    if (text[i] === '{') {
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') break;
        const start = i;
        skipString();
        const name = JSON.parse(text.slice(start, i)) as string;
        ws();
        i++; // the colon
        if (name === String(key)) {
          at = start;
          found = true;
          break;
        }
        skipValue();
        ws();
        if (text[i] !== ',') break;
        i++;
      }
    } else if (text[i] === '[' && typeof key === 'number') {
      i++;
      for (let index = 0; ; index++) {
        ws();
        if (text[i] === ']') break;
        if (index === key) {
          at = i;
          found = true;
          break;
        }
        skipValue();
        ws();
        if (text[i] !== ',') break;
        i++;
      }
    }
    if (!found) break;
  }
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < at; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { line, column: at - lineStart + 1 };
}
