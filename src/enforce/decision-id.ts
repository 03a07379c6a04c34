import { randomFillSync } from 'node:crypto';

/**
 * Decision ids: random (version 4) UUIDs, as `crypto.randomUUID()` makes them, from the same
 * batched CSPRNG bytes, but written as one flat string. Node's `randomUUID` joins twenty
 * pieces per id (about half a KiB of short-lived strings); the proxy makes one id per decided
 * operation, so that garbage was part of every request's.
 */

/** Ids per refill of random bytes (Node's `randomUUID` batches 128). */
const BATCH = 128;
const random = new Uint8Array(16 * BATCH);
/** The next unused id's bytes in `random`; `random.length` when a refill is due. */
let next = random.length;
/** The text being written: 8-4-4-4-12 hex digits (version `4` and the variant digit set per id), dashes in place. */
const text = Buffer.from('00000000-0000-4000-8000-000000000000', 'latin1');
/** Where each of the 16 bytes' two hex digits go in `text`. */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** `Buffer#latin1Slice`: what `toString('latin1', …)` calls after its argument checks (known-good here). */
const slice = (text as unknown as { latin1Slice?: (start: number, end: number) => string }).latin1Slice;
const latin1 = typeof slice === 'function' ? slice.bind(text) : (start: number, end: number): string => text.toString('latin1', start, end);

/** A fresh random UUID (RFC 9562 version 4, lowercase): the same format and randomness as `crypto.randomUUID()`. */
export function newDecisionId(): string {
  if (next === random.length) {
    randomFillSync(random);
    next = 0;
  }
  const at = next;
  next += 16;
  for (let i = 0; i < 16; i++) {
    let b = random[at + i]!;
    // Version 4 (byte 6's high nibble) and the RFC variant (byte 8's two high bits 10).
    if (i === 6) b = (b & 0x0f) | 0x40;
    else if (i === 8) b = (b & 0x3f) | 0x80;
    const p = AT[i]!;
    text[p] = HEX[b >>> 4]!;
    text[p + 1] = HEX[b & 0x0f]!;
  }
  return latin1(0, 36);
}
