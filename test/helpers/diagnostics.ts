import type { Diagnostic } from '../../src/diagnostics/types.js';

/** `BG021@8:16` for each diagnostic: compact, order-preserving assertions on code and place. */
export function where(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);
}

/** Like `where`, with the file: `policies/a.yaml:BG021@8:16`. */
export function whereIn(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.file}:${d.code}@${d.line}:${d.column}`);
}
