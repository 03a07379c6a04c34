import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';
import { configError, requiredString } from './config.js';

/**
 * The last good bundle on disk, where OPA keeps it (`<persistDir>/bundles/<name>/bundle.tar.gz`):
 * the exact bytes that were verified, signature inside, so re-verifying them at start gives the
 * same answer (OPA #3472 rewrote files on persist and broke that). Every write goes to a temp file
 * in the same directory, is fsynced, renamed over the old file and the directory fsynced: a crash
 * leaves the old bundle or the new one, never half of one.
 */
export const BUNDLE_FILE = 'bundle.tar.gz';
/**
 * The etag, digest and check record beside the tarball; a mismatch with the tarball (crash between
 * the two renames) drops the etag and check time, not the bundle.
 */
export const META_FILE = 'bundle.json';
/** Replaced revisions kept on disk (newest last): enough to refuse any recent bundle served again. */
export const MAX_PERSISTED_REPLACED = 256;
/** Same name rule as OPA's bundle names, minus anything that could leave the directory. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export interface PersistedBundle {
  raw: Uint8Array;
  /** The etag it was downloaded with ('' when unknown): the first check can then answer 304. */
  etag: string;
  /** `sha256:<hex>` of `raw`. */
  digest: string;
  file: string;
  /** When a check last confirmed these bytes current (wall-clock ms), when bundle.json records it for this digest. */
  checkedAt?: number;
  /** Revisions an enforcer activated and later replaced (rollback protection across restarts). */
  replaced: string[];
}

/** What bundle.json records beside the tarball besides its digest and etag. */
export interface PersistedState {
  checkedAt?: number;
  replaced?: readonly string[];
}

export function persistedBundlePath(persistDir: string, name: string): string {
  const dir = requiredString('persistDir', persistDir);
  if (!NAME.test(name)) throw configError('name', `\`${name}\` is not a valid bundle name (letters, digits, \`.\`, \`_\`, \`-\`; not starting with \`.\`)`);
  return path.join(path.resolve(dir), 'bundles', name, BUNDLE_FILE);
}

async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function metaBytes(digest: string, etag: string, state: PersistedState): Uint8Array {
  const replaced = (state.replaced ?? []).slice(-MAX_PERSISTED_REPLACED);
  const meta = { digest, etag, ...(state.checkedAt === undefined ? {} : { checked_at: new Date(state.checkedAt).toISOString() }), ...(replaced.length === 0 ? {} : { replaced }) };
  return Buffer.from(JSON.stringify(meta) + '\n');
}

function persistError(name: string, dir: string, e: unknown): DistributeError {
  const code = (e as { code?: unknown }).code;
  return new DistributeError(DISTRIBUTE_CODES.persistFailed, `cannot persist bundle \`${name}\` to \`${dir}\` (${typeof code === 'string' ? code : String(e)})`, {
    help: 'check that the persistence directory exists and is writable; the bundle stays active in memory',
    cause: e,
  });
}

/** Writes `raw` (already verified by the caller) as the last good bundle `name`. */
export async function persistBundle(persistDir: string, name: string, raw: Uint8Array, etag = '', state: PersistedState = {}): Promise<PersistedBundle> {
  const file = persistedBundlePath(persistDir, name);
  const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeAtomic(file, raw);
    await writeAtomic(path.join(path.dirname(file), META_FILE), metaBytes(digest, etag, state));
    await syncDirectory(path.dirname(file));
  } catch (e) {
    throw persistError(name, path.dirname(file), e);
  }
  return { raw, etag, digest, file, ...(state.checkedAt === undefined ? {} : { checkedAt: state.checkedAt }), replaced: [...(state.replaced ?? [])] };
}

/** Rewrites bundle.json for the persisted bundle `digest` (a confirmed check, a replaced revision); the tarball is not touched. */
export async function recordPersistedState(persistDir: string, name: string, digest: string, etag: string, state: PersistedState): Promise<void> {
  const file = persistedBundlePath(persistDir, name);
  try {
    await writeAtomic(path.join(path.dirname(file), META_FILE), metaBytes(digest, etag, state));
  } catch (e) {
    throw persistError(name, path.dirname(file), e);
  }
}

/** The persisted bundle `name`, or null when there is none. Not verified: verify it before use, as if downloaded. */
export async function loadPersistedBundle(persistDir: string, name: string): Promise<PersistedBundle | null> {
  const file = persistedBundlePath(persistDir, name);
  let raw: Uint8Array;
  try {
    raw = await readFile(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT') return null;
    throw new DistributeError(DISTRIBUTE_CODES.persistedUnreadable, `cannot read persisted bundle \`${file}\` (${typeof code === 'string' ? code : String(e)})`, { help: 'check the permissions of the persistence directory', cause: e });
  }
  const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  let etag = '';
  let checkedAt: number | undefined;
  const replaced: string[] = [];
  try {
    const meta = JSON.parse(await readFile(path.join(path.dirname(file), META_FILE), 'utf8')) as { digest?: unknown; etag?: unknown; checked_at?: unknown; replaced?: unknown };
    if (meta.digest === digest && typeof meta.etag === 'string') etag = meta.etag;
    if (meta.digest === digest && typeof meta.checked_at === 'string' && Number.isFinite(Date.parse(meta.checked_at))) checkedAt = Date.parse(meta.checked_at);
    // Replaced revisions stay true whatever bundle is beside them: an older record only knows fewer.
    if (Array.isArray(meta.replaced)) for (const r of meta.replaced.slice(-MAX_PERSISTED_REPLACED)) if (typeof r === 'string') replaced.push(r);
  } catch {
    // No or unreadable metadata: the bundle is still good, the first check just downloads it again.
  }
  return { raw, etag, digest, file, ...(checkedAt === undefined ? {} : { checkedAt }), replaced };
}
