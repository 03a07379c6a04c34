import { createHash } from 'node:crypto';
import { isMap, isScalar } from 'yaml';
import type { Document } from 'yaml';
import { CATALOG_CODES, catalogError } from './codes.js';
import { API_NAME } from './guess.js';
import { mergeCatalog, parseExisting } from './merge.js';
import type { CatalogChange } from './merge.js';
import type { ImportFormat, ImportNote, ImportedApi, OperationClass } from './model.js';
import { readGraphql } from './graphql.js';
import { readOpenApi } from './openapi.js';
import { TO_STRING, headerLines, renderCatalog } from './render.js';

export { CATALOG_CODES, CATALOG_CODE_TITLES } from './codes.js';
export type { CatalogCode } from './codes.js';
export type { CatalogChange } from './merge.js';
export type { ImportFormat, ImportNote, ImportedApi, ImportedOperation } from './model.js';
export { readOpenApi } from './openapi.js';
export { readGraphql } from './graphql.js';

export interface ImportOptions {
  format: ImportFormat;
  /** The document to import, and the name to report it by. */
  text: string;
  file: string;
  /** `metadata.name`; default: the existing catalog's, else the document's title, else the file name. */
  name?: string;
  /** `spec.hosts`; default: the existing catalog's, else the document's servers. */
  hosts?: string[];
  /** GraphQL `spec.endpoint`. */
  endpoint?: string;
  /** The catalog a previous import wrote, to update in place. */
  existing?: { text: string; file: string };
}

export interface ImportResult {
  /** The catalog, YAML. */
  text: string;
  name: string;
  operations: number;
  /** Operations of the written catalog by class (hand-edited classes included). */
  classes: Record<OperationClass, number>;
  /** What changed in `existing`; null for a fresh import. */
  changes: CatalogChange[] | null;
  notes: ImportNote[];
}

const HOST = /^[a-z0-9.-]+$/;

/** A DNS-label name from a title or file name: `GitHub v3 REST API` → `github-v3-rest-api`. */
export function nameFrom(text: string): string {
  const name = text
    .replace(/^.*[\\/]/, '')
    .replace(/\.(ya?ml|json|graphqls?|gql|sdl)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'api' : name;
}

function checkOptions(options: ImportOptions): void {
  const bad = (message: string, help: string): never => {
    throw catalogError(CATALOG_CODES.invalidOption, options.file, message, help);
  };
  if (options.name !== undefined && !API_NAME.test(options.name)) bad(`--name \`${options.name}\` is not a valid api name`, 'use lowercase letters, digits and `-`, 1-63 characters, e.g. `--name github`');
  for (const host of options.hosts ?? []) {
    if (!HOST.test(host)) bad(`--host \`${host}\` is not a plain lowercase host name`, 'give the host without scheme, port or path, e.g. `--host api.github.com`');
  }
  if (options.endpoint !== undefined) {
    if (options.format !== 'graphql') bad('--endpoint is for graphql imports', 'an http catalog routes by each operation\'s path: drop --endpoint');
    if (!options.endpoint.startsWith('/')) bad(`--endpoint \`${options.endpoint}\` does not start with \`/\``, 'give the path of the GraphQL endpoint, e.g. `--endpoint /graphql`');
  }
}

/** Counts the classes the catalog ends up with, as written (the user's edits included). */
function classesOf(doc: Document): Record<OperationClass, number> {
  const counts: Record<OperationClass, number> = { destructive: 0, write: 0, read: 0 };
  const operations: unknown = doc.getIn(['spec', 'operations'], true);
  if (!isMap(operations)) return counts;
  for (const pair of operations.items) {
    const value: unknown = isMap(pair.value) ? pair.value.get('class', true) : undefined;
    const cls: unknown = isScalar(value) ? value.value : value;
    if (cls === 'destructive' || cls === 'write' || cls === 'read') counts[cls]++;
  }
  return counts;
}

function read(options: ImportOptions): ImportedApi {
  return options.format === 'openapi' ? readOpenApi(options.text, options.file) : readGraphql(options.text, options.file);
}

/**
 * Turns an OpenAPI/Swagger document or a GraphQL schema into an `Api` catalog; with `existing`,
 * updates that catalog and reports what changed. Pure: text in, text out.
 */
export function importCatalog(options: ImportOptions): ImportResult {
  checkOptions(options);
  const api = read(options);
  const sha256 = createHash('sha256').update(options.text).digest('hex');
  const header = headerLines(options.format, options.file, sha256);

  if (options.existing) {
    const doc = parseExisting(options.existing.text, options.existing.file, api.protocol);
    const changes = mergeCatalog(doc, api, header);
    if (options.name !== undefined) doc.setIn(['metadata', 'name'], options.name);
    if (options.hosts !== undefined && options.hosts.length > 0) doc.setIn(['spec', 'hosts'], doc.createNode(options.hosts, { flow: true }));
    if (options.endpoint !== undefined) doc.setIn(['spec', 'endpoint'], options.endpoint);
    const name = doc.getIn(['metadata', 'name']);
    return { text: doc.toString(TO_STRING), name: typeof name === 'string' ? name : '', operations: api.operations.length, classes: classesOf(doc), changes, notes: api.notes };
  }

  const hosts = options.hosts !== undefined && options.hosts.length > 0 ? options.hosts : api.hosts;
  if (hosts.length === 0) {
    const why = options.format === 'openapi' ? 'names no absolute server url' : 'is a graphql schema, which names no host';
    throw catalogError(CATALOG_CODES.noHost, options.file, `\`${options.file}\` ${why}, so the catalog would match no request`, 'pass the API\'s host name: `--host api.example.com` (repeat it for several)');
  }
  const name = options.name ?? nameFrom(api.title ?? options.file);
  const doc = renderCatalog(api, { format: options.format, name, hosts, ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}), header });
  return { text: doc.toString(TO_STRING), name, operations: api.operations.length, classes: classesOf(doc), changes: null, notes: api.notes };
}
