/*
 * `JSON.stringify(JSON.parse(text))`, but with every object's members in the order the text
 * writes them. A JavaScript object lists integer-like member names (`"0"` … `"4294967294"`, array
 * indexes) first, in ascending order, whatever order they were written in: `{"b":1,"10":2}` reads
 * back as `{"10":2,"b":1}`. The value is the same, the bytes are not, and a request whose bytes a
 * signature covers (an AWS JSON body keyed by numbers: DynamoDB maps) could not go as sent.
 *
 * The text must be JSON that `JSON.parse` accepts and the caller already checked (no repeated
 * member name, no number a double does not hold: request.ts `readJson`): it is not checked again.
 * The writing is `JSON.stringify`'s, token by token: whitespace dropped, strings and numbers as
 * `JSON.stringify` writes the values they denote, members and elements in written order.
 */

/** A member name of digits, some maybe escaped (`"\u0031"`): only such a name can be integer-like and move. */
const INTEGER_NAME = /"(?:[0-9]|\\u003[0-9]){1,10}"[ \t\n\r]*:/;

/** One token of valid JSON, after whitespace: a string, a number or literal, or punctuation. */
const TOKEN = /[ \t\n\r]*("(?:[^"\\]|\\.)*"|[^ \t\n\r,:{}[\]"]+|[,:{}[\]])/y;

/** A string token `JSON.stringify` may write otherwise than it is written: an escape, or a surrogate it escapes when lone. */
const REWRITTEN_STRING = /[\\\ud800-\udfff]/;

/** The compact JSON text of `value` (what `text` parses to), members in `text`'s order. */
export function stringifyInWrittenOrder(text: string, value: unknown): string {
  // Without a name an array index could be, `JSON.stringify` keeps the written order already.
  if (!INTEGER_NAME.test(text)) return JSON.stringify(value);
  return compactInWrittenOrder(text);
}

/** The compact JSON text of valid JSON `text`, written as `JSON.stringify` writes, in `text`'s member order. */
export function compactInWrittenOrder(text: string): string {
  let out = '';
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const token = m[1]!;
    const first = token.charCodeAt(0);
    if (first === 0x22) out += REWRITTEN_STRING.test(token) ? JSON.stringify(JSON.parse(token) as string) : token;
    else if (first === 0x2d || (first >= 0x30 && first <= 0x39)) out += JSON.stringify(Number(token));
    else out += token;
  }
  return out;
}
