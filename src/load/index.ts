import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { VALIDATION_CODES } from '../diagnostics/codes.js';
import { diagnostic, fileStart } from '../diagnostics/create.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { Kind } from '../schemas/index.js';
import { readAttachments } from './attachments.js';
import { checkDocument } from './document.js';
import { findPolicyFiles, isInside, outsideLinkDiagnostic, readPolicyFile, relativePath } from './files.js';
import type { FoundFile } from './files.js';
import { decodeUtf8 } from './text.js';
import type { LoadedDocument, PolicySet, RejectedDocument } from './types.js';
import { parseYaml } from './yaml.js';
import { KINDS } from '../schemas/index.js';

export type { AttachedFile, JsonPath, KindDocuments, LoadedDocument, PolicySet, RejectedDocument, SourceSpan } from './types.js';
export { manifestPath } from './attachments.js';
export { MANIFEST_FORMAT, readManifest } from './manifest.js';
export type { ManifestOperation, ManifestReading } from './manifest.js';
export { API_VERSION } from './document.js';
export { MAX_FILE_BYTES } from './files.js';
export { MAX_ALIAS_COUNT } from './yaml.js';

export interface LoadResult {
  set: PolicySet;
  diagnostics: Diagnostic[];
  /**
   * The decoded text of every file that was read, by its relative path: the only text code
   * frames may show (re-reading a path at print time could follow a link somewhere else).
   */
  sources: Map<string, string>;
}

type FileLoad = { documents: LoadedDocument[]; diagnostics: Diagnostic[]; rejected: RejectedDocument[]; text?: string };

/**
 * Loads every `*.yaml` / `*.yml` file under `dir` (sorted by path), relative to `cwd`, which the
 * caller passes (the CLI its process's, the Action its workspace): no layer below them reads it. Never throws for anything a
 * user can cause: missing directories, unreadable or malformed files and schema violations all
 * become located diagnostics, and only schema-valid documents enter the set.
 */
export async function loadPolicySet(dir: string, options: { cwd: string }): Promise<LoadResult> {
  const cwd = path.resolve(options.cwd);
  const root = relativePath(cwd, path.resolve(cwd, dir));
  const set = emptyPolicySet(root);
  const { files, diagnostics } = await findPolicyFiles(dir, cwd);
  const sources = new Map<string, string>();
  for (const file of files) {
    const loaded = await loadFoundFile(file);
    diagnostics.push(...loaded.diagnostics);
    for (const document of loaded.documents) addDocument(set, document);
    set.rejected?.push(...loaded.rejected);
    if (loaded.text !== undefined) sources.set(file.rel, loaded.text);
  }
  await readAttachments(set, cwd, sources);
  return { set, diagnostics, sources };
}

/**
 * Loads the documents of one file (a replay fixture, say), with paths relative to `cwd`. It reads
 * whatever `file` names, following links: pass `within` (the directory the caller is scanning,
 * relative to `cwd`) and a file whose real path lies outside that directory's real path is
 * refused with BG019 instead, unread, exactly as `loadPolicySet` refuses links. `text` is what was
 * read, for code frames.
 */
export async function loadDocumentsFromFile(file: string, options: { cwd: string; within?: string }): Promise<FileLoad> {
  const cwd = path.resolve(options.cwd);
  const abs = path.resolve(cwd, file);
  const rel = relativePath(cwd, abs);
  if (options.within === undefined) return loadFoundFile({ abs, rel });
  const dirAbs = path.resolve(cwd, options.within);
  let real: string;
  let rootReal: string;
  try {
    rootReal = await realpath(dirAbs);
    real = await realpath(abs);
  } catch {
    // Missing or unreadable: reading reports it (BG004) without following anything.
    return loadFoundFile({ abs, rel });
  }
  if (!isInside(rootReal, real)) return { documents: [], rejected: [], diagnostics: [outsideLinkDiagnostic(rel, relativePath(cwd, dirAbs))] };
  return loadFoundFile({ abs, rel, real });
}

/** Parses and checks the documents of one file's text; `file` is only used in locations. */
export function loadDocumentsFromText(
  file: string,
  text: string,
): { documents: LoadedDocument[]; diagnostics: Diagnostic[]; rejected: RejectedDocument[] } {
  const parsed = parseYaml(file, text);
  const diagnostics = [...parsed.diagnostics];
  const documents: LoadedDocument[] = [];
  const rejected: RejectedDocument[] = [];
  if (parsed.nonEmptyCount === 0) {
    diagnostics.push(
      diagnostic(VALIDATION_CODES.noDocuments, `\`${file}\` contains no documents`, fileStart(file), 'delete the file or add a document'),
    );
  }
  for (const broken of parsed.broken) {
    // A broken document whose kind (or name) is unreadable may be the one declaring anything of it.
    const kind = broken.kind !== undefined && (KINDS as readonly string[]).includes(broken.kind) ? { kind: broken.kind as Kind } : {};
    rejected.push({ ...kind, ...(broken.name === undefined ? {} : { name: broken.name }), file });
  }
  for (const doc of parsed.documents) {
    const checked = checkDocument(file, doc);
    diagnostics.push(...checked.diagnostics);
    if (checked.document) documents.push(checked.document);
    if (checked.rejected) rejected.push(checked.rejected);
  }
  return { documents, diagnostics, rejected };
}

/** Groups documents by kind, keeping file then document order. */
export function emptyPolicySet(root: string): PolicySet {
  return { root, apis: [], policies: [], tokens: [], overrides: [], replays: [], testSuites: [], inventories: [], identityIssuers: [], rejected: [] };
}

/** The list of a policy set that holds each kind. */
const LIST_OF: Readonly<Record<Kind, 'apis' | 'policies' | 'tokens' | 'overrides' | 'replays' | 'testSuites' | 'inventories' | 'identityIssuers'>> = {
  Api: 'apis',
  Policy: 'policies',
  Token: 'tokens',
  Overrides: 'overrides',
  Replay: 'replays',
  TestSuite: 'testSuites',
  Inventory: 'inventories',
  IdentityIssuer: 'identityIssuers',
};

export function addDocument(set: PolicySet, document: LoadedDocument): void {
  const list = (set[LIST_OF[document.kind]] ??= []) as LoadedDocument[];
  list.push(document);
}

async function loadFoundFile(file: FoundFile): Promise<FileLoad> {
  const read = await readFileText(file);
  if ('diagnostic' in read) return { documents: [], diagnostics: [read.diagnostic], rejected: [{ file: file.rel }] };
  return { ...loadDocumentsFromText(file.rel, read.text), text: read.text };
}

/**
 * The decoded text of one found file, or the located diagnostic saying why it has none (BG004
 * unreadable, BG005 too large, BG007 not UTF-8). Replay fixtures are read through it too, so a
 * fixture that cannot be read fails the run as a policy file would.
 */
export async function readFileText(file: FoundFile): Promise<{ text: string } | { diagnostic: Diagnostic }> {
  const read = await readPolicyFile(file);
  if ('diagnostic' in read) return read;
  const decoded = decodeUtf8(read.bytes);
  if (decoded.ok) return { text: decoded.text };
  const at = { file: file.rel, line: decoded.line, column: decoded.column, endLine: decoded.line, endColumn: decoded.column + 1 };
  const byte = read.bytes[decoded.offset] ?? 0;
  return {
    diagnostic: diagnostic(
      VALIDATION_CODES.invalidUtf8,
      `\`${file.rel}\` is not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')} at offset ${decoded.offset})`,
      at,
      'save the file as UTF-8',
    ),
  };
}
