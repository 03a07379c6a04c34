import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BlastguardError } from '../core/errors.js';
import { bundleFromEntries, type Bundle } from './bundle.js';
import { bundlePathFromEntryName } from './paths.js';
import { DEFAULT_READ_LIMITS, LIMIT_HELP, type BundleEntry, type ReadLimits } from './tar.js';
import { BUNDLE_CODES } from './codes.js';

/**
 * A bundle laid out as a directory (`blastguard build --out DIR`, `opa build` input): every
 * regular file below `dir`, by path relative to it. Links and special files are refused as they
 * are in a tarball, and the same size limits apply.
 */
export async function readBundleDirectory(dir: string, options: { limits?: Partial<ReadLimits> } = {}): Promise<Bundle> {
  const limits = { ...DEFAULT_READ_LIMITS, ...options.limits };
  const entries: BundleEntry[] = [];
  let total = 0;
  let count = 0;
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(path.join(dir, rel))).sort();
    for (const name of names) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const abs = path.join(dir, relPath);
      const stat = await lstat(abs);
      if (++count > limits.maxEntries) throw new BlastguardError(BUNDLE_CODES.tooManyEntries, `bundle has more than ${limits.maxEntries} entries`, { help: LIMIT_HELP });
      if (stat.isSymbolicLink()) {
        throw new BlastguardError(BUNDLE_CODES.link, `bundle entry \`${relPath}\` is a symbolic link`, { help: 'bundles may contain regular files only', file: abs });
      }
      if (stat.isDirectory()) {
        await walk(relPath);
        continue;
      }
      if (!stat.isFile()) {
        throw new BlastguardError(BUNDLE_CODES.notRegularFile, `bundle entry \`${relPath}\` is not a regular file`, { file: abs, help: 'bundles may contain regular files only' });
      }
      if (stat.size > limits.maxFileBytes) {
        throw new BlastguardError(BUNDLE_CODES.fileTooLarge, `bundle file \`${relPath}\` is ${stat.size} bytes, more than the limit of ${limits.maxFileBytes}`, { help: LIMIT_HELP });
      }
      total += stat.size;
      if (total > limits.maxTotalBytes) {
        throw new BlastguardError(BUNDLE_CODES.totalTooLarge, `bundle files add up to more than the limit of ${limits.maxTotalBytes} bytes`, { help: LIMIT_HELP });
      }
      // OPA's directory loader names files as if chrooted: `/` + the path relative to the bundle root.
      entries.push({ path: bundlePathFromEntryName(relPath), name: `/${relPath}`, bytes: await readFile(abs) });
    }
  };
  await walk('');
  return bundleFromEntries(entries);
}
