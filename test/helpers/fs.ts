import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** File contents by `/`-separated relative path; `{ symlink: target }` makes a symbolic link. */
export type Tree = Record<string, string | Uint8Array | { symlink: string }>;

const created: string[] = [];

/**
 * Writes `tree` into a fresh temporary directory and returns its absolute path. Directories are
 * removed after each test of the file that imported this helper.
 */
export async function writeTree(tree: Tree): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'blastguard-test-'));
  created.push(root);
  for (const [rel, content] of Object.entries(tree)) {
    const abs = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(abs), { recursive: true });
    if (typeof content === 'object' && !(content instanceof Uint8Array)) await symlink(content.symlink, abs);
    else await writeFile(abs, content);
  }
  return root;
}

afterEach(async () => {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Joins lines with `\n` and a trailing newline: keeps YAML fixtures readable in tests. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
