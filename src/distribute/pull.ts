import { createHash } from 'node:crypto';
import { isBlastguardError } from '../core/errors.js';
import type { Bundle } from '../bundle/index.js';
import { openBundle, type OpenBundleOptions, type VerificationResult } from '../verify/index.js';
import { configError } from './config.js';
import { loadPersistedBundle, persistBundle } from './persist.js';
import type { Source, Update } from './source.js';

/** The name bundles are persisted under when the caller gives none. */
export const DEFAULT_BUNDLE_NAME = 'blastguard';

/**
 * Verification on by default: `verification` (keys, key id, scope, excluded files) or, only by
 * saying so, `skipVerification: true`. There is no option that skips it silently.
 */
export type PullOptions = OpenBundleOptions & {
  /** Where the verified bytes are kept (`<persistDir>/bundles/<name>/bundle.tar.gz`); not persisted when absent. */
  persistDir?: string;
  name?: string;
  signal?: AbortSignal;
  /**
   * Decides whether the pulled bundle may replace the one already persisted (the enforcer's
   * rollback rule: `compareRevision`), before anything is written; throws to refuse. `persisted`
   * is null when nothing is persisted or the persisted copy no longer verifies.
   */
  admit?: (pulled: PulledInfo, persisted: PulledInfo | null, replaced: readonly string[]) => void;
};

/** A verified bundle as `admit` compares it. */
export interface PulledInfo {
  bundle: Bundle;
  /** `sha256:<hex>` of the tarball. */
  digest: string;
}

export interface PullResult {
  bundle: Bundle;
  /** Null only when verification was skipped explicitly. */
  verification: VerificationResult | null;
  raw: Uint8Array;
  etag: string;
  size: number;
  revision: string;
  /** `sha256:<hex>` of the bundle tarball. */
  digest: string;
  /** The persisted file, when `persistDir` was given. */
  persisted: string | undefined;
}

function checkOptions(options: PullOptions): void {
  const hasKeys = 'verification' in options && options.verification !== undefined;
  const skips = 'skipVerification' in options && options.skipVerification === true;
  if (hasKeys && skips) throw configError('skipVerification', 'cannot be combined with `verification`', 'give verification keys, or skip verification explicitly, not both');
}

/**
 * Verifies an update's bytes (read → verify with src/verify) and returns it with `bundle` and
 * `verification` set, or with `error` set and no bundle. An update without bytes is returned as is.
 */
export async function openUpdate(update: Update, options: OpenBundleOptions): Promise<Update> {
  if (update.error !== undefined || update.raw === undefined) return update;
  try {
    const { bundle, verification } = await openBundle(update.raw, options);
    return { ...update, bundle, verification };
  } catch (e) {
    if (!isBlastguardError(e)) throw e;
    return { error: e, raw: update.raw, etag: update.etag, size: update.size };
  }
}

/**
 * `blastguard pull`: fetch once (ignoring any cached etag), verify, persist the exact verified
 * bytes, and report what was pulled. Throws the source's, the reader's or the verifier's
 * BlastguardError; nothing is persisted unless verification passed (or was skipped explicitly).
 */
export async function pull(source: Source, options: PullOptions): Promise<PullResult> {
  checkOptions(options);
  source.etag = '';
  const update = await openUpdate(await source.check(options.signal), options);
  if (update.error !== undefined) throw update.error;
  if (update.raw === undefined || update.bundle === undefined) throw configError('source', `\`${source.location}\` produced no bundle`);
  const digest = `sha256:${createHash('sha256').update(update.raw).digest('hex')}`;
  let persisted: string | undefined;
  if (options.persistDir !== undefined) {
    const name = options.name ?? DEFAULT_BUNDLE_NAME;
    const existing = await loadPersistedBundle(options.persistDir, name);
    let current: PulledInfo | null = null;
    if (existing !== null) {
      try {
        current = { bundle: (await openBundle(existing.raw, options)).bundle, digest: existing.digest };
      } catch (e) {
        // A persisted copy that no longer verifies protects nothing: the verified pull replaces it.
        if (!isBlastguardError(e)) throw e;
      }
    }
    const replaced = existing?.replaced ?? [];
    options.admit?.({ bundle: update.bundle, digest }, current, replaced);
    // The revision replaced is remembered (an enforcer refuses it later); one pulled back on purpose is no longer "replaced".
    const revision = update.bundle.revision;
    const next = [...replaced.filter((r) => r !== revision), ...(current !== null && current.bundle.revision !== revision && !replaced.includes(current.bundle.revision) ? [current.bundle.revision] : [])];
    persisted = (await persistBundle(options.persistDir, name, update.raw, update.etag, { checkedAt: Date.now(), replaced: next })).file;
  }
  return {
    bundle: update.bundle,
    verification: update.verification ?? null,
    raw: update.raw,
    etag: update.etag,
    size: update.size,
    revision: update.bundle.revision,
    digest,
    persisted,
  };
}

/**
 * The persisted bundle, re-verified as if just downloaded (OPA #2824: the disk path once skipped
 * the key). Null when nothing is persisted; throws the verifier's error when the file no longer
 * verifies, so a tampered disk never becomes the active policy.
 */
export async function openPersisted(persistDir: string, options: OpenBundleOptions & { name?: string }): Promise<(PullResult & { persisted: string }) | null> {
  const found = await loadPersistedBundle(persistDir, options.name ?? DEFAULT_BUNDLE_NAME);
  if (found === null) return null;
  const { bundle, verification } = await openBundle(found.raw, options);
  return {
    bundle,
    verification,
    raw: found.raw,
    etag: found.etag,
    size: found.raw.byteLength,
    revision: bundle.revision,
    digest: found.digest,
    persisted: found.file,
  };
}
