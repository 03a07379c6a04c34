import { INSIGHT_CODES, logSources, type InsightCode, type LogSource } from '../../src/insight/index.js';
import { UsageError } from '../../src/toolchain/index.js';
import { input, warn, type ActionIo } from './io.js';

/** The input's lines: one path or pattern a line, blank lines and surrounding spaces ignored. */
export function lines(name: string): string[] {
  return input(name)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The decision logs the `logs` input names (files or directories, e.g. a downloaded artifact); empty when unset. */
export async function logInput(io: ActionIo, required: boolean): Promise<LogSource[]> {
  const paths = lines('logs');
  if (paths.length === 0) {
    if (!required) return [];
    throw new UsageError(INSIGHT_CODES.noLogs, '`report` needs the `logs` input: decision-log files or directories', {
      help: 'download the enforcer logs first (e.g. actions/download-artifact) and pass their directory as `logs:`',
    });
  }
  return logSources(paths, { cwd: io.cwd });
}

/** A located bad line as a warning annotation (the first few; the rest are counted by the report). */
export function logWarning(io: ActionIo): (w: { code: string; file: string; line: number; message: string }) => void {
  let n = 0;
  return (w) => {
    if (++n <= 10) warn(io, `blastguard ${w.code}`, `${w.file}:${w.line}: ${w.message}`);
  };
}

// The Action's `logs`, `window` and `unexpected` inputs are reported with the decision-log codes.
declare module '../../src/toolchain/errors.js' {
  interface UsageCodes {
    actionLogs: InsightCode;
  }
}
