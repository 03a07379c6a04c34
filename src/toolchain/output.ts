import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CATALOG_PATH, DATA_PATH, MANIFEST_PATH, SIGNATURES_PATH, WASM_PATH, printable } from '../bundle/index.js';
import { BlastguardError } from '../core/errors.js';
import { packBuiltBundle, sha256Hex, type BuiltBundle } from './bundle.js';
import { UsageError, errnoText } from './errors.js';
import { BUNDLE_CODES } from '../bundle/codes.js';

/** `.tar.gz` / `.tgz` → one gzip tar; anything else → a bundle directory. */
export function isTarballPath(out: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(out);
}

/** The files a bundle directory written by `build` holds; nothing else may be in a directory we write into. */
const OUTPUT_FILES = new Set([DATA_PATH, CATALOG_PATH, WASM_PATH, MANIFEST_PATH, SIGNATURES_PATH]);
/** A temporary file `writeAtomically` left behind when a build was killed mid-write. */
const STALE_TEMP = /^\.(data\.json|catalog\.json|policy\.wasm|\.manifest|\.signatures\.json)\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * An existing `--out` directory must look like a bundle directory we wrote: only our own files,
 * as regular files. Anything else would end up in the bundle (unsigned, or as data), so the
 * directory is refused rather than silently mixed (BG262). Our own stale temporary files are removed.
 */
async function checkOutputDirectory(out: string, shown: string): Promise<void> {
  const foreign: string[] = [];
  for (const name of (await readdir(out)).sort()) {
    if (STALE_TEMP.test(name)) {
      await rm(path.join(out, name), { force: true });
      continue;
    }
    const info = await lstat(path.join(out, name));
    if (!OUTPUT_FILES.has(name) || !info.isFile()) foreign.push(info.isDirectory() ? `${name}/` : name);
  }
  if (foreign.length > 0) {
    const listed = foreign.slice(0, 5).map((f) => `\`${printable(f)}\``).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw new BlastguardError(BUNDLE_CODES.foreignOutDirectory, `\`${printable(shown)}\` is not a bundle directory blastguard wrote: it also holds ${listed}`, {
      help: 'every file in a bundle directory becomes part of the bundle; build into a new or empty directory, or remove those files (blastguard only replaces data.json, catalog.json, policy.wasm, .manifest and .signatures.json)',
    });
  }
}

/** Resolves symbolic links of the longest existing ancestor, so `out` and the policy directory compare as the same places. */
async function canonicalPath(p: string): Promise<string> {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(await realpath(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * `--out` must name a bundle file or a bundle directory of its own: not empty, not the current
 * directory, and not the policy directory or anything inside or around it (a usage error, BG263).
 */
export async function checkOutPath(options: { out: string; dir: string; cwd: string }): Promise<void> {
  const help = 'name a bundle file (`--out bundle.tar.gz`) or a directory of its own (`--out bundle`), outside the policy directory';
  if (options.out.trim() === '') throw new UsageError(BUNDLE_CODES.outDirectory, '--out must not be empty', { help });
  const out = await canonicalPath(path.resolve(options.cwd, options.out));
  const dir = await canonicalPath(path.resolve(options.cwd, options.dir));
  const cwd = await canonicalPath(path.resolve(options.cwd));
  if (out === cwd) throw new UsageError(BUNDLE_CODES.outDirectory, `--out \`${printable(options.out)}\` is the current directory`, { help });
  if (within(out, dir)) {
    throw new UsageError(BUNDLE_CODES.outDirectory, `--out \`${printable(options.out)}\` is ${out === dir ? 'the policy directory' : 'inside the policy directory'} \`${printable(options.dir)}\``, { help });
  }
  if (!isTarballPath(options.out) && within(dir, out)) {
    throw new UsageError(BUNDLE_CODES.outDirectory, `--out \`${printable(options.out)}\` contains the policy directory \`${printable(options.dir)}\``, { help });
  }
}

/** Writes via a temporary sibling and a rename, so readers see the old file or the new one, never half of one. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { mode: 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function writeOutput(out: string, shown: string, built: BuiltBundle): Promise<Uint8Array | undefined> {
  const { files, signatures } = built;
  if (isTarballPath(out)) {
    const bytes = packBuiltBundle(built);
    await mkdir(path.dirname(out), { recursive: true });
    await writeAtomically(out, bytes);
    return bytes;
  }
  const existing = await stat(out).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new BlastguardError(BUNDLE_CODES.writeFailed, `\`${printable(shown)}\` exists and is not a directory`, {
      help: 'name the output `*.tar.gz` for a bundle file, or a directory for an unpacked bundle',
    });
  }
  if (existing !== undefined) await checkOutputDirectory(out, shown);
  await mkdir(out, { recursive: true });
  for (const f of files) await writeAtomically(path.join(out, f.path), f.bytes);
  if (signatures !== undefined) await writeAtomically(path.join(out, SIGNATURES_PATH), signatures);
  // A stale signature from an earlier signed build would no longer match the files.
  else await rm(path.join(out, SIGNATURES_PATH), { force: true });
  return undefined;
}

/** What `writeBundle` wrote. */
export interface WrittenBundle {
  /** The path as the caller gave it. */
  out: string;
  /** SHA-256 of the `.tar.gz` written; undefined for a bundle directory. */
  sha256: string | undefined;
}

/**
 * Writes a built bundle to `out` (relative to `cwd`): a `.tar.gz` file, or a bundle directory.
 * Every file is written via a temporary sibling and a rename, so nothing is ever half-written.
 */
export async function writeBundle(built: BuiltBundle, options: { out: string; cwd: string }): Promise<WrittenBundle> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await writeOutput(path.resolve(options.cwd, options.out), options.out, built);
  } catch (e) {
    if (e instanceof BlastguardError) throw e;
    throw new BlastguardError(BUNDLE_CODES.writeFailed, `cannot write bundle \`${printable(options.out)}\`: ${errnoText(e)}`, {
      help: 'check that the --out location is writable and has free space',
      cause: e,
    });
  }
  return { out: options.out, sha256: bytes === undefined ? undefined : sha256Hex(bytes) };
}
