/**
 * Merges changed cells into readable rows: cells with the same operation and the same before and
 * after decisions that differ in one dimension only become one cell over the union of that
 * dimension, until nothing merges. Every merge is a union of whole cells, so rows stay exact.
 */
import { defineOwn, hasOwn } from '../core/record.js';
import { SEVERITY } from '../ir/types.js';
import { unionValues } from './conditions.js';
import type { Cell } from './space.js';
import type { ApiSpace, Conditions, DiffRow, Direction, SideDecision } from './types.js';

/** A field of the conditions, or one argument path (`arg:<path>`). */
type Dim = Exclude<keyof Conditions, 'operation' | 'arguments'> | `arg:${string}`;
const FIXED_DIMS: readonly Dim[] = ['environment', 'token', 'operationType', 'time', 'attempt', 'verified', 'originator', 'tenant', 'resourceKind', 'resourceId', 'project'];

const argPath = (dim: Dim): string | null => (dim.startsWith('arg:') ? dim.slice(4) : null);
function dimValue(c: Conditions, dim: Dim): unknown {
  const path = argPath(dim);
  if (path === null) return c[dim as Exclude<Dim, `arg:${string}`>];
  return c.arguments && hasOwn(c.arguments, path) ? c.arguments[path] : undefined;
}

interface Work {
  conditions: Conditions;
  before: SideDecision;
  after: SideDecision;
  protected: boolean;
  example: Record<string, unknown>;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(byString);

// Each dimension's value as text, computed once per cell: the bucket keys of every merge pass.
const texts = new WeakMap<Work, Map<Dim, string>>();
function dimText(w: Work, dim: Dim): string {
  let m = texts.get(w);
  if (!m) {
    m = new Map();
    texts.set(w, m);
  }
  let t = m.get(dim);
  if (t === undefined) {
    t = JSON.stringify(dimValue(w.conditions, dim) ?? null);
    m.set(dim, t);
  }
  return t;
}

function without(w: Work, dim: Dim, dims: readonly Dim[]): string {
  return dims.filter((d) => d !== dim)
    .map((d) => dimText(w, d))
    .join('\u0000');
}

/** Unions a bucket of cells over `dim`; intervals merge only where they touch. */
function mergeBucket(dim: Dim, cells: Work[]): Work[] {
  const first = cells[0]!;
  const withDim = (value: unknown): Work => {
    const conditions = { ...first.conditions } as Record<string, unknown>;
    const path = argPath(dim);
    if (path !== null) {
      const args: Record<string, unknown> = { ...(first.conditions.arguments ?? {}) };
      if (value === undefined) delete args[path];
      else defineOwn(args, path, value);
      if (Object.keys(args).length === 0) delete conditions['arguments'];
      else conditions['arguments'] = args;
    } else if (value === undefined) delete conditions[dim];
    else conditions[dim] = value;
    return { ...first, conditions: conditions as unknown as Conditions, protected: cells.some((c) => c.protected) };
  };
  const values = cells.map((c) => dimValue(c.conditions, dim));
  if (values.some((v) => v === undefined)) return [withDim(undefined)];
  switch (dim) {
    case 'environment': {
      const vs = values as Conditions['environment'][];
      return [withDim({ in: sorted(vs.flatMap((v) => v.in)), unknown: vs.some((v) => v.unknown) })];
    }
    case 'token': {
      const vs = values as Conditions['token'][];
      return [withDim({ fingerprints: sorted(vs.flatMap((v) => v.fingerprints)), missing: vs.some((v) => v.missing), unknown: vs.some((v) => v.unknown) })];
    }
    case 'operationType':
    case 'verified': {
      const keys = new Set(values.map((v) => JSON.stringify(v)));
      return [withDim(keys.size > 1 ? undefined : values[0])];
    }
    case 'time':
    case 'attempt':
      return mergeIntervals(dim, cells);
    default: {
      let acc = values[0] as Parameters<typeof unionValues>[0];
      for (const v of values.slice(1)) acc = unionValues(acc, v as Parameters<typeof unionValues>[0]);
      return [withDim(acc)];
    }
  }
}

function mergeIntervals(dim: 'time' | 'attempt', cells: Work[]): Work[] {
  type Span = { lo: string | number | null; hi: string | number | null; cell: Work };
  const spans: Span[] = cells.map((cell) => {
    if (dim === 'time') {
      const t = cell.conditions.time!;
      return { lo: t.from, hi: t.until, cell };
    }
    const a = cell.conditions.attempt!;
    return { lo: a.min, hi: a.max, cell };
  });
  // Time bounds are canonical UTC text of equal shape only when equal, so touching means equal text.
  const start = (s: Span): string => (s.lo === null ? '' : typeof s.lo === 'number' ? String(s.lo).padStart(12, '0') : s.lo);
  spans.sort((a, b) => byString(start(a), start(b)));
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    const touches = last !== undefined && (dim === 'time' ? last.hi !== null && last.hi === s.lo : (last.hi as number) + 1 === s.lo);
    if (touches) {
      last.hi = s.hi;
      last.cell = { ...last.cell, protected: last.cell.protected || s.cell.protected };
    } else out.push({ ...s });
  }
  return out.map((s) => {
    const conditions = { ...s.cell.conditions };
    const full = dim === 'time' ? s.lo === null && s.hi === null : s.lo === 1 && s.hi === 1_000_000_000;
    if (full) delete conditions[dim];
    else if (dim === 'time') conditions.time = { from: s.lo as string | null, until: s.hi as string | null };
    else conditions.attempt = { min: s.lo as number, max: s.hi as number };
    return { ...s.cell, conditions };
  });
}

function mergeAll(cells: Work[]): Work[] {
  let current = cells;
  const paths = [...new Set(cells.flatMap((c) => Object.keys(c.conditions.arguments ?? {})))].sort(byString);
  const dims: Dim[] = [...FIXED_DIMS, ...paths.map((p): Dim => `arg:${p}`)];
  for (let pass = 0; pass < 6; pass++) {
    const before = current.length;
    for (const dim of dims) {
      const buckets = new Map<string, Work[]>();
      for (const c of current) {
        const key = without(c, dim, dims);
        const list = buckets.get(key);
        if (list) list.push(c);
        else buckets.set(key, [c]);
      }
      current = [...buckets.values()].flatMap((b) => (b.length === 1 ? b : mergeBucket(dim, b)));
    }
    if (current.length === before) break;
  }
  return current;
}

export function direction(before: SideDecision, after: SideDecision): Direction {
  const d = SEVERITY[after.mode] - SEVERITY[before.mode];
  return d < 0 ? 'loosened' : d > 0 ? 'tightened' : 'same-mode-other-rule';
}

const DIRECTION_ORDER: Record<Direction, number> = { loosened: 0, tightened: 1, 'same-mode-other-rule': 2 };

export function operationLabel(c: Conditions['operation']): string {
  return 'name' in c ? c.name : `class:${c.unnamed}`;
}

/** Merges one API's changed cells into rows. */
export function mergeCells(space: ApiSpace, cells: readonly (Cell & { protected: boolean })[]): DiffRow[] {
  const groups = new Map<string, Work[]>();
  for (const c of cells) {
    const key = JSON.stringify([c.conditions.operation, c.before, c.after]);
    const work: Work = { conditions: c.conditions, before: c.before, after: c.after, protected: c.protected, example: c.example };
    const list = groups.get(key);
    if (list) list.push(work);
    else groups.set(key, [work]);
  }
  const names = new Map(space.tokens.map((t) => [t.fingerprint, t.after ?? t.before ?? t.fingerprint]));
  const rows = [...groups.values()].flatMap(mergeAll).map((w): DiffRow => {
    const c = w.conditions;
    return {
      api: space.name,
      operation: operationLabel(c.operation),
      environment: [...c.environment.in, ...(c.environment.unknown ? ['unknown'] : [])],
      token: [...sorted(c.token.fingerprints.map((f) => names.get(f) ?? f)), ...(c.token.missing ? ['missing'] : []), ...(c.token.unknown ? ['unknown'] : [])],
      conditions: c,
      before: w.before,
      after: w.after,
      direction: direction(w.before, w.after),
      protected: w.protected,
      example: w.example,
    };
  });
  return rows.sort(
    (a, b) =>
      byString(a.operation, b.operation) ||
      DIRECTION_ORDER[a.direction] - DIRECTION_ORDER[b.direction] ||
      byString(a.environment.join(','), b.environment.join(',')) ||
      byString(a.token.join(','), b.token.join(',')) ||
      byString(JSON.stringify(a.conditions), JSON.stringify(b.conditions)),
  );
}
