import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { INSIGHT_CODES } from './codes.js';

/** One stream of decision-log bytes and the name its warnings carry. */
export interface LogSource {
  name: string;
  open: () => AsyncIterable<Uint8Array>;
}

function errnoOf(e: unknown): string {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * The sources a `--logs` value names: a file, every file under a directory (sorted, dot files
 * skipped: rotated `decisions.jsonl.1` and uploaded `*.json.gz` alike), or `-` for `stdin`.
 * `display` maps an absolute path back to how the user will recognise it.
 */
export async function logSources(
  paths: readonly string[],
  options: { cwd: string; stdin?: () => AsyncIterable<Uint8Array> },
): Promise<LogSource[]> {
  const out: LogSource[] = [];
  for (const given of paths) {
    if (given === '-') {
      const stdin = options.stdin;
      if (stdin === undefined) throw new BlastguardError(INSIGHT_CODES.unreadable, 'standard input is not available here', { help: 'pass a file or directory to --logs' });
      out.push({ name: '<stdin>', open: stdin });
      continue;
    }
    const full = path.resolve(options.cwd, given);
    let files: string[];
    try {
      files = (await stat(full)).isDirectory() ? await filesUnder(full) : [full];
    } catch (e) {
      throw new BlastguardError(INSIGHT_CODES.unreadable, `cannot read the decision logs \`${escape(given)}\` (${errnoOf(e)})`, {
        file: escape(given),
        help: 'pass a JSONL file, a gzip JSON array, a directory of them, or - for standard input',
        cause: e,
      });
    }
    for (const file of files) {
      const rel = path.relative(options.cwd, file);
      out.push({ name: rel.startsWith('..') ? file : rel, open: () => createReadStream(file, { highWaterMark: 1 << 20 }) });
    }
  }
  return out;
}
