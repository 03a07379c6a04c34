import { UNREAD_FILE_CODES } from './codes.js';
import { countDiagnostics } from './create.js';
import { authSchemeCredentials, looksLikeCredential, looksLikeTokenValue } from '../core/credentials.js';
import type { Diagnostic } from './types.js';

export type DiagnosticFormat = 'human' | 'json' | 'github';

export interface FormatOptions {
  /** ANSI colours in the human format. Default false. */
  color?: boolean;
  /**
   * Source text of a file, for code frames in the human format. Give the text the loader read
   * (not a fresh read of the path): a frame must never show content from outside the directory.
   * Diagnostics about files that were not read (UNREAD_FILE_CODES) never get a frame.
   */
  readSource?: (file: string) => string | undefined;
  /** Show at most this many diagnostics (0 = all). Default 100. */
  maxErrors?: number;
}

export const DEFAULT_MAX_ERRORS = 100;

/** The stable JSON shape of `--format json`. */
export interface DiagnosticsJson {
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  truncated: boolean;
}

/**
 * Renders diagnostics, in the given order, as text for people, as JSON, or as GitHub Actions
 * workflow commands (which GitHub turns into annotations on the pull request's diff).
 */
export function formatDiagnostics(diagnostics: Diagnostic[], format: DiagnosticFormat, options: FormatOptions = {}): string {
  const max = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const shown = max > 0 ? diagnostics.slice(0, max) : diagnostics;
  const hidden = diagnostics.length - shown.length;
  const counts = countDiagnostics(diagnostics);
  switch (format) {
    case 'json': {
      const body: DiagnosticsJson = { diagnostics: shown.map(normalize), ...counts, truncated: hidden > 0 };
      return `${JSON.stringify(body, null, 2)}\n`;
    }
    case 'github': {
      const lines = shown.map(githubCommand);
      if (hidden > 0) lines.push(`${hidden} more ${hidden === 1 ? 'problem' : 'problems'} not shown (raise --max-errors to see them)`);
      if (diagnostics.length > 0) lines.push(summary(counts.errorCount, counts.warningCount));
      return lines.length > 0 ? `${lines.join('\n')}\n` : '';
    }
    case 'human': {
      if (diagnostics.length === 0) return '';
      const paint = painter(options.color ?? false);
      const sources = new Map<string, string[] | undefined>();
      const linesOf = (file: string): string[] | undefined => {
        if (!sources.has(file)) sources.set(file, options.readSource?.(file)?.split(/\r?\n|\r/));
        return sources.get(file);
      };
      const blocks = shown.map((d) => humanBlock(d, UNREAD_FILE_CODES.has(d.code) ? undefined : linesOf(d.file), paint));
      if (hidden > 0) blocks.push(`${hidden} more ${hidden === 1 ? 'problem' : 'problems'} not shown (raise --max-errors to see them)\n`);
      return `${blocks.join('\n')}\n${paint.bold(summary(counts.errorCount, counts.warningCount))}\n`;
    }
  }
}

/** `2 errors, 1 warning` */
export function summary(errorCount: number, warningCount: number): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errorCount, 'error')}, ${plural(warningCount, 'warning')}`;
}

// Fixed key order, help only when present: the JSON output is a contract.
function normalize(d: Diagnostic): Diagnostic {
  const { code, severity, message, help, file, line, column, endLine, endColumn } = d;
  return help === undefined
    ? { code, severity, message, file, line, column, endLine, endColumn }
    : { code, severity, message, help, file, line, column, endLine, endColumn };
}

interface Painter {
  severity(s: Diagnostic['severity'], text: string): string;
  bold(text: string): string;
  dim(text: string): string;
  caret(s: Diagnostic['severity'], text: string): string;
}

function painter(color: boolean): Painter {
  const wrap = (open: string, text: string): string => (color ? `\u001b[${open}m${text}\u001b[0m` : text);
  const tone = (s: Diagnostic['severity']): string => (s === 'error' ? '31' : s === 'warning' ? '33' : '36');
  return {
    severity: (s, text) => wrap(`1;${tone(s)}`, text),
    bold: (text) => wrap('1', text),
    dim: (text) => wrap('2', text),
    caret: (s, text) => wrap(tone(s), text),
  };
}

const FRAME_WIDTH = 120;

function humanBlock(d: Diagnostic, lines: string[] | undefined, paint: Painter): string {
  let out = `${paint.bold(`${d.file}:${d.line}:${d.column}:`)} ${paint.severity(d.severity, `${d.severity} ${d.code}`)} ${d.message}\n`;
  const source = lines?.[d.line - 1];
  if (source !== undefined && source.trim() !== '') {
    const gutter = String(d.line);
    const pad = ' '.repeat(gutter.length);
    // Tabs become single spaces so columns (counted in characters) stay aligned with the carets.
    let text = redact(source.replace(/\t/g, ' '));
    let start = Math.max(0, d.column - 1);
    const end = d.endLine === d.line ? Math.max(start + 1, d.endColumn - 1) : Math.max(start + 1, text.length);
    let width = Math.max(1, Math.min(end, text.length || end) - start);
    // Long lines are cut to a window around the span.
    if (text.length > FRAME_WIDTH) {
      const from = Math.max(0, Math.min(start - 40, text.length - FRAME_WIDTH));
      const prefix = from > 0 ? '…' : '';
      const suffix = from + FRAME_WIDTH < text.length ? '…' : '';
      text = prefix + text.slice(from, from + FRAME_WIDTH) + suffix;
      start = start - from + prefix.length;
      width = Math.max(1, Math.min(width, FRAME_WIDTH + prefix.length - start));
    }
    out += `${paint.dim(`  ${gutter} |`)} ${text}\n`;
    out += `${paint.dim(`  ${pad} |`)} ${' '.repeat(start)}${paint.caret(d.severity, '^'.repeat(width))}\n`;
  }
  if (d.help) out += `  ${paint.bold('help:')} ${d.help}\n`;
  return out;
}

// A code frame must never print a secret the user committed: mask anything credential-shaped
// while keeping its length, so the carets stay aligned.
// A value after an authorization scheme (`Bearer 9b2f6c1e-…`) and a `fingerprint:` that holds the
// token itself (a UUID, say) are masked even when they would not look like credentials alone.
function redact(line: string): string {
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY/.test(line)) return line;
  const mask = (text: string, from: number, length: number): string =>
    text.slice(0, from + Math.min(4, length)) + '*'.repeat(Math.max(0, length - 4)) + text.slice(from + length);
  let out = line.replace(/[^\s"'`,{}[\]]{16,}/g, (token) => {
    const bare = token.replace(/^[^A-Za-z0-9-]+/, '');
    if (!looksLikeCredential(bare)) return token;
    const keep = token.length - bare.length + Math.min(4, bare.length);
    return token.slice(0, keep) + '*'.repeat(token.length - keep);
  });
  for (const { index, value } of authSchemeCredentials(out)) out = mask(out, index, value.length);
  for (const m of out.matchAll(/\bfingerprint["']?\s*:\s*["']?([^\s"'`,{}[\]#]+)/g)) {
    const value = m[1] ?? '';
    if (looksLikeTokenValue(value)) out = mask(out, (m.index ?? 0) + m[0].length - value.length, value.length);
  }
  return out;
}

function githubCommand(d: Diagnostic): string {
  const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const props = [
    `file=${escapeProperty(d.file)}`,
    `line=${d.line}`,
    `col=${d.column}`,
    `endLine=${d.endLine}`,
    `endColumn=${d.endColumn}`,
    `title=${escapeProperty(d.code)}`,
  ].join(',');
  const message = d.help ? `${d.message}\nhelp: ${d.help}` : d.message;
  return `::${command} ${props}::${escapeData(message)}`;
}

/** Escapes a workflow command's message, as @actions/core does. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value, as @actions/core does. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
