import type { HttpHeaders } from '../core/headers.js';
import type { FetchedKeys } from '../identity/index.js';
import type { DecisionInput } from '../schemas/types.generated.js';
import type { ExtractCode } from './codes.js';

export type { HttpHeaders };

/** One HTTP request as the enforcer saw it. */
export interface HttpRequest {
  method: string;
  /** Absolute (`https://host/path?query`), or origin-form (`/path?query`) with the host in a `Host` header. */
  url: string;
  headers?: HttpHeaders;
  /** The raw body; bytes are decoded as UTF-8. */
  body?: string | Uint8Array | null;
  /**
   * The host name (lowercase, no port) the client's own `Host` named, when a proxy reads the
   * request under another host of its api (its `Host` replaced, decided-host.ts): an edge
   * proxy's `X-Forwarded-Host` naming it reads as the decided host too (url-override.ts).
   */
  clientHost?: string;
}

/** What the enforcer knows about one resource id. */
export interface InventoryEntry {
  /** The id as the inventory spells it, when lookups ignore case (the input then carries this spelling). */
  id?: string;
  kind: string;
  environment?: string;
  project?: string;
}

/**
 * What the enforcer knows beyond the request: resource ids, environment ids (Railway passes
 * environment UUIDs, policies speak of environment names) and project ids.
 */
export interface Inventory {
  /** Resource id → what it is and where it lives. */
  resources?: ReadonlyMap<string, InventoryEntry> | Readonly<Record<string, InventoryEntry>>;
  /** Environment id → environment name. */
  environments?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Project id → project name (the name Token grants list). */
  projects?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

export interface ExtractOptions {
  /** The decision time, RFC 3339 (or a Date, converted to UTC). */
  time: string | Date;
  /**
   * What the enforcer knows, replacing the inventory the bundle carries for every API (replays
   * bring their own).
   */
  inventory?: Inventory;
  /**
   * Inventories by API name (a runtime inventory file, see `parseInventoryFile`): an API listed
   * here uses it instead of the one the policy repository declares. Ignored when `inventory` is given.
   */
  inventories?: ReadonlyMap<string, Inventory> | Readonly<Record<string, Inventory>>;
  /** Bodies larger than this many bytes are not parsed (the request is denied). Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Public keys the enforcer fetched from `IdentityIssuer`s' `jwksUrl`, by issuer name, used next
   * to the keys the bundle declares. Pass the same object until a refresh: the verified-chain
   * cache belongs to it.
   */
  issuerKeys?: FetchedKeys;
}

/**
 * A decision input as extraction produces it. When the request could not be understood,
 * `operation` is absent (so the policy answers `input:invalid`, deny) and `error` says why.
 */
export type ExtractedInput = Omit<DecisionInput, 'operation'> & {
  operation?: DecisionInput['operation'];
  error?: string;
};

export interface ExtractError {
  /** Stable code in BG400–BG419 (see README "Request extraction"). */
  code: ExtractCode;
  message: string;
}

/** One operation the request performs, or one unparseable request (`operation: null`). */
export interface ExtractedOperation {
  input: ExtractedInput;
  /** The operation name (GraphQL root field, MCP tool, HTTP route), null when unparseable. */
  operation: string | null;
  /** The response key (alias) of a GraphQL root field, when it differs from the name. */
  alias?: string;
  error?: ExtractError;
}

/** Bounds the egress proxy keeps on what it reads before forwarding; past any, the request is refused (BG700). */
export interface ForwardLimits {
  /** Request body bytes the proxy parses, after a gzip body is inflated. */
  maxBodyBytes: number;
  /** Body bytes of a protocol that never parses them (S3 object data), forwarded as sent. */
  maxDataBytes: number;
  /** GraphQL selection depth, fragments expanded. */
  maxDepth: number;
  /** GraphQL aliases in the forwarded document. */
  maxAliases: number;
  /** GraphQL lexical tokens in a document. */
  maxTokens: number;
}

export interface ForwardOptions extends Omit<ExtractOptions, 'maxBodyBytes'> {
  limits?: Partial<ForwardLimits>;
}

/** The request the proxy forwards: built from what was decided, never the bytes it parsed. */
export interface ForwardRequest {
  method: string;
  /** Origin-form path and query. */
  path: string;
  /** The caller's end-to-end headers (no hop-by-hop, `Host`, framing or encoding headers) and the canonical `Content-Type`/`Content-Length`. */
  headers: Record<string, string | string[]>;
  body: Uint8Array;
  /**
   * Set by the proxy when every operation the request carries is catalogued as a read: sending it
   * a second time does no more than the first (a GET may be read as a write: an AWS query `Action`).
   */
  repeatable?: boolean;
}

/** What `extractForwarding` returns: the decision inputs of the canonical request and that request. */
export interface ForwardExtraction {
  /** The API the request belongs to, null when its host belongs to none. */
  api: string | null;
  /** One per operation the forwarded request performs; one without `operation` when it cannot be read or written back. */
  operations: ExtractedOperation[];
  /** Null when the request cannot be written back one way: nothing may be forwarded. */
  forward: ForwardRequest | null;
}
