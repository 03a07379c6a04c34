export type Severity = 'error' | 'warning' | 'info';

/** One finding about the user's files, in the single shape every command reports. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  /** Lowercase, one line, user values in backticks. */
  message: string;
  help?: string;
  /** Path relative to the working directory, `/` separated. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A code's documentation: what the README's diagnostics table lists. */
export interface CodeInfo {
  code: string;
  severity: Severity;
  title: string;
}

/** Where a diagnostic points: a span, lines and columns 1-based, end exclusive. */
export interface DiagnosticLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
