/**
 * The argument dimension of the decision space. An argument condition reads one value by path
 * and asks whether it is absent, empty, or one of listed values (a boolean or integer also by its
 * text). So the values at a path fall into classes no condition tells apart: `absent`, `""`,
 * `empty` (an empty list or object), each listed value and the text of each listed boolean or
 * integer (by JSON text: `true`, `"true"`), and `other` — every remaining value.
 *
 * Paths nest: `input` and `input.private` are not independent. A value at a longer path exists
 * only when every shorter path above it holds an object, which is class `other` (a non-empty
 * object is present, not empty and no listed scalar). Paths are split shortest-prefix first, and
 * below an ancestor in any other class a path can only be absent.
 */
import { argumentAbsent, argumentHolds } from '../core/arguments.js';
import { defineOwn, isRecord } from '../core/record.js';
import type { ArgumentCondition } from '../ir/types.js';
import type { ArgumentAtom } from './types.js';

export const ABSENT: ArgumentAtom = 'absent';
export const EMPTY_STRING: ArgumentAtom = '""';
export const EMPTY: ArgumentAtom = 'empty';
export const OTHER: ArgumentAtom = 'other';

/** The class of a value at one path. */
export function atomOf(v: unknown): ArgumentAtom {
  if (argumentAbsent(v)) return ABSENT;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 0 ? EMPTY : OTHER;
  return isRecord(v) && Object.keys(v).length === 0 ? EMPTY : OTHER;
}

/** Whether a class is one of a path's split classes; a scalar no condition lists falls in `other`. */
export function classOf(v: unknown, listed: ReadonlySet<ArgumentAtom>): ArgumentAtom {
  const a = atomOf(v);
  return a === ABSENT || a === EMPTY || a === EMPTY_STRING || listed.has(a) ? a : OTHER;
}

export interface PathAtom {
  atom: ArgumentAtom;
  /** A value of the class (for `other`, a string no condition lists). */
  value: unknown;
}

/** The classes of one path, given every condition on it. */
export function pathAtoms(conditions: readonly ArgumentCondition[]): PathAtom[] {
  const listed = new Map<ArgumentAtom, unknown>();
  for (const c of conditions) {
    if (typeof c === 'string') continue;
    for (const v of c) {
      listed.set(JSON.stringify(v), v);
      if (typeof v !== 'string') listed.set(JSON.stringify(JSON.stringify(v)), JSON.stringify(v));
    }
  }
  listed.delete(EMPTY_STRING);
  let other = 'other-value';
  for (let i = 1; listed.has(JSON.stringify(other)); i++) other = `other-value${i}`;
  return [
    { atom: ABSENT, value: undefined },
    { atom: EMPTY_STRING, value: '' },
    { atom: EMPTY, value: [] },
    ...[...listed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([atom, value]) => ({ atom, value })),
    { atom: OTHER, value: other },
  ];
}

/** Whether `condition` holds for every value of the class (a class is decided alike). */
export const atomHolds = (condition: ArgumentCondition, a: PathAtom): boolean => argumentHolds(condition, a.value);

/** The chosen class of each path, turned into an arguments object whose paths read those classes. */
export function realizeArguments(chosen: readonly { path: string; atom: PathAtom }[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  const sorted = [...chosen].sort((a, b) => a.path.split('.').length - b.path.split('.').length);
  for (const { path, atom } of sorted) {
    if (atom.atom === ABSENT) continue;
    // An ancestor in `other` becomes the object holding its descendants.
    if (atom.atom === OTHER && chosen.some((c) => c.atom.atom !== ABSENT && c.path.startsWith(path + '.'))) continue;
    const segments = path.split('.');
    let target = out;
    for (const s of segments.slice(0, -1)) {
      const next = Object.prototype.hasOwnProperty.call(target, s) ? target[s] : undefined;
      if (!isRecord(next)) defineOwn(target, s, {});
      target = target[s] as Record<string, unknown>;
    }
    defineOwn(target, segments[segments.length - 1]!, atom.value);
    any = true;
  }
  return any ? out : undefined;
}

