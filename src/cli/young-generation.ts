/**
 * The young generation `blastguard proxy` serves with, unless the operator chose one: V8
 * semi-spaces of 16 MiB, growing to 64 MiB. A proxy allocates ~30 KiB per request and keeps almost
 * none of it; with Node's default (1 MiB semi-spaces, 16 MiB at most) a 1,000-rps run went through
 * 108 scavenges, with these 16, at ~90 MiB more peak RSS (the bench of issue #11 compares the bare
 * pass-through with and without them).
 *
 * This module imports nothing: the binary reads it before it loads any command.
 */
export const PROXY_YOUNG_GENERATION_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--max-semi-space-size=64'];

/** `BLASTGUARD_PROXY_HEAP_TUNING=off`: serve with Node's defaults (or the operator's own flags). */
export const HEAP_TUNING_ENV = 'BLASTGUARD_PROXY_HEAP_TUNING';

/** Any spelling V8 accepts (`-` or `_`) of the flags that size the young generation. */
const SEMI_SPACE_FLAG = /^--(?:min|max)[-_]semi[-_]space[-_]size(?:=|$)/;

/**
 * Whether this invocation is a proxy that should serve from a worker isolate created with
 * PROXY_YOUNG_GENERATION_FLAGS: `blastguard proxy …` (not `proxy ca …`), unless the operator set
 * `BLASTGUARD_PROXY_HEAP_TUNING=off` or sized the young generation themselves, on the command line
 * of node or in NODE_OPTIONS: then the main isolate already has what they asked for.
 */
export function servesWithSizedYoungGeneration(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, execArgv: readonly string[]): boolean {
  if (argv[0] !== 'proxy' || argv[1] === 'ca') return false;
  if (env[HEAP_TUNING_ENV] === 'off') return false;
  const given = [...execArgv, ...(env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  return !given.some((flag) => SEMI_SPACE_FLAG.test(flag));
}
