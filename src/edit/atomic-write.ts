import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { EDIT_CODES } from './codes.js';

/**
 * Replaces a file's content all at once: the text goes to a temporary file in the same directory
 * (same filesystem), keeps the original's permissions, and is renamed over it. A reader sees the
 * old file or the new one, never half of either.
 */
export async function writeAtomically(file: string, text: string, display: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const mode = (await stat(file)).mode & 0o777;
    await writeFile(temp, text, { flag: 'wx', mode });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw new BlastguardError(EDIT_CODES.fileFailed, `cannot write \`${escape(display)}\` back`, { file: escape(display), help: 'check that the file and its directory are writable', cause: e });
  }
}
