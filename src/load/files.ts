import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { VALIDATION_CODES } from '../diagnostics/codes.js';
import { diagnostic, fileStart } from '../diagnostics/create.js';
import type { Diagnostic } from '../diagnostics/types.js';

/** Files larger than this are refused: policies are small, and YAML parsing is memory-hungry. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

const YAML_FILE = /\.ya?ml$/i;

export interface FoundFile {
  /** Absolute path. */
  abs: string;
  /** Relative to the working directory, `/` separated: the form every diagnostic uses. */
  rel: string;
  /**
   * The real path checked to lie inside the directory being scanned, when known: reading it
   * (rather than `abs`) means a link swapped after the scan cannot lead elsewhere.
   */
  real?: string;
}

/** Whether the real path `real` is `root` or lies below it (both already resolved with realpath). */
export function isInside(root: string, real: string): boolean {
  const rel = path.relative(root, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * The diagnostic for a symbolic link that resolves outside the directory being loaded. It names
 * neither the target nor anything in it: the target is never read, and its path may be private.
 */
export function outsideLinkDiagnostic(rel: string, relDir: string): Diagnostic {
  return diagnostic(
    VALIDATION_CODES.linkOutsideDirectory,
    `\`${rel}\` is a symbolic link that leads outside \`${relDir}\`; it is not read`,
    fileStart(rel),
    `policy files must live inside \`${relDir}\`: copy the file in, or link to a path inside the directory`,
  );
}

/** `abs` relative to `cwd`, `/` separated; `.` for `cwd` itself. */
export function relativePath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/**
 * Every `*.yaml` / `*.yml` file under `dir`, recursively, sorted by path. Hidden entries (names
 * starting with `.`, such as `.git` or `.github`) and `node_modules` are skipped so that pointing
 * at a repository root does not read CI workflows. Symbolic links are followed only when their real
 * path lies inside the real path of `dir`: a link leading outside (`env.yaml -> /proc/self/environ`)
 * is reported (BG019) at the link and its target is never read, so a pull request cannot make CI
 * print files from elsewhere. A link back to a directory being read is reported instead of
 * recursing forever.
 */
export async function findPolicyFiles(dir: string, cwd: string): Promise<{ files: FoundFile[]; diagnostics: Diagnostic[] }> {
  const abs = path.resolve(cwd, dir);
  const relDir = relativePath(cwd, abs);
  const diagnostics: Diagnostic[] = [];
  const files: FoundFile[] = [];
  try {
    const st = await stat(abs);
    if (!st.isDirectory()) {
      diagnostics.push(
        diagnostic(
          VALIDATION_CODES.notDirectory,
          `\`${relDir}\` is a file, not a directory`,
          fileStart(relDir),
          `pass the directory that contains it: \`${relativePath(cwd, path.dirname(abs))}\``,
        ),
      );
      return { files, diagnostics };
    }
  } catch (e) {
    diagnostics.push(rootError(e, relDir));
    return { files, diagnostics };
  }

  let rootReal: string;
  try {
    rootReal = await realpath(abs);
  } catch (e) {
    diagnostics.push(rootError(e, relDir));
    return { files, diagnostics };
  }

  const visited = new Set<string>();
  const walk = async (current: string, ancestors: readonly string[]): Promise<void> => {
    let real: string;
    try {
      real = await realpath(current);
    } catch (e) {
      diagnostics.push(entryError(e, relativePath(cwd, current)));
      return;
    }
    if (ancestors.includes(real)) {
      diagnostics.push(
        diagnostic(
          VALIDATION_CODES.symlinkLoop,
          `symbolic link loop: \`${relativePath(cwd, current)}\` leads back to \`${relativePath(cwd, real)}\``,
          fileStart(relativePath(cwd, current)),
          'remove the link: it points at a directory that contains it',
        ),
      );
      return;
    }
    // Two links to the same directory would load every document twice and report duplicates.
    if (visited.has(real)) return;
    visited.add(real);
    let entries: string[];
    try {
      // Through the checked real path, so a link swapped meanwhile cannot redirect the walk.
      entries = (await readdir(real)).sort();
    } catch (e) {
      diagnostics.push(entryError(e, relativePath(cwd, current)));
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const child = path.join(current, name);
      const childFs = path.join(real, name);
      const rel = relativePath(cwd, child);
      let isDir: boolean;
      let isFile: boolean;
      let childReal: string | undefined;
      try {
        const link = await lstat(childFs);
        let target = link;
        if (link.isSymbolicLink()) {
          // Resolve the link's path first: nothing outside the directory is ever opened. A link that
          // would be read (a yaml name, or a directory to walk) is reported; others are ignored.
          childReal = await realpath(childFs);
          target = await stat(childReal);
          if (!isInside(rootReal, childReal)) {
            if (YAML_FILE.test(name) || target.isDirectory()) diagnostics.push(outsideLinkDiagnostic(rel, relDir));
            continue;
          }
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (e) {
        if (YAML_FILE.test(name) || codeOf(e) === 'ELOOP') diagnostics.push(entryError(e, rel));
        continue;
      }
      if (isDir) await walk(child, [...ancestors, real]);
      else if (isFile && YAML_FILE.test(name)) files.push({ abs: child, rel, real: childReal ?? childFs });
    }
  };
  await walk(abs, []);

  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  if (files.length === 0 && diagnostics.length === 0) {
    diagnostics.push(
      diagnostic(
        VALIDATION_CODES.noPolicyFiles,
        `no \`*.yaml\` or \`*.yml\` files in \`${relDir}\``,
        fileStart(relDir),
        'policy files are YAML documents with `apiVersion: blastguard.dev/v1`; see the README for examples',
      ),
    );
  }
  return { files, diagnostics };
}

/** Reads a file, refusing oversized ones. Returns the bytes or a diagnostic. */
export async function readPolicyFile(file: FoundFile): Promise<{ bytes: Uint8Array } | { diagnostic: Diagnostic }> {
  try {
    const source = file.real ?? file.abs;
    const st = await stat(source);
    if (st.size > MAX_FILE_BYTES) {
      return {
        diagnostic: diagnostic(
          VALIDATION_CODES.fileTooLarge,
          `\`${file.rel}\` is ${(st.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB`,
          fileStart(file.rel),
          'split it into several files',
        ),
      };
    }
    return { bytes: await readFile(source) };
  } catch (e) {
    return { diagnostic: entryError(e, file.rel) };
  }
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function rootError(e: unknown, relDir: string): Diagnostic {
  const code = codeOf(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return diagnostic(
      VALIDATION_CODES.directoryMissing,
      `policy directory \`${relDir}\` does not exist`,
      fileStart(relDir),
      'check the path; it is resolved against the current directory',
    );
  }
  return entryError(e, relDir);
}

function entryError(e: unknown, rel: string): Diagnostic {
  const code = codeOf(e);
  switch (code) {
    case 'ELOOP':
      return diagnostic(VALIDATION_CODES.symlinkLoop, `symbolic link loop at \`${rel}\``, fileStart(rel), 'remove the link or point it at a real file');
    case 'ENOENT':
      return diagnostic(VALIDATION_CODES.unreadable, `cannot read \`${rel}\`: it is a broken symbolic link`, fileStart(rel), 'remove the link or fix its target');
    case 'EACCES':
    case 'EPERM':
      return diagnostic(VALIDATION_CODES.unreadable, `cannot read \`${rel}\`: permission denied`, fileStart(rel), 'make the file readable by the user running blastguard');
    case 'EISDIR':
      return diagnostic(VALIDATION_CODES.unreadable, `cannot read \`${rel}\`: it is a directory`, fileStart(rel));
    default:
      return diagnostic(VALIDATION_CODES.unreadable, `cannot read \`${rel}\`${code ? ` (${code})` : ''}`, fileStart(rel));
  }
}
