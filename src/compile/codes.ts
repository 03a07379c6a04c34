/** Error codes BG100–BG199: compiling policies and evaluating the compiled module. */
export const COMPILE_CODES: Readonly<Record<string, string>> = {
  BG101: 'an API has no protected environments',
  BG110: 'the Wasm runtime is missing (run `npm run build`)',
  BG111: 'the Wasm runtime is not a blastguard runtime',
  BG120: 'the policy module or its data cannot be loaded',
  BG121: 'the policy aborted during evaluation (e.g. an input it cannot parse); enforcers deny',
  BG122: 'the policy returned no decision',
};
