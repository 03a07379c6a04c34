import { BlastguardError } from '../core/errors.js';

/**
 * Codes BG660–BG679: importing an `Api` catalog from OpenAPI, Swagger or a GraphQL schema.
 * BG660–BG669 stop the import (nothing is written); BG670–BG679 are notes on what was imported
 * but needs a human: the catalog is still written, with a `review:` comment at the operation.
 * Throw with the name (`CATALOG_CODES.syntax`), so `tsc` catches a wrong code.
 */
export const CATALOG_CODES = {
  /** The input file (or the existing `--out` file) cannot be read. */
  unreadable: 'BG660',
  /** The input is not well-formed JSON, YAML or GraphQL SDL. */
  syntax: 'BG661',
  /** Well-formed, but not an OpenAPI/Swagger document, or not a GraphQL schema or introspection result. */
  notASpec: 'BG662',
  /** An `openapi`/`swagger` version other than 2.0, 3.0.x or 3.1.x. */
  unsupportedVersion: 'BG663',
  /** The document declares no operation the catalog can hold. */
  noOperations: 'BG664',
  /** A part of the document has the wrong shape (`paths` not a map, a path without `/`, a broken `$ref`, an invalid schema). */
  invalidSpec: 'BG665',
  /** No host: the document names no absolute server URL and no `--host` was given. */
  noHost: 'BG666',
  /** `--name`, `--host` or `--endpoint` is not a valid value. */
  invalidOption: 'BG667',
  /** The existing `--out` file cannot be re-imported: not one `Api` document, or of another protocol. */
  badExisting: 'BG668',
  /** The catalog cannot be written. */
  writeFailed: 'BG669',
  /** A path parameter holds slashes (`x-multi-segment`, `{name+}`), but a route parameter matches one segment. */
  multiSegment: 'BG670',
  /** A path segment mixes text and parameters (`{name}.json`): routes match it literally, so requests never match. */
  literalSegment: 'BG671',
  /** Two operations have the same method and path template: requests to it are ambiguous (BG417). */
  duplicateRoute: 'BG672',
  /** Two operations would get the same name; the later one got a numbered name. */
  nameCollision: 'BG673',
  /** A part of the document the catalog cannot express was left out (an OPTIONS route, an API key in a query, an external `$ref`). */
  notImported: 'BG674',
} as const;

export type CatalogCode = (typeof CATALOG_CODES)[keyof typeof CATALOG_CODES];

/** Titles for the code table (src/cli/codes.ts joins every layer's registry); notes are warnings. */
export const CATALOG_CODE_TITLES: Readonly<Record<CatalogCode, string | { severity: 'warning'; title: string }>> = {
  BG660: 'the file to import (or the existing `--out` catalog) cannot be read',
  BG661: 'the file to import is not well-formed JSON, YAML or GraphQL SDL',
  BG662: 'the file to import is not an OpenAPI/Swagger document or a GraphQL schema',
  BG663: 'unsupported OpenAPI or Swagger version (2.0, 3.0 and 3.1 are supported)',
  BG664: 'the file to import declares no operations',
  BG665: 'the file to import has a malformed part (paths, parameters, `$ref`, schema)',
  BG666: 'the imported API has no host: the document names none and no `--host` was given',
  BG667: 'an import option (`--name`, `--host`, `--endpoint`) is invalid',
  BG668: 'the existing `--out` file is not one `Api` catalog of the same protocol',
  BG669: 'the imported catalog cannot be written',
  BG670: { severity: 'warning', title: 'imported path parameter holds slashes, but the route already has its one multi-segment parameter' },
  BG671: { severity: 'warning', title: 'imported path segment mixes text and parameters and is matched literally' },
  BG672: { severity: 'warning', title: 'two imported operations have the same method and path template' },
  BG673: { severity: 'warning', title: 'two imported operations would have the same name; one was renamed' },
  BG674: { severity: 'warning', title: 'a part of the imported document cannot be expressed in a catalog and was left out' },
};

/** Where a problem is: a 1-based line and column in the imported file, when known. */
export interface Position {
  line: number;
  column: number;
}

/** A stop-the-import error at a place in `file`. */
export function catalogError(code: CatalogCode, file: string, message: string, help: string, at?: Position): BlastguardError {
  return new BlastguardError(code, message, { help, file, ...(at ? { line: at.line, column: at.column } : {}) });
}
