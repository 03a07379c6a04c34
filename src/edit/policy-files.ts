import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';
import { BlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { EDIT_CODES } from './codes.js';

/** One YAML file of the policy directory, parsed with source ranges kept for in-place edits. */
export interface PolicyFile {
  /** Absolute path. */
  path: string;
  /** As the user names it: relative to the working directory. */
  display: string;
  source: string;
  documents: Document.Parsed[];
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(full)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Every YAML file under the policy directory, parsed (documents with errors are left alone). */
export async function readPolicyFiles(dir: string, cwd: string): Promise<PolicyFile[]> {
  const root = path.resolve(cwd, dir);
  let files: string[];
  try {
    files = await yamlFiles(root);
  } catch (e) {
    throw new BlastguardError(EDIT_CODES.fileFailed, `cannot read the policy directory \`${escape(dir)}\``, { file: escape(dir), help: 'pass the policy directory with --dir', cause: e });
  }
  return Promise.all(
    files.map(async (file) => {
      const source = await readFile(file, 'utf8');
      return { path: file, display: path.relative(cwd, file), source, documents: parseAllDocuments(source) as Document.Parsed[] };
    }),
  );
}

/** The documents of a kind and name, with their file. */
export function findDocuments(files: readonly PolicyFile[], kind: string, name: string): { file: PolicyFile; document: Document.Parsed }[] {
  const out: { file: PolicyFile; document: Document.Parsed }[] = [];
  for (const file of files) {
    for (const document of file.documents) {
      if (document.errors.length > 0) continue;
      if (document.get('kind') === kind && document.getIn(['metadata', 'name']) === name) out.push({ file, document });
    }
  }
  return out;
}

/** Every `metadata.name` of a kind: what an unknown name is compared against for a suggestion. */
export function namesOf(files: readonly PolicyFile[], kind: string): string[] {
  const out: string[] = [];
  for (const file of files) for (const d of file.documents) if (d.errors.length === 0 && d.get('kind') === kind) {
    const name = d.getIn(['metadata', 'name']);
    if (typeof name === 'string') out.push(name);
  }
  return out;
}

/** 1-based line of an offset. */
export function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}
