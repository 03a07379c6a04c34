import { CODES, type ValidationCode } from './codes.js';
import type { Diagnostic, DiagnosticLocation, Severity } from './types.js';

/**
 * The codes a diagnostic may carry, by layer. This layer knows only its own; a higher layer that
 * reports diagnostics adds its code union here by module augmentation (`declare module
 * '../diagnostics/create.js' { interface DiagnosticCodes { test: TestCode } }`), so `tsc` rejects a
 * typo or a code no registry holds without this layer importing the layers above it.
 */
export interface DiagnosticCodes {
  validation: ValidationCode;
}

export type DiagnosticCode = DiagnosticCodes[keyof DiagnosticCodes];

/**
 * Builds a diagnostic whose severity is the code's registered one unless `severity` overrides it.
 * An unregistered code falls back to `error` (test/diagnostics/codes.test.ts catches it) rather
 * than turning a user's mistake into a crash.
 */
export function diagnostic(
  code: DiagnosticCode,
  message: string,
  at: DiagnosticLocation,
  help?: string,
  severity?: Severity,
): Diagnostic {
  const d: Diagnostic = {
    code,
    severity: severity ?? CODES[code]?.severity ?? 'error',
    message,
    file: at.file,
    line: at.line,
    column: at.column,
    endLine: at.endLine,
    endColumn: at.endColumn,
  };
  if (help !== undefined) d.help = help;
  return d;
}

/** The location of a whole file, for problems that have no better place (1:1). */
export function fileStart(file: string): DiagnosticLocation {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** Orders by file, line, column, then code and message, so output is stable across runs. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): { errorCount: number; warningCount: number } {
  let errorCount = 0;
  let warningCount = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errorCount++;
    else if (d.severity === 'warning') warningCount++;
  }
  return { errorCount, warningCount };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
