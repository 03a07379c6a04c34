import { createHash } from 'node:crypto';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, deflateRawDeterministic, gzipDeterministicBytes } from '../../src/bundle/deflate.js';

const roundTrip = (input: Uint8Array): void => {
  expect(Buffer.from(inflateRawSync(deflateRawDeterministic(input))).equals(Buffer.from(input))).toBe(true);
  expect(Buffer.from(gunzipSync(gzipDeterministicBytes(input))).equals(Buffer.from(input))).toBe(true);
};

describe('deterministic deflate', () => {
  it('round-trips through zlib: edge cases', () => {
    roundTrip(new Uint8Array(0));
    roundTrip(Buffer.from('a'));
    roundTrip(Buffer.from('ab'));
    roundTrip(Buffer.from('abc'));
    roundTrip(Buffer.alloc(100_000));
    roundTrip(Buffer.from('abcabcabcabcabcabcabcabcabcabc'));
    roundTrip(Buffer.alloc(70_000, 'xyz'));
    // Matches at the far edge of the 32 KiB window.
    const far = Buffer.alloc(40_000);
    for (let i = 0; i < far.length; i++) far[i] = (i * 7919) % 251;
    far.copy(far, 32_768 + 100, 100, 400);
    roundTrip(far);
  });

  it('round-trips through zlib: random and repetitive data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat({ max: 40 }), (chunk, repeats) => {
        const input = Buffer.concat([chunk, ...Array.from({ length: repeats % 8 }, () => chunk.subarray(0, repeats))]);
        roundTrip(input);
      }),
      { numRuns: 300 },
    );
  });

  it('compresses', () => {
    const text = Buffer.from(JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `token-${i % 17}`, expires: null }))));
    expect(gzipDeterministicBytes(text).length).toBeLessThan(text.length / 4);
  });

  it('writes a fixed gzip header and a correct trailer', () => {
    const out = Buffer.from(gzipDeterministicBytes(Buffer.from('hello')));
    expect([...out.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    expect(out.readUInt32LE(out.length - 8)).toBe(crc32(Buffer.from('hello')));
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(out.readUInt32LE(out.length - 4)).toBe(5);
  });

  it('never changes its output for a given input (bundles must rebuild byte-identically across releases)', () => {
    const input = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i % 97} ${(i * 31) % 1000}\n`).join(''));
    expect(createHash('sha256').update(gzipDeterministicBytes(input)).digest('hex')).toBe(
      'f4fe8b565f9a996823f4e111bf1dd99726d6575ecf4fa6f9725f8be8f0cb120a',
    );
  });
});
