/*
 * Whether a JSON number literal survives being read into a JavaScript number and written back:
 * the proxy and the MCP guard re-serialize what they decided on with `JSON.stringify`, so a
 * literal whose value a double cannot hold (an integer beyond ±2^53, more significant digits than
 * a double keeps, an exponent past its range) would reach the server as another number.
 * Spellings of one value (`1.0`, `1e3`, `-0`) are kept: the value is what servers read.
 */

/** Literals this short, without an exponent, always hold: 15 significant digits round-trip (DBL_DIG). */
const ALWAYS_EXACT = 15;

/** Whether `literal` (a JSON number) denotes exactly the value `Number(literal)` is written back as. */
export function isExactJsonNumber(literal: string): boolean {
  if (literal.length <= ALWAYS_EXACT && !/[eE]/.test(literal)) return true;
  const value = Number(literal);
  if (!Number.isFinite(value)) return false;
  const read = decimal(literal);
  const written = decimal(String(value));
  return read !== null && written !== null && read.digits === written.digits && (read.digits === '' || read.exponent === written.exponent);
}

/** The value as significant digits (no leading or trailing zeros) and the exponent of the first one. */
function decimal(text: string): { digits: string; exponent: number } | null {
  const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return null;
  const integer = m[1] ?? '';
  const fraction = m[2] ?? '';
  const exponent = Number(m[3] ?? '0');
  const all = integer + fraction;
  const lead = all.search(/[1-9]/);
  if (lead === -1) return { digits: '', exponent: 0 };
  const digits = all.slice(lead).replace(/0+$/, '');
  // The first significant digit's power of ten: its place in `all` relative to the decimal point.
  return { digits, exponent: integer.length - 1 - lead + exponent };
}
