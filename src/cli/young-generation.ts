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

/**
 * Any spelling V8 accepts (one dash or two before it, `-` or `_` within) of the flags that size the young generation: the
 * semi-spaces, and the whole heap (V8 derives the semi-spaces from --max-heap-size unless told
 * otherwise, and ours would come out of the operator's budget).
 */
const HEAP_SIZING_FLAG = /^--?(?:(?:min|max)[-_]semi[-_]space[-_]size|max[-_]heap[-_]size)(?:=|$)/;

/** Options that print and end: no isolate to size, and commander reads the terminal's width on the main thread. */
const PRINTS_AND_ENDS = new Set(['--help', '-h', '--version', '-V']);

/**
 * Whether this invocation is a proxy that should serve from a worker isolate created with
 * PROXY_YOUNG_GENERATION_FLAGS: `blastguard proxy …` (not `proxy ca …`, not help or the version),
 * unless the operator set `BLASTGUARD_PROXY_HEAP_TUNING=off` or sized the heap themselves, on the
 * command line of node or in NODE_OPTIONS: then the main isolate already has what they asked for.
 */
export function servesWithSizedYoungGeneration(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, execArgv: readonly string[]): boolean {
  if (argv[0] !== 'proxy' || argv[1] === 'ca') return false;
  if (argv.some((arg) => PRINTS_AND_ENDS.has(arg))) return false;
  if (env[HEAP_TUNING_ENV] === 'off') return false;
  const given = [...execArgv, ...nodeOptionsTokens(env['NODE_OPTIONS'] ?? '')];
  return !given.some((flag) => HEAP_SIZING_FLAG.test(flag));
}

/**
 * NODE_OPTIONS split as Node splits it: at spaces outside double quotes, the quotes removed, a
 * backslash inside them taking the next character as it is. (Any whitespace splits here: reading
 * one flag too many only keeps Node's defaults.)
 */
function nodeOptionsTokens(options: string): string[] {
  const tokens: string[] = [];
  let token: string | undefined;
  let quoted = false;
  for (let i = 0; i < options.length; i++) {
    let c = options[i]!;
    if (c === '\\' && quoted) c = options[++i] ?? '';
    else if (/\s/.test(c) && !quoted) {
      if (token !== undefined) tokens.push(token);
      token = undefined;
      continue;
    } else if (c === '"') {
      quoted = !quoted;
      token ??= '';
      continue;
    }
    token = (token ?? '') + c;
  }
  if (token !== undefined) tokens.push(token);
  return tokens;
}
