import type {
  ApiDocument,
  IdentityIssuerDocument,
  InventoryDocument,
  OverridesDocument,
  PolicyDocument,
  ReplayDocument,
  TestSuiteDocument,
  TokenDocument,
} from '../schemas/types.generated.js';
import type { Kind } from '../schemas/index.js';

/** A span in a source file; lines and columns 1-based, end exclusive. */
export interface SourceSpan {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type JsonPath = readonly (string | number)[];

export interface KindDocuments {
  Api: ApiDocument;
  Policy: PolicyDocument;
  Token: TokenDocument;
  Overrides: OverridesDocument;
  Replay: ReplayDocument;
  TestSuite: TestSuiteDocument;
  Inventory: InventoryDocument;
  IdentityIssuer: IdentityIssuerDocument;
}

/** One YAML document that passed its kind's JSON Schema. */
export interface LoadedDocument<K extends Kind = Kind> {
  kind: K;
  name: string;
  value: KindDocuments[K];
  /** Path relative to the working directory, `/` separated. */
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  /** The span of the node at `path` (e.g. ['spec', 'rules', 0, 'id']), or of its nearest existing ancestor. */
  locate(path: JsonPath, part?: 'key' | 'value'): SourceSpan;
}

/**
 * A document that failed to load or validate (already reported), so it is not in the set. `name`
 * is absent when it could not be read: such a document may be the one declaring any name of its
 * kind. `kind` is absent when that could not be read either (a syntax error before `kind:`, an
 * unknown kind, a file that is not UTF-8): it may then be the one declaring anything.
 */
export interface RejectedDocument {
  kind?: Kind;
  name?: string;
  file: string;
}

/** Every schema-valid document found under a directory, grouped by kind, in file then document order. */
export interface PolicySet {
  root: string;
  apis: LoadedDocument<'Api'>[];
  policies: LoadedDocument<'Policy'>[];
  tokens: LoadedDocument<'Token'>[];
  overrides: LoadedDocument<'Overrides'>[];
  replays: LoadedDocument<'Replay'>[];
  testSuites: LoadedDocument<'TestSuite'>[];
  /** Absent in sets built before inventories existed; read it as empty. */
  inventories?: LoadedDocument<'Inventory'>[];
  /** Absent in sets built before identity issuers existed; read it as empty. */
  identityIssuers?: LoadedDocument<'IdentityIssuer'>[];
  /**
   * Documents left out because they are invalid (already reported). Rules use it to avoid a
   * second, misleading "not declared" error for references to them.
   */
  rejected?: RejectedDocument[];
  /**
   * Files documents name (an `Api`'s trusted-documents manifest), by path relative to the working
   * directory: their text, or why they could not be read. Absent when no document names one.
   */
  attachments?: Record<string, AttachedFile>;
}

/** A file a document names, as the loader read it. */
export type AttachedFile = { text: string } | { problem: string };
