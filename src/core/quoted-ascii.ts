/**
 * Writes `s` in quotes into `buf` at `at` when it is printable ASCII without `"` and `\` (then it
 * is its own JSON text), checked as it is copied: the end position, or -1 (the bytes written past
 * `at` are then garbage the caller overwrites) for a string JSON.stringify must escape or encode.
 * The caller makes room for `s.length + 2` bytes. The JSON writers of Wasm inputs and of
 * decision-log lines share it: most strings they write are plain ASCII.
 */
export function writeQuotedAscii(buf: Uint8Array, at: number, s: string): number {
  const n = s.length;
  let p = at;
  buf[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // Printable ASCII (0x20-0x7e: one unsigned compare) without `"` and `\`.
    if ((c - 0x20) >>> 0 > 0x5e || c === 0x22 || c === 0x5c) return -1;
    buf[p++] = c;
  }
  buf[p++] = 0x22;
  return p;
}
