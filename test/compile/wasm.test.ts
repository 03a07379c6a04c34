import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Reader, activeSegment, i32leb, readDataSegments, readSections, u32leb, writeDataSegments, writeSections } from '../../src/compile/wasm.js';
import { readRuntime } from '../../src/compile/link.js';
import { useBuiltRuntime } from './support.js';

beforeAll(() => {
  useBuiltRuntime();
});

describe('the wasm section reader/writer', () => {
  it('round-trips unsigned and signed LEB128', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (u, s) => {
        const r = new Reader(Uint8Array.from([...u32leb(u), ...i32leb(s)]));
        expect(r.u32()).toBe(u);
        expect(r.i32()).toBe(s);
        expect(r.eof()).toBe(true);
      }),
    );
  });

  it('rewrites the runtime byte for byte when nothing changes', () => {
    const runtime = readRuntime();
    const sections = readSections(runtime);
    const data = sections.find((s) => s.id === 11)!;
    expect(Buffer.from(writeDataSegments(readDataSegments(data.body))).equals(Buffer.from(data.body))).toBe(true);
    expect(Buffer.from(writeSections(sections)).equals(Buffer.from(runtime))).toBe(true);
  });

  it('encodes active segments at any address', () => {
    for (const address of [0, 63, 64, 8192, 65536, 2 ** 31 - 16]) {
      const seg = activeSegment(address, Uint8Array.from([1, 2, 3]));
      const [back] = readDataSegments(Uint8Array.from([1, ...seg.prefix, ...seg.bytes]));
      expect(back!.offset).toBe(address);
      expect([...back!.bytes]).toEqual([1, 2, 3]);
    }
  });
});
