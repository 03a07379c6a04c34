import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { importCatalog } from '../../src/catalog/index.js';
import type { ImportOptions, ImportResult } from '../../src/catalog/index.js';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** An operation of a written catalog, as plain data. */
export interface CatalogOperation {
  class: string;
  type?: string;
  http?: { method: string; path: string };
  resource?: { kind: string; idArg?: string; id?: string; environmentArg?: string; projectArg?: string };
  description?: string;
}

export function operationsOf(text: string): Record<string, CatalogOperation> {
  const doc = parse(text) as { spec: { operations: Record<string, CatalogOperation> } };
  return doc.spec.operations;
}

export function importText(options: Partial<ImportOptions> & Pick<ImportOptions, 'format' | 'text'>): ImportResult {
  return importCatalog({ file: 'api.yaml', ...options });
}

/** A small OpenAPI 3.1 document from its `paths`, with one server. */
export function openapi(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ openapi: '3.1.0', info: { title: 'Example', version: '1' }, servers: [{ url: 'https://api.example.com' }], paths, ...extra }, null, 2);
}

/** The one catch-all response OpenAPI asks every operation for. */
export const OK = { responses: { '200': { description: 'ok' } } };
