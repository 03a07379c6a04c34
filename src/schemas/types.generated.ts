// Generated from schemas/*.schema.json by src/schemas/generate.ts. Do not edit by hand:
// run `npm run gen:types`; test/schemas/types-drift.test.ts fails when this file is stale.

// ---- api.schema.json
export type AuthScheme = string;
/**
 * Query string parameters of the route, for validation of resource arguments.
 *
 * @minItems 1
 */
export type ParameterNames = [string, ...string[]];
/**
 * Top-level body parameters of the route, for validation of resource arguments.
 *
 * @minItems 1
 */
export type ParameterNames1 = [string, ...string[]];

/**
 * An upstream API: where it lives, which operations it has and how dangerous each one is.
 */
export interface ApiDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'Api';
  metadata: Metadata;
  spec: {
    /**
     * How calls to this API are parsed: graphql, http (REST routes), mcp (JSON-RPC tools/call), aws-query (form `Action=`), aws-json (`X-Amz-Target`), rest-json and rest-xml (REST routes with a JSON or an XML body), s3 (bucket in host or path, operation from method, key and subresource).
     */
    protocol: 'graphql' | 'http' | 'mcp' | 'aws-query' | 'aws-json' | 'rest-json' | 'rest-xml' | 's3';
    /**
     * Hostnames the enforcer recognises as this API.
     *
     * @minItems 1
     */
    hosts: [string, ...string[]];
    /**
     * Path of the GraphQL or MCP endpoint, e.g. /graphql/v2.
     */
    endpoint?: string;
    /**
     * Every environment resources of this API can belong to. An environment not listed here is unknown.
     *
     * @minItems 1
     */
    environments: [string, ...string[]];
    /**
     * The protected environments, most protected first. A call whose environment is missing or unknown is evaluated as if it targeted the first one.
     *
     * @minItems 1
     */
    protectedEnvironments: [string, ...string[]];
    /**
     * The mode of an operation no rule matched, by class.
     */
    defaults: {
      /**
       * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
       */
      read: 'allow' | 'shadow' | 'deny';
      /**
       * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
       */
      write: 'allow' | 'shadow' | 'deny';
      /**
       * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
       */
      destructive: 'allow' | 'shadow' | 'deny';
    };
    tokens?: {
      /**
       * Request headers that carry a credential, in the order they are tried. Default: Authorization with scheme Bearer.
       *
       * @minItems 1
       */
      headers?: [
        {
          name: string;
          /**
           * Auth scheme prefix, e.g. Bearer, or several the header may carry ([Bearer, token]). AWS4-HMAC-SHA256 reads a Signature V4 header, identified by its access key id.
           */
          scheme?: AuthScheme | [AuthScheme, ...AuthScheme[]];
        },
        ...{
          name: string;
          /**
           * Auth scheme prefix, e.g. Bearer, or several the header may carry ([Bearer, token]). AWS4-HMAC-SHA256 reads a Signature V4 header, identified by its access key id.
           */
          scheme?: AuthScheme | [AuthScheme, ...AuthScheme[]];
        }[]
      ];
      /**
       * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
       */
      missing?: 'allow' | 'shadow' | 'deny';
      /**
       * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
       */
      unknown?: 'allow' | 'shadow' | 'deny';
      /**
       * Whether every Token of this API must declare `expires`. Default true.
       */
      requireExpiry?: boolean;
      /**
       * Operation classes for which a declared token needs a grant covering the call. Default: every class.
       */
      checkScopesFor?: ('read' | 'write' | 'destructive')[];
    };
    resourceIds?: {
      /**
       * Whether resource ids of this API compare without case (GitHub's `owner/repo`): inventory lookups ignore case, the input carries the inventory's spelling, and ids differing only in case are duplicates. Default false.
       */
      caseInsensitive?: boolean;
    };
    identity?: {
      /**
       * Header carrying the retry attempt number (1 = first try).
       */
      attemptHeader?: string;
      /**
       * W3C baggage key holding the originator. Default `originator`.
       */
      originatorBaggageKey?: string;
      /**
       * W3C baggage key holding the tenant. Default `tenant`.
       */
      tenantBaggageKey?: string;
    };
    /**
     * GraphQL only: the stored (persisted, trusted) documents the server runs by id. A request naming one (`extensions.persistedQuery.sha256Hash`, `documentId`, `doc_id`, `id`, `queryId`) instead of a `query` is decided on, and forwarded as, the manifest's document; an id the manifest lacks is refused (BG703). Without it such requests are refused (BG407). The operations travel in the signed bundle.
     */
    trustedDocuments?: {
      /**
       * Path of the manifest, relative to this file: Apollo's persisted-query manifest (`{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name", "type", "body"}]}`), each `id` the sha256 hex of its `body`.
       */
      manifest: string;
    };
    /**
     * How this API's server reads HTTP requests beyond the standards (graphql, http and rest-json APIs).
     */
    http?: {
      /**
       * `accept`: this server reads a JSON body even when it is labelled `application/x-www-form-urlencoded` (as `curl -d` sends it), so such a body is read as JSON (and the proxy forwards it as `application/json`). Default `refuse`: a GraphQL body so labelled is refused (BG404), an HTTP API's is read as a form.
       */
      jsonLabelledAsForm?: 'accept' | 'refuse';
    };
    operations: {
      [k: string]: Operation | undefined;
    };
  };
}
export interface Metadata {
  /**
   * A DNS-label style name: lowercase letters, digits and '-', 1-63 characters.
   */
  name: string;
  /**
   * Teams or people responsible, e.g. "@acme/platform".
   */
  owners?: string[];
  description?: string;
  labels?: {
    [k: string]: string | undefined;
  };
}
export interface Operation {
  class: 'read' | 'write' | 'destructive';
  /**
   * Default: mutation for graphql write/destructive, query for graphql read, tool for mcp, request for http.
   */
  type?: 'query' | 'mutation' | 'subscription' | 'tool' | 'request';
  reversible?: boolean;
  description?: string;
  resource?: {
    kind: string;
    /**
     * The resource id composed from several arguments, instead of `idArg`: `{owner}/{repo}` reads `DELETE /repos/acme/web` as `acme/web`, the id inventories, grants and rules list. A template rather than a list of arguments so the id is written as it reads, separator and any fixed text included. It must read one way (BG071): arguments apart by literal text, each named once, no other brace. Every `{argument}` must be in the call, a non-empty string or an integer, free of every character of the text between arguments (`/` here): otherwise the call is refused (BG457 missing, BG456 containing a separator), never read as another resource.
     */
    id?: string;
    /**
     * Argument holding the target resource id; a dotted path reaches into input objects (input.environmentId).
     */
    idArg?: string;
    /**
     * Argument holding the environment id, when the call names one.
     */
    environmentArg?: string;
    /**
     * Argument holding the project id, when the call names one.
     */
    projectArg?: string;
  };
  /**
   * The tool's argument carries SQL: each call is decided as `<tool>.read`, `<tool>.write` or `<tool>.destructive` by its most severe statement.
   */
  sql?: {
    /**
     * The tool argument holding SQL text (PostgreSQL).
     */
    argument: string;
  };
  http?: {
    method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    /**
     * Path template, e.g. /v1/volumes/{id}; `{name+}` matches one or more segments (/repos/{owner}/{repo}/git/refs/{ref+}).
     */
    path: string;
    query?: ParameterNames;
    body?: ParameterNames1;
    /**
     * The route's body is data the server stores or builds from (an upload, a tarball), not parameters: it is never read, bounded by the proxy's `--max-data-bytes`, and forwarded byte for byte under the caller's content type and encoding. Arguments come from the path and the query string only.
     */
    bodyIsData?: boolean;
  };
}

// ---- policy.schema.json
/**
 * `present`, `absent`, or a list of accepted values.
 */
export type IdentityValue = ('present' | 'absent') | [string, ...string[]];

/**
 * An ordered list of rules for one API. Every matching rule contributes its mode; the most severe wins (deny > shadow > allow).
 */
export interface PolicyDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'Policy';
  metadata: Metadata;
  spec: {
    /**
     * A DNS-label style name: lowercase letters, digits and '-', 1-63 characters.
     */
    api: string;
    /**
     * @minItems 1
     */
    rules: [Rule, ...Rule[]];
  };
}
export interface Rule {
  /**
   * A DNS-label style name: lowercase letters, digits and '-', 1-63 characters.
   */
  id: string;
  description?: string;
  match?: Match;
  /**
   * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
   */
  mode: 'allow' | 'shadow' | 'deny';
  /**
   * Shown in decisions. Required for deny and shadow rules.
   */
  reason?: string;
}
/**
 * Every condition given must hold (AND); within a list any entry may match (OR). An absent condition always holds.
 */
export interface Match {
  /**
   * @minItems 1
   *
   * Items: An operation name, `class:read|write|destructive`, or `*` for every operation.
   */
  operations?: [string, ...string[]];
  /**
   * Effective environments: an unknown or missing environment counts as the API's most protected one.
   *
   * @minItems 1
   */
  environments?: [string, ...string[]];
  resources?: {
    /**
     * @minItems 1
     */
    kinds?: [string, ...string[]];
    /**
     * @minItems 1
     */
    ids?: [string, ...string[]];
    /**
     * @minItems 1
     */
    projects?: [string, ...string[]];
  };
  /**
   * metadata.name of declared Tokens; holds when the call's token is one of them.
   *
   * @minItems 1
   *
   * Items: A DNS-label style name: lowercase letters, digits and '-', 1-63 characters.
   */
  tokens?: [string, ...string[]];
  identity?: {
    originator?: IdentityValue;
    tenant?: IdentityValue;
    /**
     * Whether the enforcer authenticated the identity (e.g. a verified SPIFFE or OAuth actor) rather than reading a hint such as W3C baggage.
     */
    verified?: boolean;
  };
  /**
   * Retry attempt number, 1 for the first try. Inclusive bounds.
   */
  attempt?: {
    min?: number;
    max?: number;
  };
  arguments?: ArgumentConditions;
}
/**
 * Conditions on the call's arguments by path; all must hold (AND).
 */
export interface ArgumentConditions {
  /**
   * `present` (given and not null), `absent` (missing or null), `empty` (absent, or an empty string, list or object: a filter that selects everything), or a list of accepted values. A boolean or integer also accepts its text (`true` accepts `"true"`), since query strings, forms and headers carry only text.
   */
  [k: string]:
    | 'present'
    | 'absent'
    | 'empty'
    | [string | boolean | number, ...(string | boolean | number)[]]
    | undefined;
}

// ---- token.schema.json
/**
 * One credential, identified by the SHA-256 fingerprint of its value (or a family of short-lived credentials, by prefix), and what it may do. Exactly one of `fingerprint` and `family` is given.
 */
export interface TokenDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'Token';
  metadata: Metadata;
  spec: {
    /**
     * A DNS-label style name: lowercase letters, digits and '-', 1-63 characters.
     */
    api: string;
    /**
     * sha256:<64 lowercase hex> of the token value. Never the value itself.
     */
    fingerprint?: string;
    /**
     * Instead of `fingerprint`: a kind of short-lived credential that cannot be declared one by one. Any credential with the prefix gets the family's grants, so a family identifies a kind of credential, not one.
     */
    family?: {
      /**
       * The non-secret prefix every credential of the family starts with, e.g. `ghs_` for GitHub App installation tokens or `ASIA` for AWS temporary access key ids.
       */
      prefix: string;
    };
    /**
     * What the provider calls this credential, e.g. account, workspace, project.
     */
    type?: string;
    /**
     * Why the token exists, in one sentence.
     */
    purpose?: string;
    /**
     * An RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z.
     */
    expires?: string;
    /**
     * What the token may do. A call needs one grant that covers its operation, environment and resource.
     */
    grants: Grant[];
  };
}
export interface Grant {
  /**
   * @minItems 1
   *
   * Items: An operation name, `class:read|write|destructive`, or `*` for every operation.
   */
  operations: [string, ...string[]];
  /**
   * Effective environments, or `*`.
   *
   * @minItems 1
   */
  environments: [string, ...string[]];
  /**
   * @minItems 1
   */
  projects?: [string, ...string[]];
  /**
   * Resource ids.
   *
   * @minItems 1
   */
  resources?: [string, ...string[]];
  arguments?: ArgumentConditions;
}
/**
 * Conditions on the call's arguments; the grant covers a call only when all hold.
 */
/**
 * The global panic flag, applied after every rule.
 */
export interface OverridesDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'Overrides';
  metadata: Metadata;
  spec: {
    /**
     * normal: decisions as the policies say; shadow-all: every deny becomes shadow; lockdown: every destructive operation is denied.
     */
    enforcement: 'normal' | 'shadow-all' | 'lockdown';
    /**
     * Why enforcement is not normal. Required unless enforcement is normal.
     */
    reason?: string;
    /**
     * When the override lapses back to normal. Required unless enforcement is normal.
     */
    expires?: string;
    setBy?: string;
  };
}
/**
 * A recorded incident: the HTTP calls as they happened, what the enforcer knew, and the decision each call must get.
 */
export interface ReplayDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'Replay';
  metadata: Metadata;
  spec: {
    title: string;
    /**
     * Day of the incident (YYYY-MM-DD).
     */
    date: string;
    summary?: string;
    /**
     * @minItems 1
     */
    sources: [
      {
        url: string;
        title?: string;
        /**
         * How the fact was sourced.
         */
        confidence?: 'primary' | 'vendor-docs' | 'secondary';
        note?: string;
      },
      ...{
        url: string;
        title?: string;
        /**
         * How the fact was sourced.
         */
        confidence?: 'primary' | 'vendor-docs' | 'secondary';
        note?: string;
      }[]
    ];
    /**
     * What the enforcer knew: resource id → environment and project.
     */
    inventory?: {
      resources?: {
        id: string;
        kind: string;
        environment?: string;
        project?: string;
        name?: string;
      }[];
    };
    /**
     * Fake token values used in the recorded requests; only their sha256 fingerprints reach the policy.
     */
    tokens?: {
      /**
       * Referenced in requests as ${token:NAME}.
       */
      name: string;
      /**
       * Must start with `fake-`: replays never hold real credentials.
       */
      value: string;
      /**
       * A DNS-label style name: lowercase letters, digits and '-', 1-63 characters.
       */
      declaredAs?: string;
    }[];
    /**
     * Replace the policy repository's Overrides for this replay.
     */
    overrides?: {
      /**
       * normal: decisions as the policies say; shadow-all: every deny becomes shadow; lockdown: every destructive operation is denied.
       */
      enforcement: 'normal' | 'shadow-all' | 'lockdown';
      reason?: string;
      /**
       * An RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z.
       */
      expires?: string;
    };
    /**
     * @minItems 1
     */
    steps: [Step, ...Step[]];
  };
}
export interface Step {
  name: string;
  note?: string;
  /**
   * An RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z.
   */
  time: string;
  request: {
    method: string;
    url: string;
    headers?: {
      [k: string]: string | undefined;
    };
    /**
     * The raw body as sent.
     */
    body?: string;
    /**
     * The body as JSON, sent serialized (use instead of body).
     */
    json?: {
      [k: string]: unknown | undefined;
    };
  };
  /**
   * One expected decision per operation the request performs, in request order.
   *
   * @minItems 1
   */
  expect: [Expectation, ...Expectation[]];
}
export interface Expectation {
  operation: string;
  /**
   * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
   */
  mode: 'allow' | 'shadow' | 'deny';
  allow?: boolean;
  would_deny?: boolean;
  enforced?: boolean;
  rule?: string;
  environment?: string;
  environment_assumed?: boolean;
  /**
   * The code extraction gave the request (or this operation) when it could not be read or its identity envelope failed, e.g. BG805 for a wrong signature. When given, the step must fail with exactly this code.
   */
  error?: string;
  /**
   * When given, the decision's violations must be exactly these (order ignored).
   */
  violations?: {
    kind: string;
    rule?: string;
    mode?: 'shadow' | 'deny';
    token?: string;
  }[];
}

// ---- test-suite.schema.json
/**
 * Decision unit tests: inputs as an enforcer would send them, and the decision each must get.
 */
export interface TestSuiteDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'TestSuite';
  metadata: Metadata;
  spec: {
    overrides?: {
      /**
       * normal: decisions as the policies say; shadow-all: every deny becomes shadow; lockdown: every destructive operation is denied.
       */
      enforcement: 'normal' | 'shadow-all' | 'lockdown';
      reason?: string;
      /**
       * An RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z.
       */
      expires?: string;
    };
    /**
     * @minItems 1
     */
    cases: [
      {
        name: string;
        /**
         * A decision input (schemas/decision-input.schema.json), sent as-is: any JSON value, so malformed inputs can be tested too.
         */
        input: {
          [k: string]: unknown | undefined;
        };
        expect: {
          /**
           * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
           */
          mode: 'allow' | 'shadow' | 'deny';
          allow?: boolean;
          would_deny?: boolean;
          enforced?: boolean;
          rule?: string;
          environment?: string;
          environment_assumed?: boolean;
          reasons?: string[];
          violations?: {
            kind: string;
            rule?: string;
            mode?: 'shadow' | 'deny';
            token?: string;
          }[];
        };
      },
      ...{
        name: string;
        /**
         * A decision input (schemas/decision-input.schema.json), sent as-is: any JSON value, so malformed inputs can be tested too.
         */
        input: {
          [k: string]: unknown | undefined;
        };
        expect: {
          /**
           * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
           */
          mode: 'allow' | 'shadow' | 'deny';
          allow?: boolean;
          would_deny?: boolean;
          enforced?: boolean;
          rule?: string;
          environment?: string;
          environment_assumed?: boolean;
          reasons?: string[];
          violations?: {
            kind: string;
            rule?: string;
            mode?: 'shadow' | 'deny';
            token?: string;
          }[];
        };
      }[]
    ];
  };
}
/**
 * What the enforcer knows about the resources of one API: which environment and project each resource id belongs to. The same shape is read by enforcers from a runtime inventory file.
 */
export interface InventoryDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'Inventory';
  metadata: Metadata;
  spec: {
    /**
     * A DNS-label style name: lowercase letters, digits and '-', 1-63 characters.
     */
    api: string;
    /**
     * Resource ids are unique per API (case-insensitively when the Api says `resourceIds.caseInsensitive`).
     */
    resources: Resource[];
  };
}
export interface Resource {
  /**
   * The id calls name the resource by, e.g. `acme/web` for a repository whose Api composes `{owner}/{repo}`.
   */
  id: string;
  /**
   * The resource kind, as the Api's operations name it (`resource.kind`). A resource of kind `environment` maps its id to its environment, one of kind `project` its id to its project.
   */
  kind: string;
  /**
   * An environment the Api declares.
   */
  environment?: string;
  /**
   * The project the resource belongs to, as Token grants name projects.
   */
  project?: string;
  /**
   * Free-form labels for people and tools; decisions do not read them.
   */
  labels?: {
    [k: string]: string | undefined;
  };
}

// ---- identity-issuer.schema.json
/**
 * A party trusted to sign identity envelopes (Txn-Token style compact JWS) for some tenants and originators, or to attenuate envelopes others issued. The envelope's `iss` claim is the issuer's `metadata.name`. Only public keys belong here.
 */
export interface IdentityIssuerDocument {
  /**
   * The only API version of the blastguard policy language.
   */
  apiVersion: 'blastguard.dev/v1';
  kind: 'IdentityIssuer';
  metadata: Metadata;
  spec: {
    /**
     * The issuer's public keys, each named by the `kid` its envelopes carry in the JWS header.
     *
     * @minItems 1
     */
    keys?: [IssuerKey, ...IssuerKey[]];
    /**
     * Where enforcers refresh the issuer's public keys (a JWKS document); keys listed in `keys` are used as well.
     */
    jwksUrl?: string;
    /**
     * The tenants whose envelopes this issuer may sign, or `*` for any.
     *
     * @minItems 1
     */
    tenants: [string, ...string[]];
    /**
     * Patterns of the originators (`sub`) this issuer may assert; `*` matches any run of characters, e.g. `user:*` or `spiffe://acme.dev/jobs/*`.
     *
     * @minItems 1
     */
    originators: [string, ...string[]];
    /**
     * The longest `exp - iat` this issuer may sign, e.g. `15m` (at most 24h).
     */
    maxLifetime: string;
    /**
     * The JWS algorithms accepted from this issuer (default: ES256 and EdDSA). `none`, HMAC and RSA are never accepted.
     *
     * @minItems 1
     */
    algorithms?: ['ES256' | 'ES384' | 'EdDSA', ...('ES256' | 'ES384' | 'EdDSA')[]];
  };
}
/**
 * One public key: exactly one of `pem` and `jwk`.
 */
export interface IssuerKey {
  kid: string;
  /**
   * An SPKI public key (`-----BEGIN PUBLIC KEY-----`).
   */
  pem?: string;
  /**
   * A public JWK (EC P-256/P-384 or OKP Ed25519).
   */
  jwk?: {
    kty: 'EC' | 'OKP';
  };
}

// ---- decision-input.schema.json
/**
 * What an enforcer sends for one operation. Unknown fields are ignored; a known field of the wrong type makes the decision deny (input:invalid). null counts as absent.
 */
export interface DecisionInput {
  api: string;
  operation: {
    name: string;
    type?: string | null;
  };
  resource?: {
    kind?: string | null;
    id?: string | null;
    environment?: string | null;
    project?: string | null;
  } | null;
  token?: {
    /**
     * sha256:<hex> of the credential (for AWS Signature V4, of its access key id), or family:<prefix> for a credential no Token declares by fingerprint but a token family's prefix covers. Never the credential.
     */
    fingerprint?: string | null;
  } | null;
  identity?: {
    originator?: string | null;
    tenant?: string | null;
    causation?: string | null;
    verified?: boolean | null;
    /**
     * The issuers of a verified identity envelope's chain, root first. The envelope itself, and its signatures, never enter the input.
     */
    issuers?: string[] | null;
  } | null;
  /**
   * The operation's arguments that the policy's argument conditions read (extraction projects the call's arguments onto those paths), as JSON.
   */
  arguments?: {
    [k: string]: unknown | undefined;
  } | null;
  attempt?: number | null;
  /**
   * An RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z.
   */
  time: string;
}

// ---- decision.schema.json
/**
 * The value of the entrypoint blastguard/decision.
 */
export interface Decision {
  /**
   * false only when mode is deny.
   */
  allow: boolean;
  /**
   * allow lets the call through; shadow lets it through and logs would_deny; deny blocks it.
   */
  mode: 'allow' | 'shadow' | 'deny';
  /**
   * true when the call is blocked (mode deny).
   */
  enforced: boolean;
  /**
   * true when mode is deny or shadow.
   */
  would_deny: boolean;
  /**
   * The finding that decided: <policy>/<rule>, default:<class>, token:<missing|unknown|expired|scope>, overrides:lockdown, api:unknown or input:invalid.
   */
  rule: string;
  /**
   * Reasons of the findings at the decision's severity, deciding finding first.
   */
  reasons: string[];
  /**
   * Every deny or shadow finding.
   */
  violations: {
    kind:
      | 'rule'
      | 'default'
      | 'token-missing'
      | 'token-unknown'
      | 'token-expired'
      | 'token-scope'
      | 'lockdown'
      | 'unknown-api'
      | 'invalid-input';
    rule: string;
    mode: 'shadow' | 'deny';
    token?: string;
  }[];
  /**
   * The effective environment the call was evaluated in.
   */
  environment: string | null;
  /**
   * true when the input's environment was missing or unknown and the most protected one was assumed.
   */
  environment_assumed: boolean;
  class: ('read' | 'write' | 'destructive') | null;
  /**
   * The panic flag in effect at the input's time.
   */
  enforcement: ('normal' | 'shadow-all' | 'lockdown') | null;
}
