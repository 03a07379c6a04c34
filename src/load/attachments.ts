import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { MAX_FILE_BYTES, isInside } from './files.js';
import { decodeUtf8 } from './text.js';
import type { AttachedFile, LoadedDocument, PolicySet } from './types.js';

/*
 * Files a document names besides the YAML itself: an `Api`'s trusted-documents manifest
 * (`spec.trustedDocuments.manifest`, relative to the catalog file). They are read once, here, with
 * the policy files' guards (inside the policy directory's real path, within the size limit, UTF-8),
 * and kept as text: validation reports what is wrong with them and the IR reads them, so neither
 * touches the file system.
 */

/** The path (relative to the working directory, `/` separated) an Api's manifest names, or null. */
export function manifestPath(api: LoadedDocument<'Api'>): string | null {
  const manifest = api.value.spec.trustedDocuments?.manifest;
  if (manifest === undefined) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(api.file), manifest.split(path.sep).join('/')));
}

/** Reads every file the set's documents name into `set.attachments`; `sources` receives the text read. */
export async function readAttachments(set: PolicySet, cwd: string, sources: Map<string, string>): Promise<void> {
  const attachments: Record<string, AttachedFile> = {};
  let rootReal: string | null = null;
  try {
    rootReal = await realpath(path.resolve(cwd, set.root));
  } catch {
    rootReal = null;
  }
  for (const api of set.apis) {
    const rel = manifestPath(api);
    if (rel === null || Object.hasOwn(attachments, rel)) continue;
    const read = await readAttachment(path.resolve(cwd, rel), rootReal, set.root);
    attachments[rel] = read;
    if ('text' in read) sources.set(rel, read.text);
  }
  if (Object.keys(attachments).length > 0) set.attachments = attachments;
}

async function readAttachment(abs: string, rootReal: string | null, root: string): Promise<AttachedFile> {
  let real: string;
  try {
    real = await realpath(abs);
  } catch (e) {
    return { problem: problemOf(e) };
  }
  // A manifest outside the policy directory is never opened: a pull request could name any file.
  if (rootReal === null || !isInside(rootReal, real)) return { problem: `lies outside the policy directory \`${root}\`; it is not read` };
  try {
    const st = await stat(real);
    if (!st.isFile()) return { problem: 'is not a file' };
    if (st.size > MAX_FILE_BYTES) return { problem: `is larger than the limit of ${MAX_FILE_BYTES / 1024 / 1024} MB` };
    const decoded = decodeUtf8(await readFile(real));
    if (!decoded.ok) return { problem: `is not valid UTF-8 (line ${decoded.line}, column ${decoded.column})` };
    return { text: decoded.text };
  } catch (e) {
    return { problem: problemOf(e) };
  }
}

function problemOf(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ELOOP') return 'is a symbolic link loop';
  return `cannot be read${code === undefined ? '' : ` (${code})`}`;
}
