import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { sourceForLocation, type Source } from '../distribute/index.js';
import { DEFAULT_SHUTDOWN_GRACE_SECONDS, ENFORCE_CODES, EnforceError, validateOverride, type LocalOverride } from '../enforce/index.js';
import type { CliIo } from './io.js';

/** Flags `pull` and `decide` share to name a bundle source. */
export interface SourceFlags {
  plainHttp?: boolean;
  timeout?: number;
  /** Seconds between checks of the source (commands that keep running: `proxy`). */
  pollInterval?: number;
}

/** A flag's value in seconds: a positive decimal number, else a usage error (exit 2) naming the flag. */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

export function addSourceOptions(command: Command): Command {
  return command
    .option('--plain-http', 'talk plain http to an `oci://` registry on loopback (tests, a local mirror)')
    .option('--timeout <seconds>', 'time-out in seconds for each download of the bundle from an `https://` or `oci://` source (not a file)', positiveSeconds);
}

/** Flags of the commands that keep an enforcer running (`proxy`, `mcp-guard`): when it counts as stale. */
export interface StalenessFlags {
  maxStaleness?: number;
  failClosedWhenStale?: boolean;
}

export function addStalenessOptions(command: Command): Command {
  return command
    .option('--max-staleness <seconds>', 'unhealthy (/healthz 503) after this long without a successful check of the bundle source (default: five missed polls, at least 300)', positiveSeconds)
    .option('--fail-closed-when-stale', 'while stale, deny every call (`enforcer:stale`) instead of deciding with the last good bundle');
}

/** The enforcer options of `addStalenessOptions`' flags. */
export function stalenessFromFlags(flags: StalenessFlags): { maxStaleness?: number; failClosedWhenStale?: true } {
  return {
    ...(flags.maxStaleness === undefined ? {} : { maxStaleness: flags.maxStaleness }),
    ...(flags.failClosedWhenStale === true ? { failClosedWhenStale: true as const } : {}),
  };
}

/** A location from the command line: URLs as given, paths relative to the working directory. */
export function sourceFromFlags(location: string, flags: SourceFlags, io: CliIo): Source {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
  const where = isUrl ? location : path.resolve(io.cwd, location);
  return sourceForLocation(where, {
    ...(flags.plainHttp === true ? { plainHttp: true } : {}),
    ...(flags.timeout === undefined ? {} : { timeoutSeconds: flags.timeout }),
    ...(flags.pollInterval === undefined ? {} : { polling: { minDelaySeconds: flags.pollInterval, maxDelaySeconds: flags.pollInterval } }),
  });
}

/**
 * The operator's local override from the environment: `BLASTGUARD_OVERRIDE=lockdown` with
 * `BLASTGUARD_OVERRIDE_REASON`. Only the CLI reads the environment; the library takes the value.
 * Anything but `lockdown` is refused: an environment variable must never soften policy.
 */
export function overrideFromEnv(env: CliIo['env']): LocalOverride | undefined {
  const mode = env['BLASTGUARD_OVERRIDE'];
  if (mode === undefined || mode === '') return undefined;
  try {
    return validateOverride({ mode, reason: env['BLASTGUARD_OVERRIDE_REASON'] }) ?? undefined;
  } catch (e) {
    if (e instanceof EnforceError) {
      throw new EnforceError(ENFORCE_CODES.invalidConfig, `BLASTGUARD_OVERRIDE: ${e.message}`, { help: 'set BLASTGUARD_OVERRIDE=lockdown and BLASTGUARD_OVERRIDE_REASON="why"; `shadow-all` comes only from a signed bundle' });
    }
    throw e;
  }
}

/** `--shutdown-grace`: a decimal number of seconds from 0 (end every connection at once) to one day. */
export function graceSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n) || n > 86_400) throw new InvalidArgumentError('must be a number of seconds from 0 to 86400');
  return n;
}

/** Flags of the commands that serve HTTP until a signal (`proxy`, `mcp-guard --listen`): how they stop. */
export interface ShutdownFlags {
  shutdownGrace?: number;
}

export function addShutdownOptions(command: Command, what: string): Command {
  return command.option(
    '--shutdown-grace <seconds>',
    `on SIGTERM or SIGINT, stop accepting and let ${what} in flight finish for up to this long before closing (default ${DEFAULT_SHUTDOWN_GRACE_SECONDS}; a second signal closes at once)`,
    graceSeconds,
  );
}

/**
 * Waits for SIGTERM or SIGINT, then drains with `close(graceMs)`; a second signal while draining
 * ends every connection at once.
 */
export async function serveUntilSignal(close: (graceMs: number) => Promise<void>, flags: ShutdownFlags, onDrain: (graceSeconds: number) => void): Promise<void> {
  let signalled: () => void = () => undefined;
  await new Promise<void>((resolve) => {
    signalled = resolve;
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.off('SIGINT', signalled);
  process.off('SIGTERM', signalled);
  const grace = flags.shutdownGrace ?? DEFAULT_SHUTDOWN_GRACE_SECONDS;
  onDrain(grace);
  const now = (): void => void close(0);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  try {
    await close(Math.round(grace * 1000));
  } finally {
    process.off('SIGINT', now);
    process.off('SIGTERM', now);
  }
}
