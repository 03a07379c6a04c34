import { SEVERITY, type Mode } from '../core/modes.js';
import { readLogs, type LogSource, type LogWarning, type ReadLogsStats } from '../insight/index.js';
import type { Decision, Ir } from '../ir/types.js';
import { loadTestBundle } from './test.js';

/** One group of logged decisions that the head bundle decides differently. */
export interface LogFlipGroup {
  api: string;
  operation: string;
  before: Mode;
  after: Mode;
  /** The finding that decides at the head. */
  rule: string;
  count: number;
  /** Up to three examples: decision id, time and caller. */
  examples: { id: string; time: string; token: string | null; originator: string | null; tenant: string | null }[];
}

export interface LogReplay {
  read: ReadLogsStats;
  window: { from: string | null; to: string | null };
  /** Logged calls that were let through (allow or shadow). */
  letThrough: number;
  /** Of those, the calls the head bundle would deny. */
  newlyDenied: number;
  /** Logged denies the head bundle would let through. */
  newlyAllowed: number;
  /** Any other mode change (allow ↔ shadow). */
  otherFlips: number;
  /** Inputs the head's policy failed to decide (counted, never a crash). */
  failures: number;
  /** Largest groups first, at most `MAX_GROUPS`. */
  groups: LogFlipGroup[];
  revision: string;
}

const MAX_GROUPS = 50;
const MAX_GROUP_KEYS = 10_000;
const EXAMPLES = 3;

/**
 * `blastguard test --logs`: every logged input, decided again by the head's bundle (the one
 * `blastguard test` builds and runs), compared with the decision logged. Streams: memory holds
 * the flip groups, not the log.
 */
export async function replayLogs(ir: Ir, sources: readonly LogSource[], options: { sinceMs?: number; untilMs?: number; onWarning?: (w: LogWarning) => void } = {}): Promise<LogReplay> {
  const bundle = await loadTestBundle(ir);
  const engine = await bundle.engineFor(null);
  const groups = new Map<string, LogFlipGroup>();
  const out = { letThrough: 0, newlyDenied: 0, newlyAllowed: 0, otherFlips: 0, failures: 0 };
  let first = Infinity;
  let last = -Infinity;
  const read = await readLogs(
    sources,
    (d) => {
      if (d.timeMs < first) first = d.timeMs;
      if (d.timeMs > last) last = d.timeMs;
      if (d.mode !== 'deny') out.letThrough++;
      let after: Decision;
      try {
        after = engine.decide(d.input);
      } catch {
        out.failures++;
        return;
      }
      if (after.mode === d.mode) return;
      if (d.mode !== 'deny' && after.mode === 'deny') out.newlyDenied++;
      else if (d.mode === 'deny') out.newlyAllowed++;
      else out.otherFlips++;
      const key = `${d.api}\u0000${d.operation}\u0000${d.mode}\u0000${after.mode}\u0000${after.rule}`;
      let group = groups.get(key);
      if (group === undefined) {
        if (groups.size >= MAX_GROUP_KEYS) return;
        group = { api: d.api, operation: d.operation, before: d.mode, after: after.mode, rule: after.rule, count: 0, examples: [] };
        groups.set(key, group);
      }
      group.count++;
      if (group.examples.length < EXAMPLES) group.examples.push({ id: d.id, time: new Date(d.timeMs).toISOString(), token: d.token, originator: d.originator, tenant: d.tenant });
    },
    options,
  );
  const sorted = [...groups.values()].sort((a, b) => SEVERITY[b.after] - SEVERITY[a.after] || b.count - a.count || (a.operation < b.operation ? -1 : 1)).slice(0, MAX_GROUPS);
  return {
    read,
    window: { from: Number.isFinite(first) ? new Date(first).toISOString() : null, to: Number.isFinite(last) ? new Date(last).toISOString() : null },
    ...out,
    groups: sorted,
    revision: bundle.revision,
  };
}
