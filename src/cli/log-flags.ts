import { InvalidArgumentError } from 'commander';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { escape } from '../core/untrusted.js';
import { logSources, type LogSource, type LogWarning } from '../insight/index.js';
import type { Ir } from '../ir/types.js';
import { checkPolicies } from '../toolchain/index.js';
import { printDiagnostics, type CliIo } from './io.js';

/** Warnings printed one a line before the rest are only counted. */
const SHOWN_WARNINGS = 20;

/** Commander parser for a duration flag: `90s`, `5m`, `2h`, `7d` (a bad value is a usage error, exit 2). */
export function parseDuration(value: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (m === null || Number(m[1]) === 0) throw new InvalidArgumentError('must be a positive duration such as 90s, 5m, 2h or 7d');
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Commander collector for a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The sources named by `--logs`, with standard input streamed when the host can. */
export async function sourcesOf(io: CliIo, paths: readonly string[]): Promise<LogSource[]> {
  const whole = io.readStdinBytes ?? (async (): Promise<Uint8Array> => new TextEncoder().encode(await io.readStdin()));
  const stdin = io.stdinStream ?? (() => once(whole));
  return logSources(paths, { cwd: io.cwd, stdin });
}

async function* once(read: () => Promise<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield await read();
}

/** Prints located warnings as they come (`file:line:col: warning CODE message`), the first few in full. */
export function warningPrinter(io: CliIo): { onWarning: (w: LogWarning) => void; finish: () => void } {
  let n = 0;
  return {
    onWarning(w) {
      n++;
      if (n <= SHOWN_WARNINGS) io.stderr(`${escape(w.file)}:${w.line}:${w.column}: warning ${w.code} ${w.message}\n`);
    },
    finish() {
      if (n > SHOWN_WARNINGS) io.stderr(`…and ${n - SHOWN_WARNINGS} more bad line(s) skipped\n`);
    },
  };
}

/**
 * The policy set a log report reads rule modes, token names and grants from. The default
 * `policies` directory may be absent (logs of any OPA read without it); a named one may not.
 */
export async function policySetFor(io: CliIo, dir: string, explicit: boolean, now?: Date): Promise<{ ir: Ir | null; ok: boolean }> {
  if (!explicit) {
    const exists = await stat(path.resolve(io.cwd, dir)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!exists) {
      io.stderr(`note: no \`${escape(dir)}\` directory; rule modes and token grants come from the logs alone (pass --dir)\n`);
      return { ir: null, ok: true };
    }
  }
  const result = await checkPolicies({ dir, cwd: io.cwd, ...(now === undefined ? {} : { now }) });
  printDiagnostics(io, result.diagnostics, 'human', result.sources);
  return { ir: result.ir, ok: result.ir !== null };
}
