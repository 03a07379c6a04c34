import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { BlastguardError } from '../core/errors.js';
import { gzipDeterministicBytes } from './deflate.js';
import { escape as printable } from '../core/untrusted.js';
import { bundlePathFromEntryName } from './paths.js';
import { BUNDLE_CODES } from './codes.js';

/** A regular file inside a bundle; `path` has no leading `/`. */
export interface BundleEntry {
  readonly path: string;
  readonly bytes: Uint8Array;
  /**
   * The name exactly as the archive (or OPA's directory loader) gives it, e.g. `/policy.wasm` or
   * `policy.wasm`: OPA compares `.manifest` `wasm[].module` with this verbatim. Absent for files
   * made in memory, which are written as `/` + `path`.
   */
  readonly name?: string;
}

export interface ReadLimits {
  /** Largest single file. */
  maxFileBytes: number;
  /** Sum of all file sizes. */
  maxTotalBytes: number;
  /** Largest decompressed tar stream (headers included): the gzip-bomb guard. */
  maxDecompressedBytes: number;
  /** Most tar entries of any type. */
  maxEntries: number;
}

/** Help for a bundle over a size or count limit. */
export const LIMIT_HELP = 'a blastguard bundle is a few files of modest size; this one is not a bundle blastguard wrote, or was tampered with';

/**
 * A blastguard bundle is a Wasm module, its data and catalog: a few MiB at most. Bytes are read
 * before their signature is checked, so the defaults bound what an attacker who controls the
 * bundle server can make a reader decompress and hold (callers can raise them).
 */
export const DEFAULT_BUNDLE_BYTES = 32 * 1024 * 1024;

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxFileBytes: DEFAULT_BUNDLE_BYTES,
  maxTotalBytes: DEFAULT_BUNDLE_BYTES,
  maxDecompressedBytes: DEFAULT_BUNDLE_BYTES,
  maxEntries: 4096,
});

/** Read limits for bundles of up to `bytes` (decompressed): file, total and tar stream alike. */
export function readLimitsFor(bytes: number): ReadLimits {
  return { ...DEFAULT_READ_LIMITS, maxFileBytes: bytes, maxTotalBytes: bytes, maxDecompressedBytes: bytes };
}

// ---- writing -------------------------------------------------------------------------------------

const BLOCK = 512;

/**
 * A deterministic ustar archive: entries in the given order, named `/` + path, mode 0600, uid/gid
 * 0, empty owner names, mtime 0 — the same bytes for the same files on every machine.
 */
export function writeTar(entries: readonly BundleEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    parts.push(tarHeader('/' + entry.path, entry.bytes.length));
    parts.push(entry.bytes);
    const pad = (BLOCK - (entry.bytes.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(parts);
}

function tarHeader(name: string, size: number): Uint8Array {
  const h = Buffer.alloc(BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length <= 100) {
    nameBytes.copy(h, 0);
  } else {
    // ustar splits long names at a `/` into prefix (155) and name (100).
    const cut = name.lastIndexOf('/', name.length - 1);
    const prefix = Buffer.from(name.slice(0, cut), 'utf8');
    const rest = Buffer.from(name.slice(cut + 1), 'utf8');
    if (cut <= 0 || prefix.length > 155 || rest.length > 100) {
      throw new BlastguardError(BUNDLE_CODES.unwritable, `bundle path \`${name}\` is too long for a tar entry`, { help: 'use shorter paths (at most 255 bytes)' });
    }
    rest.copy(h, 0);
    prefix.copy(h, 345);
  }
  octal(h, 100, 8, 0o600);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h.fill(0x20, 148, 156);
  h[156] = 0x30; // '0' regular file
  h.write('ustar\u0000', 257, 'latin1');
  h.write('00', 263, 'latin1');
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return h;
}

function octal(h: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new BlastguardError(BUNDLE_CODES.unwritable, `bundle file of ${value} bytes is too large for a tar entry`, { help: LIMIT_HELP });
  h.write(digits.padStart(width - 1, '0') + '\u0000', offset, 'latin1');
}

/** The gzip of a tar, identical on every machine and Node release (see deflate.ts for why not zlib). */
export function gzipDeterministic(bytes: Uint8Array): Uint8Array {
  return gzipDeterministicBytes(bytes);
}

// ---- reading -------------------------------------------------------------------------------------

function requireGzip(bytes: Uint8Array): void {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new BlastguardError(BUNDLE_CODES.notGzip, 'bundle is not gzip-compressed', {
      help: 'an OPA bundle is a `.tar.gz` file; build one with `blastguard build --out bundle.tar.gz`',
    });
  }
}

function tooLarge(maxBytes: number): BlastguardError {
  return new BlastguardError(BUNDLE_CODES.decompressedTooLarge, `bundle decompresses to more than ${maxBytes} bytes`, {
    help: 'this is either a gzip bomb or a bundle larger than the configured limit',
  });
}

function corruptGzip(e: unknown): BlastguardError {
  return new BlastguardError(BUNDLE_CODES.corruptGzip, `bundle gzip stream is corrupt: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * Decompresses a gzip stream, refusing to produce more than `maxBytes`, off the event loop: zlib
 * inflates chunk by chunk on the thread pool with a
 * running byte count, and stops as soon as the output passes `maxBytes`, so a gzip bomb costs
 * at most `maxBytes` of memory and never stalls decisions.
 */
export async function gunzipBounded(bytes: Uint8Array, maxBytes: number): Promise<Buffer> {
  requireGzip(bytes);
  return await new Promise<Buffer>((resolve, reject) => {
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (error: BlastguardError | undefined): void => {
      if (done) return;
      done = true;
      if (error === undefined) {
        resolve(Buffer.concat(chunks, total));
        return;
      }
      chunks.length = 0;
      gunzip.destroy();
      reject(error);
    };
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) finish(tooLarge(maxBytes));
      else chunks.push(chunk);
    });
    gunzip.on('end', () => finish(undefined));
    gunzip.on('error', (e) => finish(corruptGzip(e)));
    gunzip.end(bytes);
  });
}

/** gzip never grows data by more than a few bytes per 16 KiB block, so a larger file cannot be a bundle within the limit. */
export function checkCompressedSize(size: number, limits: ReadLimits = DEFAULT_READ_LIMITS): void {
  if (size > limits.maxDecompressedBytes + 1024 * 1024) {
    throw new BlastguardError(BUNDLE_CODES.totalTooLarge, `bundle file is ${size} bytes, more than the limit of ${limits.maxDecompressedBytes}`, { help: LIMIT_HELP });
  }
}

const LINK_TYPES = new Set(['symlink', 'link']);

/** Reads every regular file of a gzip tar, enforcing the limits and path rules. Directory entries are skipped. */
export async function readTarGz(bytes: Uint8Array, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<BundleEntry[]> {
  checkCompressedSize(bytes.length, limits);
  const tar = await gunzipBounded(bytes, limits.maxDecompressedBytes);
  const entries: BundleEntry[] = [];
  const seen = new Set<string>();
  let count = 0;
  let total = 0;

  const extract = tarStream.extract();
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('close', resolve);
    extract.on('error', reject);
  });
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
    extract.destroy(error instanceof Error ? error : new Error(String(error)));
  };

  extract.on('entry', (header, stream, next) => {
    // Destroying the archive destroys the open entry too; its error is the archive's, reported once.
    stream.on('error', () => undefined);
    try {
      count++;
      if (count > limits.maxEntries) {
        throw new BlastguardError(BUNDLE_CODES.tooManyEntries, `bundle has more than ${limits.maxEntries} entries`, { help: LIMIT_HELP });
      }
      const type = header.type ?? 'file';
      if (LINK_TYPES.has(type)) {
        throw new BlastguardError(BUNDLE_CODES.link, `bundle entry \`${printable(header.name)}\` is a ${type === 'link' ? 'hard link' : 'symbolic link'}`, {
          help: 'bundles may contain regular files only',
        });
      }
      if (type === 'directory') {
        bundlePathFromEntryName(header.name, { directory: true });
        if ((header.size ?? 0) > 0) {
          throw new BlastguardError(BUNDLE_CODES.directoryWithContent, `bundle directory entry \`${printable(header.name)}\` carries content`, {
            help: 'a directory entry with content is read differently by different tar readers; bundles may not have one',
          });
        }
        stream.on('end', next);
        stream.resume();
        return;
      }
      if (type !== 'file') {
        throw new BlastguardError(BUNDLE_CODES.notRegularFile, `bundle entry \`${printable(header.name)}\` has unsupported type \`${type}\``, {
          help: 'bundles may contain regular files only',
        });
      }
      const path = bundlePathFromEntryName(header.name);
      if (seen.has(path)) {
        throw new BlastguardError(BUNDLE_CODES.duplicateEntry, `bundle contains \`${path}\` more than once`, {
          help: 'a reader could pick either copy; a bundle must name each file once',
        });
      }
      seen.add(path);
      const size = header.size ?? 0;
      if (size > limits.maxFileBytes) {
        throw new BlastguardError(BUNDLE_CODES.fileTooLarge, `bundle file \`${path}\` is ${size} bytes, more than the limit of ${limits.maxFileBytes}`, { help: LIMIT_HELP });
      }
      total += size;
      if (total > limits.maxTotalBytes) {
        throw new BlastguardError(BUNDLE_CODES.totalTooLarge, `bundle files add up to more than the limit of ${limits.maxTotalBytes} bytes`, { help: LIMIT_HELP });
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        entries.push({ path, name: header.name, bytes: Buffer.concat(chunks) });
        next();
      });
    } catch (e) {
      stream.resume();
      fail(e);
    }
  });

  extract.end(tar);
  try {
    await finished;
  } catch (e) {
    if (failure !== undefined) throw failure;
    throw new BlastguardError(BUNDLE_CODES.corruptTar, `bundle tar archive is truncated or corrupt: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (failure !== undefined) throw failure;
  return entries;
}
