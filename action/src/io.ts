import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import { escapeData, escapeProperty, formatDiagnostics } from '../../src/diagnostics/format.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';

/** Where the Action writes and what it runs in; `run()` takes the process's, tests pass their own. */
export interface ActionIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

export const input = (name: string): string => core.getInput(name);

/** Diagnostics always as GitHub annotations, so failures land on the offending lines. */
export function annotate(io: ActionIo, diagnostics: Diagnostic[]): void {
  const text = formatDiagnostics(diagnostics, 'github');
  if (text !== '') io.stdout(text);
}

/** A warning annotation (workflow command), shown on the run's summary page. */
export function warn(io: ActionIo, title: string, message: string): void {
  io.stdout(`::warning title=${escapeProperty(title)}::${escapeData(message)}\n`);
}

/** Appends to the job summary (`$GITHUB_STEP_SUMMARY`, up to 1 MiB); without one (a local run) nothing is written. */
export async function jobSummary(io: ActionIo, markdown: string): Promise<boolean> {
  const file = io.env['GITHUB_STEP_SUMMARY'];
  if (!file) return false;
  await appendFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return true;
}
