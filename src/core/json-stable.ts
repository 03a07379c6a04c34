/*
 * Values read from a JSON text that `JSON.stringify` writes back exactly as it was sent
 * (`JsonScan.stable`, json-duplicates.ts): the text of any value inside it is `JSON.stringify` of
 * that value, so a writer that would stringify such a value again can take its text instead. Its
 * place is found from the values themselves, by the lengths `JSON.stringify` gives them.
 */

/**
 * `JSON.stringify(value).length` for a value read from a stable text: a string holds nothing
 * `JSON.stringify` escapes, a number is written as `String` writes it, and no member name is an
 * array index. Anything else (a value not read from JSON) is not measured: undefined.
 */
export function stableJsonLength(value: unknown): number | undefined {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return Number.isFinite(value) ? String(value).length : undefined;
    case 'boolean':
      return value ? 4 : 5;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let length = 2 + Math.max(0, value.length - 1);
        for (const item of value as unknown[]) {
          const own = stableJsonLength(item);
          if (own === undefined) return undefined;
          length += own;
        }
        return length;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
      // `{}`, then `"key":` and the value of each member, and a `,` between two (the own
      // enumerable keys for-in lists first, in `Object.keys` order, without their list).
      let length = 1;
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        const own = stableJsonLength((value as Record<string, unknown>)[key]);
        if (own === undefined) return undefined;
        length += key.length + 4 + own;
      }
      return length === 1 ? 2 : length;
    }
    default:
      return undefined;
  }
}

/**
 * The text of member `key` of `object`, read from the stable text `text` (`object`'s own text,
 * from its `{`); undefined when it has no such member or a value is not one JSON reads as.
 */
export function stableMemberText(text: string, object: Readonly<Record<string, unknown>>, key: string): string | undefined {
  // After `{`: `"name":value` for each member in order, separated by `,`.
  let at = 1;
  for (const name of Object.keys(object)) {
    const length = stableJsonLength(object[name]);
    if (length === undefined) return undefined;
    const start = at + name.length + 3;
    // The lengths come from the parsed value: had anything changed it after parsing, the slice would
    // be off. Each member's `"name":` and the `,` or `}` after its value are checked, so an
    // offset that does not fit the text is never forwarded (the caller writes the value instead).
    if (text.charCodeAt(at) !== 0x22 || !text.startsWith(name, at + 1) || text.charCodeAt(start - 2) !== 0x22 || text.charCodeAt(start - 1) !== 0x3a) return undefined;
    const after = text.charCodeAt(start + length);
    if (after !== 0x2c && after !== 0x7d) return undefined;
    if (name === key) return text.slice(start, start + length);
    at = start + length + 1;
  }
  return undefined;
}

/** The texts of the elements of `array`, read from the stable text `text` (`array`'s own text, from its `[`). */
export function stableElementTexts(text: string, array: readonly unknown[]): string[] | undefined {
  const out: string[] = [];
  let at = 1;
  for (const item of array) {
    const length = stableJsonLength(item);
    if (length === undefined) return undefined;
    out.push(text.slice(at, at + length));
    at += length + 1;
  }
  return out;
}
