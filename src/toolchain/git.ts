/**
 * Reading a revision's files straight from git objects (`git ls-tree` + `git cat-file --batch`)
 * into a scratch directory: the working tree, the index and HEAD are never touched, so a diff
 * works in a dirty checkout and in CI's detached checkouts alike. The toolchain's copy of what
 * `blastguard diff` first did in src/cli/git.ts, so that the Action (which may not import the CLI)
 * reads the base the same way; same codes (BG560–BG565).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BlastguardError } from '../core/errors.js';
import { oneLine } from '../core/one-line.js';
import { escape } from '../core/untrusted.js';
import { DIFF_CODES } from '../diff/codes.js';

interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

// The child inherits the caller's environment (the toolchain reads none of it); `-c` settings keep
// the output machine-readable whatever the user's git configuration says.
const GIT_FLAGS = ['-c', 'core.quotepath=off', '-c', 'log.showSignature=false'];

function runGit(args: readonly string[], cwd: string, input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GIT_FLAGS, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new BlastguardError(DIFF_CODES.gitFailed, e.code === 'ENOENT' ? 'git is not installed or not on the PATH' : `git cannot be started: ${e.message.toLowerCase()}`, {
          help: 'diff reads the base revision with git; install git or run it where git is available',
          cause: e,
        }),
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').trim() }));
    child.stdin.on('error', () => {
      // git exits early on a bad argument; its exit code and stderr tell the story.
    });
    child.stdin.end(input ?? '');
  });
}

/** git's first stderr line, escaped: it echoes the revision the user typed. */
const gitReason = (text: string): string => escape(oneLine(text).replace(/^fatal: /, '').toLowerCase());

/** The top directory of the git work tree containing `cwd`. */
export async function gitTopLevel(cwd: string): Promise<string> {
  const r = await runGit(['rev-parse', '--show-toplevel'], cwd);
  if (r.code !== 0) {
    throw new BlastguardError(DIFF_CODES.notGitRepository, `\`${escape(cwd)}\` is not inside a git repository`, {
      help: 'run diff inside a clone of the policy repository (`--base` names a commit of it)',
    });
  }
  return r.stdout.toString('utf8').trim();
}

export interface Revision {
  /** As the user wrote it. */
  ref: string;
  commit: string;
  /** Committer date, RFC 3339. */
  date: string;
}

/** Resolves `ref` to a commit; BG560 when it names none (a shallow clone often lacks the base). */
export async function resolveRevision(top: string, ref: string, flag: string): Promise<Revision> {
  if (ref === '' || ref.startsWith('-')) {
    throw new BlastguardError(DIFF_CODES.unknownRevision, `${flag} \`${escape(ref)}\` is not a revision`, { help: `give a commit, branch or tag, e.g. ${flag} origin/main` });
  }
  const r = await runGit(['log', '-1', '--format=%H %cI', `${ref}^{commit}`, '--'], top);
  const [commit, date] = r.stdout.toString('utf8').trim().split(' ');
  if (r.code !== 0 || !commit || !date) {
    throw new BlastguardError(DIFF_CODES.unknownRevision, `${flag} \`${escape(ref)}\` does not name a commit of this repository${r.stderr ? ` (${gitReason(r.stderr)})` : ''}`, {
      help: 'fetch it first (a shallow clone lacks older commits: `git fetch --deepen=50 origin`, or `fetch-depth: 0` in actions/checkout)',
    });
  }
  return { ref, commit, date };
}

/** Whether the repository holds `commit` (a shallow checkout may not). */
export async function hasCommit(top: string, commit: string): Promise<boolean> {
  const r = await runGit(['cat-file', '-e', `${commit}^{commit}`], top);
  return r.code === 0;
}

interface TreeEntry {
  object: string;
  file: string;
}

async function listTree(top: string, commit: string, dir: string): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (dir !== '' && dir !== '.') args.push('--', dir);
  const r = await runGit(args, top);
  if (r.code !== 0) throw new BlastguardError(DIFF_CODES.gitFailed, `git ls-tree failed for \`${commit}\`: ${gitReason(r.stderr)}`, { help: 'check that the repository is not corrupt (`git fsck`)' });
  const entries: TreeEntry[] = [];
  for (const record of r.stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, object] = record.slice(0, tab).split(' ');
    // Only regular files: links could point outside the scratch directory, submodules have no blobs.
    if (type === 'blob' && (mode === '100644' || mode === '100755') && object) entries.push({ object, file: record.slice(tab + 1) });
  }
  return entries;
}

async function readBlobs(top: string, objects: readonly string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  if (objects.length === 0) return blobs;
  const r = await runGit(['cat-file', '--batch'], top, objects.map((o) => `${o}\n`).join(''));
  if (r.code !== 0) throw new BlastguardError(DIFF_CODES.gitFailed, `git cat-file failed: ${gitReason(r.stderr)}`, { help: 'check that the repository is not corrupt (`git fsck`)' });
  let at = 0;
  const out = r.stdout;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    const [object, type, size] = out.subarray(at, nl).toString('utf8').split(' ');
    if (type !== 'blob' || !object || size === undefined) {
      throw new BlastguardError(DIFF_CODES.gitFailed, `git cat-file returned \`${out.subarray(at, nl).toString('utf8')}\``, { help: 'check that the repository is not corrupt (`git fsck`)' });
    }
    const start = nl + 1;
    const end = start + Number(size);
    blobs.set(object, out.subarray(start, end));
    at = end + 1;
  }
  return blobs;
}

/**
 * Writes the regular files under each of `dirs` (relative to the repository top) at `commit` into
 * `dest`, keeping their paths. BG565 when the first of `dirs` (the policy directory) holds no files
 * there; the others (tests, CODEOWNERS) may be absent.
 */
export async function materialize(top: string, commit: string, dirs: readonly string[], dest: string, ref: string): Promise<void> {
  const entries: TreeEntry[] = [];
  for (const [i, dir] of dirs.entries()) {
    const found = await listTree(top, commit, dir);
    if (i === 0 && found.length === 0) {
      throw new BlastguardError(DIFF_CODES.missingAtBase, `\`${dir}\` does not exist or holds no files at \`${ref}\``, {
        help: 'check --dir and --base: the policy directory must exist at the base revision too',
      });
    }
    entries.push(...found);
  }
  const blobs = await readBlobs(top, [...new Set(entries.map((e) => e.object))]);
  const root = path.resolve(dest);
  for (const e of entries) {
    const target = path.resolve(root, ...e.file.split('/'));
    // Git refuses `..` in trees, but a crafted repository is still no reason to write elsewhere.
    if (!target.startsWith(root + path.sep)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, blobs.get(e.object)!);
  }
}
