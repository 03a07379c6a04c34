// opa_eval reads the decision input straight from its text (engine/input.ts) and falls back to
// the full parser on anything unusual; the context path (opa_value_parse, eval, opa_json_dump)
// always parses. Both must give the same bytes, or the same abort, for any input TEXT: plain
// JSON, JSON written oddly (any whitespace, escaped and duplicated keys, set literals, nesting,
// non-ASCII, trailing bytes) and text mutated into errors.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/index.js';
import { memoryMinPages } from '../../src/compile/link.js';
import { useBuiltRuntime } from '../compile/support.js';
import { GoStyleHost } from './go-host.js';
import { dataFor, dataPlanArb, inputArb, irArb } from './arbitraries.js';

beforeAll(() => {
  useBuiltRuntime();
});

const encoder = new TextEncoder();

/** Choices a writer makes at each point: a stream of small integers fast-check can shrink. */
class Choices {
  private i = 0;
  constructor(private readonly picks: readonly number[]) {}
  next(n: number): number {
    const p = this.picks[this.i++ % Math.max(1, this.picks.length)] ?? 0;
    return p % n;
  }
}

const SPACES = ['', '', '', ' ', '\n', '\t', '\r', '\u000b', '\u000c', '  '];

function space(c: Choices): string {
  return SPACES[c.next(SPACES.length)]!;
}

/** A key written plainly, with a `\u` escape, or a simple escape that changes it. */
function key(k: string, c: Choices): string {
  switch (c.next(12)) {
    case 0:
      return k.length > 0 ? `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}"` : '""';
    case 1:
      return `"${k}\\/"`;
    case 2:
      return `"${k}\\n"`;
    default:
      return JSON.stringify(k);
  }
}

function str(s: string, c: Choices): string {
  switch (c.next(14)) {
    case 0:
      return `"${[...s].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
    case 1:
      return JSON.stringify(`${s}"\\`);
    case 2:
      return JSON.stringify(`${s}é`);
    default:
      return JSON.stringify(s);
  }
}

/** JSON (or Rego value) text for `v`, written in odd but mostly valid ways. */
function write(v: unknown, c: Choices, depth = 0): string {
  if (v === null || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'number') return c.next(10) === 0 ? `${v}e0` : JSON.stringify(v);
  if (typeof v === 'string') return str(v, c);
  if (Array.isArray(v)) {
    if (v.length > 0 && c.next(12) === 0) return `{${v.map((e) => write(e, c, depth + 1)).join(',')}}`; // a set
    const trailing = v.length > 0 && c.next(10) === 0 ? ',' : '';
    return `[${space(c)}${v.map((e) => write(e, c, depth + 1)).join(`${space(c)},${space(c)}`)}${trailing}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    const parts = entries.map(([k, x]) => `${space(c)}${key(k, c)}${space(c)}:${space(c)}${write(x, c, depth + 1)}`);
    // A duplicate of some key, before or after the original (the last one wins).
    if (entries.length > 0 && c.next(6) === 0) {
      const [k] = entries[c.next(entries.length)]!;
      const dup = `${JSON.stringify(k)}:${write(c.next(2) === 0 ? null : 'dup', c, depth + 1)}`;
      parts.splice(c.next(parts.length + 1), 0, dup);
    }
    if (c.next(15) === 0) parts.push(`"deep":${'['.repeat(70)}${']'.repeat(70)}`);
    if (c.next(15) === 0) parts.push(`"unknown":{"é":"ü","x":[1,2.5e-3,-0,true,false,null,{"\\u0041":"\\ud83d\\ude00"}]}`);
    return `{${parts.join(',')}${space(c)}}`;
  }
  return 'null';
}

/** A few edits that usually break the text somewhere. */
function mutate(text: string, edits: readonly [number, number][]): string {
  let t = text;
  const pieces = ['', '{', '}', '[', ']', ',', ':', '"', '\\', 'set()', '\u0000', '\u00ff', '1', 'x'];
  for (const [pos, what] of edits) {
    const at = t.length === 0 ? 0 : pos % (t.length + 1);
    if (what % 3 === 0) t = t.slice(0, at) + t.slice(at + 1);
    else t = t.slice(0, at) + pieces[what % pieces.length]! + t.slice(at);
  }
  return t;
}

function latin1OrUtf8(text: string, raw: boolean): Uint8Array {
  // Raw: each UTF-16 unit below 256 as one byte, so invalid UTF-8 reaches the module too.
  if (!raw) return encoder.encode(text);
  return Uint8Array.from([...text].map((ch) => ch.charCodeAt(0) & 0xff));
}

describe('opa_eval reads input text exactly as the parser does', () => {
  it('the same output (or abort) through opa_eval and through opa_value_parse + eval', () => {
    let fastPathCases = 0;
    fc.assert(
      fc.property(
        irArb,
        dataPlanArb,
        fc.array(
          fc.record({
            input: inputArb,
            picks: fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 }),
            edits: fc.oneof({ weight: 3, arbitrary: fc.constant<[number, number][]>([]) }, { weight: 2, arbitrary: fc.array(fc.tuple(fc.nat(4000), fc.nat(100)), { minLength: 1, maxLength: 3 }) }),
            trailing: fc.constantFrom('', '', ' ', 'garbage', '}', ',{"api":"x"}'),
            raw: fc.boolean(),
          }),
          { minLength: 40, maxLength: 40 },
        ),
        (ir, plan, cases) => {
          const { wasm } = compileIr(ir);
          const host = new GoStyleHost(wasm, dataFor(ir, plan), memoryMinPages(wasm));
          for (const k of cases) {
            const text = k.input === undefined ? '' : mutate(write(k.input, new Choices(k.picks)), k.edits) + k.trailing;
            const bytes = latin1OrUtf8(text, k.raw && k.edits.length > 0);
            for (const entrypoint of [0, 1]) {
              const { fast, context } = host.evalTextBothWays(bytes, entrypoint);
              if (fast !== context) throw new Error(`DIFFERENCE\ntext:    ${JSON.stringify(text)}\nopa_eval: ${fast}\ncontext:  ${context}`);
            }
            if (k.edits.length === 0) fastPathCases++;
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(fastPathCases).toBeGreaterThan(500);
  });

  it('plain JSON.stringify text gives the same output both ways', () => {
    fc.assert(
      fc.property(irArb, dataPlanArb, fc.array(inputArb, { minLength: 60, maxLength: 60 }), (ir, plan, inputs) => {
        const { wasm } = compileIr(ir);
        const host = new GoStyleHost(wasm, dataFor(ir, plan), memoryMinPages(wasm));
        for (const input of inputs) {
          const bytes = input === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(input));
          const { fast, context } = host.evalTextBothWays(bytes, 0);
          expect(fast).toBe(context);
        }
      }),
      { numRuns: 40 },
    );
  });
});
