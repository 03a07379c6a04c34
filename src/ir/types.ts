import type { Mode, OperationClass } from '../core/modes.js';
import type { Decision, DecisionInput } from '../schemas/types.generated.js';

export type { Decision, DecisionInput };
export type { Mode, OperationClass } from '../core/modes.js';
export { CLASSES, MODES, SEVERITY } from '../core/modes.js';
export type Enforcement = 'normal' | 'shadow-all' | 'lockdown';
export type Violation = Decision['violations'][number];

export const IR_VERSION = 1;

/**
 * An operation selector after resolution: `names` holds explicit names plus every catalog
 * operation of a selected class; `classes` still applies to operations missing from the catalog,
 * which are classified by name at evaluation time.
 */
export interface IrOperationSet {
  any: boolean;
  names: string[];
  classes: OperationClass[];
}

export interface IrOperation {
  name: string;
  class: OperationClass;
  type: string;
  reversible: boolean | null;
  /** `idTemplate` (`{owner}/{repo}`) composes the id from several arguments; at most one of it and `idArg` is set. */
  resource: { kind: string; idArg: string | null; idTemplate: string | null; environmentArg: string | null; projectArg: string | null } | null;
  /** `bodyIsData` only when the route declares it (an upload), so other catalogs keep their IR (and its digest). */
  http: { method: string; path: string; bodyIsData?: true } | null;
  /**
   * The argument of an MCP tool that carries SQL. Absent for every other operation, so catalogs
   * without SQL tools keep their IR (and its digest) as before.
   */
  sql?: { argument: string };
}

export interface IrApi {
  name: string;
  protocol: 'graphql' | 'http' | 'mcp' | 'aws-query' | 'aws-json' | 'rest-json' | 'rest-xml' | 's3';
  hosts: string[];
  endpoint: string | null;
  environments: string[];
  /** Most protected first; [0] is assumed for a missing or unknown environment. */
  protectedEnvironments: string[];
  defaults: Record<OperationClass, Mode>;
  tokens: {
    /** `schemes` empty: the whole value is the credential. */
    headers: { name: string; schemes: string[] }[];
    missing: Mode;
    unknown: Mode;
    requireExpiry: boolean;
    checkScopesFor: OperationClass[];
  };
  identity: { attemptHeader: string | null; originatorBaggageKey: string; tenantBaggageKey: string };
  /** Whether resource ids compare without case (inventory lookups and duplicates). */
  resourceIds: { caseInsensitive: boolean };
  /** Sorted by name. */
  operations: IrOperation[];
  /**
   * Every argument path a rule or grant of this API reads, sorted: extraction puts only these
   * into the decision input (arguments may carry secrets or SQL). Absent when there are none.
   */
  argumentPaths?: string[];
  /**
   * GraphQL: the documents of the Api's trusted-documents manifest, sorted by id (the sha256 hex
   * of `body`), so an enforcer expands a stored-document id from the bundle alone. Absent when
   * the Api declares none, so other catalogs keep their IR (and its digest).
   */
  trustedDocuments?: IrTrustedDocument[];
  /** How the server reads HTTP beyond the standards; absent when the Api declares nothing. */
  http?: { jsonLabelledAsForm: boolean };
}

/** One operation of an Apollo persisted-query manifest. */
export interface IrTrustedDocument {
  id: string;
  body: string;
}

export interface IrMatch {
  operations: IrOperationSet | null;
  environments: string[] | null;
  resources: { kinds: string[] | null; ids: string[] | null; projects: string[] | null } | null;
  tokens: string[] | null;
  identity: {
    originator: IdentityCondition | null;
    tenant: IdentityCondition | null;
    verified: boolean | null;
  } | null;
  attempt: { min: number | null; max: number | null } | null;
  /** Absent when the rule has no argument conditions, so IRs without them keep their digest. */
  arguments?: IrArguments;
}

export type IdentityCondition = { present: true } | { present: false } | { in: string[] };

export type { ArgumentCondition, ArgumentValue } from '../core/arguments.js';
import type { ArgumentCondition } from '../core/arguments.js';

/**
 * Argument conditions by dotted path (`input.private`), keys sorted. Written as in YAML because
 * grants carry them into data.json, where operators may patch them.
 */
export type IrArguments = Record<string, ArgumentCondition>;

export interface IrRule {
  /** `<policy>/<rule>` */
  id: string;
  mode: Mode;
  reason: string | null;
  match: IrMatch;
}

export interface IrPolicy {
  name: string;
  api: string;
  owners: string[];
  /** In declared order: the first matching rule at the decision's severity names the decision. */
  rules: IrRule[];
}

export interface IrGrant {
  /** Raw selectors as written (`name`, `class:x`, `*`): grants live in data.json where operators may patch them. */
  operations: string[];
  environments: string[];
  projects: string[] | null;
  resources: string[] | null;
  /** Absent when the grant has no argument conditions. */
  arguments?: IrArguments;
}

export interface IrToken {
  name: string;
  api: string;
  /** `sha256:<hex>`, or for a family its key `family:<prefix>` (core/token-family.ts). */
  fingerprint: string;
  /** The prefix of a token family; null for one credential. */
  family: string | null;
  /** RFC 3339 in UTC (`Z`), fraction without trailing zeros; null when the token never expires. */
  expires: string | null;
  grants: IrGrant[];
}

export interface IrInventoryResource {
  id: string;
  kind: string;
  environment: string | null;
  project: string | null;
  labels: Record<string, string>;
}

/** Every `Inventory` document of one API, merged. */
export interface IrInventory {
  api: string;
  /** Sorted by id. */
  resources: IrInventoryResource[];
}

export interface IrOverrides {
  enforcement: Enforcement;
  reason: string | null;
  expires: string | null;
}

/** The whole policy set, normalized: what the compiler, the bundle and the diff consume. */
export interface Ir {
  irVersion: typeof IR_VERSION;
  /** Sorted by name. */
  apis: IrApi[];
  /** Sorted by name. */
  policies: IrPolicy[];
  /** Sorted by fingerprint (families by their key). */
  tokens: IrToken[];
  overrides: IrOverrides;
  /** Sorted by api; APIs without inventory documents are absent. */
  inventories: IrInventory[];
  /**
   * Sorted by name. Absent when the repository declares no `IdentityIssuer`, so IRs (and their
   * digests) without identity envelopes stay as they were. Extraction verifies `Txn-Token`
   * envelopes against them, so they travel wherever the IR catalog does (enforcer, replays).
   */
  identityIssuers?: IrIdentityIssuer[];
}

/** One `IdentityIssuer`: whom it may vouch for, and the public keys its envelopes verify with. */
export interface IrIdentityIssuer {
  name: string;
  /** In declared order; exactly one of `pem` and `jwk` is set. */
  keys: { kid: string; pem: string | null; jwk: Record<string, unknown> | null }[];
  jwksUrl: string | null;
  /** Sorted. */
  tenants: string[];
  /** Sorted. */
  originators: string[];
  maxLifetimeSeconds: number;
  /** Sorted; the default (ES256, EdDSA) when the document gives none. */
  algorithms: string[];
}

/** The bundle's data document (`data.json`): what may change without recompiling the module. */
export interface BundleData {
  blastguard: {
    tokens: Record<string, { name: string; api: string; expires: string | null; grants: IrGrant[] }>;
    overrides: IrOverrides;
    /** Present when the policy repository declares inventories: api → resource id → what it is. */
    inventories?: Record<string, Record<string, { kind: string; environment: string | null; project: string | null }>>;
  };
}
