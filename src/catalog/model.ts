import type { CatalogCode, Position } from './codes.js';

export type ImportFormat = 'openapi' | 'graphql';
export type OperationClass = 'read' | 'write' | 'destructive';
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type GraphqlType = 'query' | 'mutation' | 'subscription';

/**
 * A guess at the resource an operation acts on; always written with a `review:` comment. The id is
 * one argument (`idArg`) or, when the route names it within its parent's (`/repos/{owner}/{repo}`),
 * a composed one (`id: "{owner}/{repo}"`): one of the two.
 */
export interface ResourceGuess {
  kind: string;
  idArg?: string;
  id?: string;
  environmentArg?: string;
  projectArg?: string;
  /** Why this guess: the comment written next to it. */
  why: string;
}

/** One operation as the importer read it, before it becomes YAML. */
export interface ImportedOperation {
  name: string;
  class: OperationClass;
  /** GraphQL root type; absent for HTTP operations. */
  type?: GraphqlType;
  http?: { method: HttpMethod; path: string };
  resource?: ResourceGuess;
  description?: string;
  /** `review:` comments for the operation's key line (derived name, route limits). */
  review: string[];
}

/** Something imported that needs a human, with where it was written in the source. */
export interface ImportNote {
  code: CatalogCode;
  message: string;
  at?: Position;
}

export interface TokenHeader {
  name: string;
  scheme?: string;
}

/** What a source document says about an API, ready to render as an `Api` catalog. */
export interface ImportedApi {
  protocol: 'http' | 'graphql';
  /** The document's own name for the API (OpenAPI `info.title`), for a default `--name`. */
  title?: string;
  hosts: string[];
  tokenHeaders: TokenHeader[];
  operations: ImportedOperation[];
  notes: ImportNote[];
}
