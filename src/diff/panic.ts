/**
 * What the panic flag (overrides) does to one operation class, read the way the evaluator reads it
 * (README "Evaluation"): only the enforcement in force and the instant it ends change decisions.
 * The reason is never compared (a decision is its mode and deciding rule), and only decides
 * whether `shadow-all` counts at all; an expiry that does not parse, or a `shadow-all` without a
 * reason and an end, is `normal`; `lockdown` only adds a finding for destructive operations.
 *
 * Comparing this instead of the overrides record keeps a change of the reason, or an expiry
 * written another way, from splitting every cell of every API on both sides, and keeps a lockdown
 * from touching read and write operations.
 */
import { compareInstants, parseRfc3339, type Instant } from '../core/time.js';
import type { Enforcement, Ir, OperationClass } from '../ir/types.js';

export interface Panic {
  enforcement: Enforcement;
  /** The first instant at which the flag no longer applies; null when it does not end. */
  until: Instant | null;
}

const NORMAL: Panic = Object.freeze({ enforcement: 'normal', until: null }) as Panic;

export function panicFor(ir: Ir, cls: OperationClass): Panic {
  const { enforcement, reason, expires } = ir.overrides;
  if (enforcement === 'normal') return NORMAL;
  if (enforcement === 'shadow-all' && (reason === null || reason === '' || expires === null)) return NORMAL;
  if (enforcement === 'lockdown' && cls !== 'destructive') return NORMAL;
  if (expires === null) return { enforcement, until: null };
  const until = parseRfc3339(expires);
  return until === null ? NORMAL : { enforcement, until };
}

/** A comparable text: equal texts decide every input alike. */
export const panicKey = (p: Panic): string => (p.until === null ? p.enforcement : `${p.enforcement}@${p.until.seconds}.${p.until.nanos}`);

/** The enforcement in force at `at`. */
export const enforcementAt = (p: Panic, at: Instant): Enforcement => (p.until === null || compareInstants(at, p.until) < 0 ? p.enforcement : 'normal');
