/**
 * Links a decision program into the prebuilt runtime module (`dist/runtime/blastguard.wasm`):
 * the program becomes one more active data segment past the runtime's static data, the engine's
 * marker (16 magic bytes in static data, see `engine/program.ts`) receives the program's address
 * and length, and the memory import's minimum grows to cover it. No other byte changes, so the
 * result depends only on the runtime and the program.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlastguardError } from '../core/errors.js';
import { Reader, SECTION, activeSegment, readDataSegments, readSections, u32leb, writeDataSegments, writeSections } from './wasm.js';
import type { Section } from './wasm.js';
import { COMPILE_CODES } from './codes.js';

/** The engine's marker: "bg-program-" followed by five fixed bytes. */
export const PROGRAM_MARKER = Uint8Array.from([
  0x62, 0x67, 0x2d, 0x70, 0x72, 0x6f, 0x67, 0x72, 0x61, 0x6d, 0x2d, 0x9e, 0x3c, 0x71, 0xd5, 0x08,
]);

const PAGE = 65536;

// src/compile/link.ts and dist/compile/link.js both sit two levels below the package root.
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm run build` writes the compiled runtime (src/compile/runtime/build.ts). */
export const RUNTIME_WASM = path.join(PACKAGE_ROOT, 'dist', 'runtime', 'blastguard.wasm');

/** `BLASTGUARD_RUNTIME_WASM` (tests and the bundled Action point it at their own copy), else dist/. */
export function runtimePath(): string {
  return process.env['BLASTGUARD_RUNTIME_WASM'] || RUNTIME_WASM;
}

let cachedRuntime: { path: string; bytes: Uint8Array } | null = null;

/** The prebuilt runtime module; BG110 when it has not been built. */
export function readRuntime(file: string = runtimePath()): Uint8Array {
  if (cachedRuntime && cachedRuntime.path === file) return cachedRuntime.bytes;
  if (!existsSync(file)) {
    throw new BlastguardError(COMPILE_CODES.runtimeMissing, `the wasm runtime \`${path.relative(process.cwd(), file) || file}\` is missing`, {
      help: 'run `npm run build` (it compiles the AssemblyScript runtime into dist/runtime/)',
    });
  }
  const bytes = new Uint8Array(readFileSync(file));
  cachedRuntime = { path: file, bytes };
  return bytes;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

function badRuntime(why: string): BlastguardError {
  return new BlastguardError(COMPILE_CODES.notBlastguardRuntime, `the wasm runtime is not a blastguard runtime: ${why}`, {
    help: 'rebuild it with `npm run build`',
  });
}

/** Where the memory import's limits sit in an import section body, skipping the other imports. */
interface MemoryLimits {
  flags: number;
  flagsAt: number;
  min: number;
  minAt: number;
  minEnd: number;
}

function findMemoryImport(body: Uint8Array): MemoryLimits | null {
  const r = new Reader(body);
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0) {
      r.u32();
    } else if (kind === 1) {
      r.byte();
      const flags = r.u32();
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === 3) {
      r.byte();
      r.byte();
    } else if (kind === 2) {
      const flagsAt = r.pos;
      const flags = r.u32();
      const minAt = r.pos;
      const min = r.u32();
      return { flags, flagsAt, min, minAt, minEnd: r.pos };
    } else {
      throw badRuntime(`unknown import kind ${kind}`);
    }
  }
  return null;
}

// Rewrites the memory import's minimum; every other import byte is copied.
function raiseMemoryMin(body: Uint8Array, minPages: number): Uint8Array {
  const m = findMemoryImport(body);
  if (!m) throw badRuntime('it does not import its memory');
  if (m.flags & 1) throw badRuntime('its memory import declares a maximum');
  if (m.flagsAt + 1 !== m.minAt) throw badRuntime('unexpected memory limits encoding');
  const next = Math.max(m.min, minPages);
  return Uint8Array.from([...body.subarray(0, m.minAt), ...u32leb(next), ...body.subarray(m.minEnd)]);
}

export interface LinkedModule {
  wasm: Uint8Array;
  /** Where the program lives in linear memory. */
  programAddress: number;
  /** The memory import's minimum, in 64 KiB pages: hosts must provide at least this much. */
  minPages: number;
}

export function linkProgram(runtime: Uint8Array, program: Uint8Array): LinkedModule {
  let sections: Section[];
  try {
    sections = readSections(runtime);
  } catch (e) {
    throw badRuntime(e instanceof Error ? e.message : String(e));
  }
  const dataIdx = sections.findIndex((s) => s.id === SECTION.data);
  const importIdx = sections.findIndex((s) => s.id === SECTION.import);
  if (dataIdx < 0 || importIdx < 0) throw badRuntime('no data or import section');
  const segments = readDataSegments(sections[dataIdx]!.body);

  let end = 0;
  let marker: { seg: number; at: number } | null = null;
  segments.forEach((s, i) => {
    if (s.offset === null) return;
    end = Math.max(end, s.offset + s.bytes.length);
    const at = indexOf(s.bytes, PROGRAM_MARKER);
    if (at >= 0) marker = { seg: i, at };
  });
  const found = marker as { seg: number; at: number } | null;
  if (!found) throw badRuntime('the program marker is missing');
  const address = Math.ceil(end / 16) * 16;
  const seg = segments[found.seg]!;
  const patched = seg.bytes.slice();
  const view = new DataView(patched.buffer);
  view.setUint32(found.at + 16, address, true);
  view.setUint32(found.at + 20, program.length, true);
  const newSegments = segments.map((s, i) => (i === found.seg ? { ...s, bytes: patched } : s));
  newSegments.push(activeSegment(address, program));

  const minPages = Math.ceil((address + program.length) / PAGE);
  const out = sections.map((s, i): Section => {
    if (i === dataIdx) return { id: s.id, body: writeDataSegments(newSegments) };
    if (i === importIdx) return { id: s.id, body: raiseMemoryMin(s.body, minPages) };
    if (s.id === SECTION.dataCount) return { id: s.id, body: Uint8Array.from(u32leb(newSegments.length)) };
    return s;
  });
  return { wasm: writeSections(out), programAddress: address, minPages };
}

/** The memory import's minimum of a module (pages); what a host must at least provide. */
export function memoryMinPages(wasm: Uint8Array): number {
  const imports = readSections(wasm).find((sec) => sec.id === SECTION.import);
  return imports ? (findMemoryImport(imports.body)?.min ?? 0) : 0;
}
