import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { parseTimestamp } from '../validate/context.js';
import type { CliIo } from './io.js';

export type { CliIo } from './io.js';
export { printDiagnostics, useColor } from './io.js';
// A flag value that is contradictory or invalid is the toolchain's usage error: `main` exits 2 for it.
export { UsageError, asUsage, checkOptionText as checkFlagText, errnoText, isUsageError } from '../toolchain/index.js';

/**
 * A CLI command. `register` adds it to the program; its action must resolve to the exit code
 * (0 success, 1 a failure the user must fix, 2 usage) and report through `io`, never process.exit.
 */
export interface CommandModule {
  name: string;
  register(program: Command, io: CliIo, setExit: (code: number) => void): void;
}

/** Commander argument parser for a non-negative integer flag (a bad value is a usage error, exit 2). */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

/** Commander argument parser for an RFC 3339 date-time flag (a bad value is a usage error, exit 2). */
export function parseInstant(value: string): Date {
  const ms = parseTimestamp(value);
  if (ms === undefined) throw new InvalidArgumentError('must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z');
  return new Date(ms);
}

/** `--signing-key-env` → `signingKeyEnv`, back to its flag spelling for messages. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
