import { BlastguardError } from '../core/errors.js';
import { escape as printable } from '../core/untrusted.js';
import { BUNDLE_CODES } from './codes.js';

/**
 * Tar entry names → bundle paths. OPA writes `/data.json`; signatures name the file `data.json`.
 * We accept exactly one optional leading `/` and nothing that could mean a different file to a
 * different reader (`..`, `//`, `.`, backslashes, drive letters), because a signature covers a
 * name and the name must mean one file everywhere.
 */
export function bundlePathFromEntryName(name: string, options: { directory?: boolean } = {}): string {
  const shown = printable(name);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(name)) {
    throw new BlastguardError(BUNDLE_CODES.controlCharacterInName, `bundle entry \`${shown}\` has a backslash, NUL or control character in its name`, {
      help: 'bundle entries must be named with forward slashes only, like `/data.json`',
    });
  }
  let path = name.startsWith('/') ? name.slice(1) : name;
  if (options.directory && path.endsWith('/')) path = path.slice(0, -1);
  const segments = path.split('/');
  if (segments.includes('..')) {
    throw new BlastguardError(BUNDLE_CODES.escapesBundle, `bundle entry \`${shown}\` escapes the bundle with \`..\``, {
      help: 'a bundle must not contain paths that point outside of it',
    });
  }
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw new BlastguardError(BUNDLE_CODES.nonCanonicalPath, `bundle entry \`${shown}\` is an absolute path outside the bundle root`, {
      help: 'bundle entries are named relative to the bundle root, with at most one leading `/`',
    });
  }
  if (path === '' || segments.some((s) => s === '' || s === '.')) {
    throw new BlastguardError(BUNDLE_CODES.nonCanonicalPath, `bundle entry \`${shown}\` is not a canonical path`, {
      help: 'name entries like `/data.json` or `/dir/data.json`: no empty or `.` segments',
    });
  }
  return path;
}
