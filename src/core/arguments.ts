/**
 * Argument conditions (README "Argument conditions"): how a rule or grant reads the call's
 * arguments. The reference evaluator, the extractor's projection and the policy diff share this
 * one definition; the Wasm engine (`runtime/assembly/engine/arguments.ts`) mirrors it.
 */

/** One accepted argument value: a boolean or integer also accepts its text. */
export type ArgumentValue = string | boolean | number;

/** `present`, `absent`, `empty`, or the accepted values. */
export type ArgumentCondition = 'present' | 'absent' | 'empty' | ArgumentValue[];
import { defineOwn, hasOwn, isRecord } from './record.js';

/** The value at a dotted path (`input.private`); undefined when any segment is missing or crosses a non-object. */
export function argumentAt(args: unknown, path: string): unknown {
  let current: unknown = args;
  for (const segment of path.split('.')) {
    if (!isRecord(current) || !hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

export const argumentAbsent = (v: unknown): boolean => v === undefined || v === null;

/** Absent, or an empty string, list or object: a filter that selects everything. */
export function argumentEmpty(v: unknown): boolean {
  if (argumentAbsent(v) || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

/**
 * Whether `v` is an accepted value. A string matches itself; a boolean or integer matches itself
 * or its JSON text, because query strings, forms and headers carry only text (`true`, `"true"`).
 */
export function argumentEquals(accepted: ArgumentValue, v: unknown): boolean {
  if (typeof accepted === 'string') return v === accepted;
  return v === accepted || v === JSON.stringify(accepted);
}

export function argumentHolds(cond: ArgumentCondition, v: unknown): boolean {
  if (cond === 'absent') return argumentAbsent(v);
  if (cond === 'present') return !argumentAbsent(v);
  if (cond === 'empty') return argumentEmpty(v);
  return cond.some((accepted) => argumentEquals(accepted, v));
}

/** Whether every condition holds for the arguments (an absent arguments object has no values). */
export function argumentsHold(conditions: Readonly<Record<string, ArgumentCondition>> | undefined, args: unknown): boolean {
  if (!conditions) return true;
  for (const [path, cond] of Object.entries(conditions)) {
    if (!argumentHolds(cond, argumentAt(args, path))) return false;
  }
  return true;
}

/**
 * The arguments cut down to `paths`, nested as they were: what the decision input carries. Every
 * path reads the same value from the projection as from the whole arguments.
 */
export function projectArguments(args: unknown, paths: readonly string[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let any = false;
  // Shorter paths first: a whole object copied for `input` already holds `input.private`.
  for (const path of [...paths].sort((a, b) => a.length - b.length)) {
    const v = argumentAt(args, path);
    if (v === undefined) continue;
    const segments = path.split('.');
    let target = out;
    let covered = false;
    for (const segment of segments.slice(0, -1)) {
      const next = hasOwn(target, segment) ? target[segment] : undefined;
      if (next === undefined) {
        const made: Record<string, unknown> = {};
        defineOwn(target, segment, made);
        target = made;
      } else if (isRecord(next)) {
        target = next;
      } else {
        covered = true;
        break;
      }
    }
    const last = segments[segments.length - 1]!;
    if (covered || hasOwn(target, last)) continue;
    defineOwn(target, last, structuredClone(v));
    any = true;
  }
  return any ? out : null;
}

