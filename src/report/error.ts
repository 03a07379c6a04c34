import type { BlastguardError } from '../core/errors.js';

/**
 * A coded error as the CLI and the Action print it: `file:line:col: error BGnnn message` and a
 * help line, never a stack trace. `fallbackHelp` is for errors that bring no help of their own.
 */
export function formatError(e: BlastguardError, fallbackHelp: string): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ` : '';
  return `${where}error ${e.code} ${e.message}\n  help: ${e.help || fallbackHelp}\n`;
}
