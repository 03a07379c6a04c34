import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isBlastguardError, type BlastguardError } from '../core/errors.js';
import { DEFAULT_READ_LIMITS, packBundle, printable, readBundleDirectory } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';
import { knownKeys, optionalNumber, requiredString, validatePolling } from './config.js';
import { PollingSource, type FetchResult, type PollingConfig } from './source.js';

/**
 * A bundle on the local file system: a `.tar.gz` file, or a directory laid out as a bundle
 * (`blastguard build --out DIR`). A directory is packed into the same deterministic tarball the
 * build writes, so what is persisted and verified is always one gzip tar. Polling is by mtime and
 * size first (cheap), then by sha256 of the bytes, which is also the etag: touching a file without
 * changing it is not an update.
 */
export interface FileSourceConfig {
  path: string;
  polling?: PollingConfig;
  maxBundleBytes?: number;
}

export class FileSource extends PollingSource {
  readonly kind = 'file';
  readonly location: string;
  private readonly file: string;
  private readonly maxBytes: number;
  private lastStamp = '';
  private lastDigest = '';

  constructor(config: FileSourceConfig) {
    const c = knownKeys('source', config, ['path', 'polling', 'maxBundleBytes']);
    super(validatePolling('source.polling', config.polling));
    this.file = path.resolve(requiredString('source.path', c['path']));
    this.location = printable(this.file);
    this.maxBytes = optionalNumber('source.maxBundleBytes', c['maxBundleBytes'], { min: 1, integer: true }) ?? DEFAULT_READ_LIMITS.maxTotalBytes;
  }

  protected async fetchOnce(etag: string): Promise<FetchResult> {
    let stamp: string;
    let isDirectory: boolean;
    try {
      const s = await stat(this.file);
      isDirectory = s.isDirectory();
      if (!isDirectory && !s.isFile()) throw new Error('not a regular file or directory');
      if (!isDirectory && s.size > this.maxBytes) {
        throw new DistributeError(DISTRIBUTE_CODES.tooLarge, `bundle file \`${this.location}\` is ${s.size} bytes, more than the limit of ${this.maxBytes}`, { help: 'raise `source.maxBundleBytes` if the bundle is really this large' });
      }
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch (e) {
      throw unreadable(this.location, e);
    }
    // A directory's own mtime misses edits inside it: directories are re-read every time.
    // Unchanged only if the caller still holds the etag of what we last read: one that restored an
    // older etag after a failed activation gets the bytes again, as OPA's SetCache intends.
    if (!isDirectory && etag !== '' && stamp === this.lastStamp && etag === this.lastDigest) return { etag };
    let raw: Uint8Array;
    try {
      raw = isDirectory ? await this.packDirectory() : await readFile(this.file);
    } catch (e) {
      throw unreadable(this.location, e);
    }
    const digest = createHash('sha256').update(raw).digest('hex');
    this.lastStamp = stamp;
    this.lastDigest = digest;
    return digest === etag ? { etag } : { raw, etag: digest };
  }

  private async packDirectory(): Promise<Uint8Array> {
    const bundle = await readBundleDirectory(this.file, { limits: { maxTotalBytes: this.maxBytes } });
    return packBundle(
      [...bundle.files].map(([p, bytes]) => ({ path: p, bytes })),
      bundle.signatures ?? undefined,
    );
  }
}

/** A bundle-layer refusal (a link, an oversize file in a directory) keeps its own code. */
function unreadable(location: string, e: unknown): BlastguardError {
  if (isBlastguardError(e)) return e;
  const code = (e as { code?: unknown }).code;
  return new DistributeError(DISTRIBUTE_CODES.unreadable, `bundle \`${location}\` cannot be read (${typeof code === 'string' ? code : e instanceof Error ? e.message.toLowerCase() : String(e)})`, {
    help: 'check the path and its permissions',
    cause: e,
  });
}

export function createFileSource(config: FileSourceConfig): FileSource {
  return new FileSource(config);
}
