/**
 * The decision program: a compact, relocatable binary form of the IR that the Wasm engine
 * (`src/compile/runtime/assembly/engine/`) interprets. All offsets are relative to the start of
 * the program; the engine adds the address the linker placed it at.
 *
 * Layout (little-endian, u32 unless noted):
 *   header   magic "BGP1", version, string-pool offset, fixed-string table, fixed count,
 *            api count, api table (sorted byte-wise by name), total length
 *   api      name, environments (string set), protectedEnvironments[0], u8 defaults
 *            read/write/destructive, u8 tokens.missing, u8 tokens.unknown, u8 checkScopesFor
 *            mask, u8 tokens.requireExpiry, 1 pad, unknown-token reason, op count, op table, candidate lists by class
 *            for operations neither catalogued nor named by a rule
 *   op       name, class (0-2; 3 = classify by name), candidate lists by class
 *   list     count, rule offsets in evaluation order (policy-name order, then rule order)
 *   rule     id, reason, u8 mode, u8 originator/tenant condition, u8 verified, then string
 *            sets envs/kinds/ids/projects/tokens/originator/tenant (0 = no condition),
 *            has-attempt, argument table (0 = none), f64 min, f64 max
 *   args     count, then per condition: path, kind (1 present, 2 absent, 3 empty, 4 in), value list
 *   values   count, pad, then per value (8-aligned): u32 type (0 string, 1 boolean, 2 integer),
 *            its text (the string, `true`/`false`, decimal digits), f64 (boolean 1/0, integer value)
 *   set      count, string refs sorted byte-wise (the engine binary-searches)
 *   string   u32 byte length, UTF-8 bytes (4-aligned), referenced by pool offset
 *
 * Candidate lists make a decision's cost depend on the rules that can match its operation, not
 * on the size of the policy set: each operation's list is precomputed, and identical lists are
 * shared.
 */
import { BlastguardError } from '../core/errors.js';
// A mode is encoded as its severity: the runtime keeps the highest of the matching rules.
import { CLASSES, SEVERITY } from '../core/modes.js';
import type { IdentityCondition, Ir, IrApi, IrArguments, IrRule, OperationClass } from '../ir/types.js';
import { FIXED_STRINGS } from './strings.js';
import { COMPILE_CODES } from './codes.js';

export const PROGRAM_MAGIC = 0x31504742; // "BGP1"
export const PROGRAM_VERSION = 1;

const CLASS_CODE: Record<OperationClass, number> = { read: 0, write: 1, destructive: 2 };
const BY_NAME = 3;
const RULE_SIZE = 64;
const API_SIZE = 44;

const encoder = new TextEncoder();

class ByteWriter {
  buf = new Uint8Array(1 << 14);
  view = new DataView(this.buf.buffer);
  len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  align(n: number): void {
    while (this.len % n !== 0) this.u8(0);
  }

  setU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** Sorts strings the way the engine searches them: by UTF-8 bytes, a proper prefix first. */
export function sortByBytes(values: Iterable<string>): string[] {
  const withBytes = [...new Set(values)].map((s) => ({ s, b: encoder.encode(s) }));
  withBytes.sort((x, y) => compareBytes(x.b, y.b));
  return withBytes.map((x) => x.s);
}

class ProgramEncoder {
  private readonly main = new ByteWriter();
  private readonly pool = new ByteWriter();
  private readonly strings = new Map<string, number>();
  private readonly sets = new Map<string, number>();
  private readonly lists = new Map<string, number>();

  str(s: string): number {
    let off = this.strings.get(s);
    if (off === undefined) {
      off = this.pool.len;
      const b = encoder.encode(s);
      this.pool.u32(b.length);
      this.pool.bytes(b);
      this.pool.align(4);
      this.strings.set(s, off);
    }
    return off;
  }

  private set(values: readonly string[] | null): number {
    if (values === null) return 0;
    const sorted = sortByBytes(values);
    const key = JSON.stringify(sorted);
    let off = this.sets.get(key);
    if (off === undefined) {
      this.main.align(4);
      off = this.main.len;
      this.main.u32(sorted.length);
      for (const s of sorted) this.main.u32(this.str(s));
      this.sets.set(key, off);
    }
    return off;
  }

  private list(ruleOffsets: readonly number[]): number {
    const key = ruleOffsets.join(',');
    let off = this.lists.get(key);
    if (off === undefined) {
      this.main.align(4);
      off = this.main.len;
      this.main.u32(ruleOffsets.length);
      for (const r of ruleOffsets) this.main.u32(r);
      this.lists.set(key, off);
    }
    return off;
  }

  private argumentTable(args: IrArguments | undefined): number {
    if (!args) return 0;
    const w = this.main;
    const entries = Object.entries(args).map(([path, cond]) => {
      const pathRef = this.str(path);
      if (typeof cond === 'string') return { pathRef, kind: cond === 'present' ? 1 : cond === 'absent' ? 2 : 3, list: 0 };
      const values = cond.map((v) => ({ type: typeof v === 'string' ? 0 : typeof v === 'boolean' ? 1 : 2, text: this.str(typeof v === 'string' ? v : JSON.stringify(v)), num: typeof v === 'number' ? v : v === true ? 1 : 0 }));
      w.align(8);
      const list = w.len;
      w.u32(values.length);
      w.u32(0);
      for (const v of values) {
        w.u32(v.type);
        w.u32(v.text);
        w.f64(v.num);
      }
      return { pathRef, kind: 4, list };
    });
    w.align(4);
    const off = w.len;
    w.u32(entries.length);
    for (const e of entries) {
      w.u32(e.pathRef);
      w.u32(e.kind);
      w.u32(e.list);
    }
    return off;
  }

  private rule(rule: IrRule): number {
    const m = rule.match;
    const cond = (c: IdentityCondition | null | undefined): [number, readonly string[] | null] => {
      if (!c) return [0, null];
      if ('in' in c) return [3, c.in];
      return [c.present ? 1 : 2, null];
    };
    const [origKind, origSet] = cond(m.identity?.originator);
    const [tenantKind, tenantSet] = cond(m.identity?.tenant);
    const verified = m.identity?.verified;
    // Sets first: the record itself must be contiguous.
    const refs = [
      this.set(m.environments),
      this.set(m.resources?.kinds ?? null),
      this.set(m.resources?.ids ?? null),
      this.set(m.resources?.projects ?? null),
      this.set(m.tokens),
      this.set(origSet),
      this.set(tenantSet),
    ];
    const argTable = this.argumentTable(m.arguments);
    const id = this.str(rule.id);
    const reason = this.str(rule.reason ?? `rule ${rule.id} matched`);
    const w = this.main;
    w.align(8);
    const off = w.len;
    w.u32(id);
    w.u32(reason);
    w.u8(SEVERITY[rule.mode]);
    w.u8(origKind);
    w.u8(tenantKind);
    w.u8(verified === null || verified === undefined ? 0 : verified ? 2 : 1);
    for (const r of refs) w.u32(r);
    w.u32(m.attempt ? 1 : 0);
    w.u32(argTable);
    w.f64(m.attempt?.min ?? -Infinity);
    w.f64(m.attempt?.max ?? Infinity);
    if (w.len - off !== RULE_SIZE) throw new Error('internal: rule record size');
    return off;
  }

  private api(api: IrApi, rules: readonly IrRule[]): number {
    const protectedEnv = api.protectedEnvironments[0];
    if (protectedEnv === undefined) {
      throw new BlastguardError(COMPILE_CODES.noProtectedEnvironments, `api \`${api.name}\` has no protected environments`, {
        help: 'list at least one environment under `protectedEnvironments`; it is assumed when a call names none',
      });
    }
    const ruleOffsets = rules.map((r) => this.rule(r));

    // Which rules can match which operation: README's `operations` condition, split the way the
    // reference evaluator reads the IR (for a catalogued operation, `names` already holds every
    // catalog operation of a selected class; `classes` applies to uncatalogued ones).
    const all: number[] = [];
    const byName = new Map<string, number[]>();
    const byClass: number[][] = [[], [], []];
    rules.forEach((r, i) => {
      const ops = r.match.operations;
      if (ops === null || ops.any) {
        all.push(i);
        return;
      }
      for (const n of new Set(ops.names)) {
        let l = byName.get(n);
        if (!l) byName.set(n, (l = []));
        l.push(i);
      }
      for (const c of new Set(ops.classes)) byClass[CLASS_CODE[c]]!.push(i);
    });
    const merged = (...parts: readonly (readonly number[])[]): number => {
      const idx = [...new Set(parts.flat())].sort((a, b) => a - b);
      return this.list(idx.map((i) => ruleOffsets[i]!));
    };

    const catalog = new Map(api.operations.map((o) => [o.name, o.class]));
    const opNames = sortByBytes([...catalog.keys(), ...byName.keys()]);
    const entries = opNames.map((name) => {
      const named = byName.get(name) ?? [];
      const cls = catalog.get(name);
      if (cls !== undefined) {
        const l = merged(all, named);
        return { name, cls: CLASS_CODE[cls], lists: [l, l, l] };
      }
      return { name, cls: BY_NAME, lists: byClass.map((c) => merged(all, named, c)) };
    });
    const defaultLists = byClass.map((c) => merged(all, c));

    const names = entries.map((e) => this.str(e.name));
    const w = this.main;
    w.align(4);
    const table = w.len;
    entries.forEach((e, i) => {
      w.u32(names[i]!);
      w.u32(e.cls);
      for (const l of e.lists) w.u32(l);
    });

    const envs = this.set(api.environments);
    const checkMask = api.tokens.checkScopesFor.reduce((m, c) => m | (1 << CLASS_CODE[c]), 0);
    const nameRef = this.str(api.name);
    const protectedRef = this.str(protectedEnv);
    const unknownReason = this.str(`the call's token is not declared for api ${api.name}`);
    w.align(4);
    const off = w.len;
    w.u32(nameRef);
    w.u32(envs);
    w.u32(protectedRef);
    for (const c of CLASSES) w.u8(SEVERITY[api.defaults[c]]);
    w.u8(SEVERITY[api.tokens.missing]);
    w.u8(SEVERITY[api.tokens.unknown]);
    w.u8(checkMask);
    w.u8(api.tokens.requireExpiry ? 1 : 0);
    w.u8(0);
    w.u32(unknownReason);
    w.u32(entries.length);
    w.u32(table);
    for (const l of defaultLists) w.u32(l);
    if (w.len - off !== API_SIZE) throw new Error('internal: api record size');
    return off;
  }

  encode(ir: Ir): Uint8Array {
    const w = this.main;
    for (let i = 0; i < 8; i++) w.u32(0);
    const apis = sortByBytes(ir.apis.map((a) => a.name)).map((n) => ir.apis.find((a) => a.name === n)!);
    const apiOffsets = apis.map((api) =>
      this.api(
        api,
        ir.policies.filter((p) => p.api === api.name).flatMap((p) => p.rules),
      ),
    );
    w.align(4);
    const apiTable = w.len;
    for (const o of apiOffsets) w.u32(o);
    const fixedTable = w.len;
    for (const [, s] of FIXED_STRINGS) w.u32(this.str(s));
    w.align(8);
    const strBase = w.len;
    w.bytes(this.pool.result());
    w.align(8);
    const header = [PROGRAM_MAGIC, PROGRAM_VERSION, strBase, fixedTable, FIXED_STRINGS.length, apis.length, apiTable, w.len];
    header.forEach((v, i) => w.setU32(i * 4, v));
    return w.result();
  }
}

/** Encodes the IR's decision logic (everything but tokens and overrides, which are data). */
export function encodeProgram(ir: Ir): Uint8Array {
  return new ProgramEncoder().encode(ir);
}
