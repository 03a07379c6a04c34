/**
 * Cuts a source's bytes into units of work that parse independently, in order: JSON lines are cut
 * at a newline every `unitBytes` (bytes only, never decoded here, so the cut costs a `lastIndexOf`),
 * JSON arrays are split into their values by the scanner and batched. A unit is parsed where the
 * reader chooses (this thread or a worker); its line numbers are relative to the lines before it.
 */
import { INSIGHT_CODES, type InsightCode } from './codes.js';
import { bytesOf, Utf8Chunks } from './bytes.js';
import type { LogSource } from './sources.js';
import { MAX_VALUE_CHARS, ValueScanner, type JsonPiece } from './split-json.js';

/** Big enough that a message per unit costs nothing, small enough that three threads' units stay a few MB. */
export const UNIT_BYTES = 1 << 20;
/** A line longer than this is skipped unread (BG851): no decision event is that big. */
export const MAX_LINE_BYTES = 8 << 20;

/** Whole lines: only the last unit of a source may end without a newline. */
export interface LinesUnit {
  kind: 'lines';
  bytes: Uint8Array;
}

/** Values of a JSON array, each with its (absolute) line and column. */
export interface PiecesUnit {
  kind: 'pieces';
  texts: string[];
  lines: number[];
  columns: number[];
}

/** A problem found while cutting: `line` null means the line after the lines read so far. */
export interface ProblemUnit {
  kind: 'problem';
  code: InsightCode;
  line: number | null;
  column: number;
  message: string;
  /** Newlines the problem spans (a skipped line's own). */
  newlines: number;
}

export type Unit = LinesUnit | PiecesUnit | ProblemUnit;

const NEWLINE = 0x0a;
const TOO_LONG = `longer than ${MAX_LINE_BYTES >> 20} MiB; skipped unread`;

/** Byte chunks → units of whole lines, an over-long line skipped to its end. */
class LineCutter {
  private parts: Uint8Array[] = [];
  private size = 0;
  private skipping = false;
  constructor(private readonly unitBytes: number) {}

  push(chunk: Uint8Array, out: Unit[]): void {
    if (this.skipping) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) return;
      this.skipping = false;
      out.push({ kind: 'problem', code: INSIGHT_CODES.tooLong, line: null, column: 1, message: TOO_LONG, newlines: 1 });
      chunk = chunk.subarray(nl + 1);
    }
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size < this.unitBytes) return;
    // The last newline of the pending bytes: everything up to it is whole lines.
    let at = -1;
    let part = this.parts.length - 1;
    for (; part >= 0; part--) {
      at = this.parts[part]!.lastIndexOf(NEWLINE);
      if (at >= 0) break;
    }
    if (part < 0) {
      if (this.size > MAX_LINE_BYTES) {
        this.parts = [];
        this.size = 0;
        this.skipping = true;
      }
      return;
    }
    const rest = this.parts.slice(part + 1);
    const split = this.parts[part]!;
    const whole = this.parts.slice(0, part);
    whole.push(split.subarray(0, at + 1));
    out.push({ kind: 'lines', bytes: concat(whole) });
    this.parts = at + 1 < split.length ? [split.subarray(at + 1), ...rest] : rest;
    this.size = this.parts.reduce((n, p) => n + p.length, 0);
  }

  end(out: Unit[]): void {
    if (this.skipping) out.push({ kind: 'problem', code: INSIGHT_CODES.tooLong, line: null, column: 1, message: TOO_LONG, newlines: 0 });
    else if (this.size > 0) out.push({ kind: 'lines', bytes: concat(this.parts) });
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }
}

/** A copy in a buffer of its own, so it can be handed (transferred) to a worker whole. */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Array values → units of about `unitBytes` characters. */
class PieceBatcher {
  private unit: PiecesUnit = { kind: 'pieces', texts: [], lines: [], columns: [] };
  private size = 0;
  constructor(private readonly unitBytes: number, private readonly out: Unit[]) {}

  add(piece: JsonPiece): void {
    this.unit.texts.push(piece.text);
    this.unit.lines.push(piece.line);
    this.unit.columns.push(piece.column);
    this.size += piece.text.length;
    if (this.size >= this.unitBytes) this.flush();
  }

  problem(code: InsightCode, line: number, column: number, message: string): void {
    this.flush();
    this.out.push({ kind: 'problem', code, line, column, message, newlines: 0 });
  }

  flush(): void {
    if (this.unit.texts.length === 0) return;
    this.out.push(this.unit);
    this.unit = { kind: 'pieces', texts: [], lines: [], columns: [] };
    this.size = 0;
  }
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * The units of one source, in order. The first non-blank byte tells the format: `[` → JSON
 * arrays (collector uploads), anything else → JSON lines (the enforcer's file, OPA's console).
 */
export async function* unitsOf(source: LogSource, unitBytes = UNIT_BYTES): AsyncGenerator<Unit> {
  const out: Unit[] = [];
  let mode: 'lines' | 'array' | null = null;
  let lines: LineCutter | null = null;
  let decoder: Utf8Chunks | null = null;
  let scanner: ValueScanner | null = null;
  let batcher: PieceBatcher | null = null;
  const leading: Uint8Array[] = [];
  const start = (first: number): void => {
    if (first === 0x5b) {
      mode = 'array';
      decoder = new Utf8Chunks();
      batcher = new PieceBatcher(unitBytes, out);
      const b = batcher;
      scanner = new ValueScanner((piece) => b.add(piece), {
        truncated: (line, column) => b.problem(INSIGHT_CODES.truncated, line, column, 'the file ends inside a JSON value (truncated upload?)'),
        tooLong: (line, column) => b.problem(INSIGHT_CODES.tooLong, line, column, `a value ${TOO_LONG}`),
      }, Math.min(MAX_VALUE_CHARS, MAX_LINE_BYTES));
    } else {
      mode = 'lines';
      lines = new LineCutter(unitBytes);
    }
  };
  const feed = (chunk: Uint8Array): void => {
    if (mode === 'array') scanner!.push(decoder!.decode(chunk));
    else lines!.push(chunk, out);
  };
  for await (const chunk of bytesOf(source)) {
    if (mode === null) {
      let i = 0;
      while (i < chunk.length && isBlank(chunk[i]!)) i++;
      leading.push(chunk);
      if (i === chunk.length) continue;
      start(chunk[i]!);
      for (const c of leading.splice(0)) feed(c);
    } else feed(chunk);
    yield* out.splice(0);
  }
  if (mode === null) return;
  if (mode === 'array') {
    scanner!.push(decoder!.end());
    scanner!.end();
    batcher!.flush();
  } else lines!.end(out);
  yield* out.splice(0);
}
