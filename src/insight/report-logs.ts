import { BlastguardError } from '../core/errors.js';
import type { Ir } from '../ir/types.js';
import { Aggregate } from './aggregate.js';
import { analyze } from './analyze.js';
import { DEFAULT_BURST, type BurstOptions } from './bursts.js';
import { callerMatcher } from './callers.js';
import { INSIGHT_CODES } from './codes.js';
import { defaultThreads } from './parse-pool.js';
import { readLogs, type LogWarning } from './read-logs.js';
import type { LogSource } from './sources.js';
import type { InsightReport } from './types.js';

export interface ReportLogsOptions {
  /** The policy set: rule modes, token names and grants. Without it, modes come from the logs. */
  ir: Ir | null;
  sinceMs?: number;
  untilMs?: number;
  unexpected?: readonly string[];
  bursts?: Partial<BurstOptions>;
  maxBadLines?: number;
  onWarning?: (warning: LogWarning) => void;
  /** Parse worker threads (default: one on a machine with two cores or more, else none). */
  threads?: number;
  /** Bytes a unit of work holds (tests make it small). */
  unitBytes?: number;
}

/** Reads the logs once, streaming, and analyses them: `blastguard report --logs`. */
export async function reportLogs(sources: readonly LogSource[], options: ReportLogsOptions): Promise<InsightReport> {
  if (options.sinceMs !== undefined && options.untilMs !== undefined && options.sinceMs >= options.untilMs) {
    throw new BlastguardError(INSIGHT_CODES.badWindow, '`--since` must be before `--until`', { help: 'swap the two instants' });
  }
  const bursts = { ...DEFAULT_BURST, ...options.bursts };
  if (!(bursts.windowMs > 0) || !Number.isSafeInteger(bursts.threshold) || bursts.threshold < 2) {
    throw new BlastguardError(INSIGHT_CODES.badWindow, 'the burst window must be positive and the threshold at least 2', { help: 'e.g. --burst-window 5m --burst-threshold 5' });
  }
  const unexpected = options.unexpected ?? [];
  const names = new Map((options.ir?.tokens ?? []).map((t) => [t.fingerprint, t.name]));
  const aggregate = new Aggregate({ unexpected: callerMatcher(unexpected), tokenName: (fp) => names.get(fp) ?? null, declaresTokens: names.size > 0, bursts });
  const read = await readLogs(sources, (d) => aggregate.add(d), {
    ...(options.sinceMs === undefined ? {} : { sinceMs: options.sinceMs }),
    ...(options.untilMs === undefined ? {} : { untilMs: options.untilMs }),
    ...(options.maxBadLines === undefined ? {} : { maxBadLines: options.maxBadLines }),
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    ...(options.unitBytes === undefined ? {} : { unitBytes: options.unitBytes }),
    keepInput: false,
    threads: options.threads ?? defaultThreads(),
  });
  return analyze({ aggregate, read, ir: options.ir, unexpectedPatterns: unexpected, sinceMs: options.sinceMs ?? null, untilMs: options.untilMs ?? null, bursts });
}
