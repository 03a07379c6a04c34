import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import { durationSeconds } from '../core/duration.js';
import { normalizeTimestamp } from '../core/time.js';
import { defineOwn } from '../core/record.js';
import { familyKey } from '../core/token-family.js';
import { manifestPath, readManifest } from '../load/index.js';
import type { LoadedDocument, PolicySet } from '../load/types.js';
import type { ArgumentConditions, Match, Operation } from '../schemas/types.generated.js';
import {
  CLASSES,
  IR_VERSION,
  type ArgumentCondition,
  type ArgumentValue,
  type IdentityCondition,
  type Ir,
  type IrApi,
  type IrArguments,
  type IrGrant,
  type IrIdentityIssuer,
  type IrInventory,
  type IrInventoryResource,
  type IrMatch,
  type IrOperation,
  type IrOperationSet,
  type IrOverrides,
  type IrPolicy,
  type IrToken,
  type OperationClass,
} from './types.js';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort(byString);
const classOrder = (xs: readonly OperationClass[]): OperationClass[] => CLASSES.filter((c) => xs.includes(c));

/**
 * Normalizes a schema-valid policy set into the IR. It assumes cross-document validation passed
 * (callers check diagnostics first); where a broken set still reaches it, the first document of a
 * name wins so the result stays deterministic.
 */
export function buildIr(set: PolicySet): Ir {
  const apis = new Map<string, IrApi>();
  for (const doc of set.apis) {
    if (!apis.has(doc.name)) apis.set(doc.name, withReadingOptions(buildApi(doc.name, doc.value.spec), doc, set));
  }

  const policies = new Map<string, IrPolicy>();
  for (const doc of set.policies) {
    if (policies.has(doc.name)) continue;
    const spec = doc.value.spec;
    const api = apis.get(spec.api);
    const seen = new Set<string>();
    policies.set(doc.name, {
      name: doc.name,
      api: spec.api,
      owners: [...(doc.value.metadata.owners ?? [])],
      rules: spec.rules
        .filter((r) => !seen.has(r.id) && seen.add(r.id))
        .map((r) => ({
          id: `${doc.name}/${r.id}`,
          mode: r.mode,
          reason: r.reason ?? null,
          match: buildMatch(r.match, api),
        })),
    });
  }

  const tokens = new Map<string, IrToken>();
  for (const doc of set.tokens) {
    const spec = doc.value.spec;
    // A family is registered under its key, which no real fingerprint can equal (validation
    // rejects a Token with neither, so the empty key only appears in broken sets).
    const key = spec.fingerprint ?? (spec.family ? familyKey(spec.family.prefix) : '');
    if (tokens.has(key)) continue;
    tokens.set(key, {
      name: doc.name,
      api: spec.api,
      fingerprint: key,
      family: spec.family?.prefix ?? null,
      expires: spec.expires === undefined ? null : normalizeTimestamp(spec.expires),
      grants: spec.grants.map(
        (g): IrGrant => ({
          operations: sortedUnique(g.operations),
          environments: sortedUnique(g.environments),
          projects: g.projects ? sortedUnique(g.projects) : null,
          resources: g.resources ? sortedUnique(g.resources) : null,
          ...(g.arguments ? { arguments: buildArguments(g.arguments) } : {}),
        }),
      ),
    });
  }

  const o = set.overrides[0]?.value.spec;
  const overrides: IrOverrides = {
    enforcement: o?.enforcement ?? 'normal',
    reason: o?.reason ?? null,
    expires: o?.expires === undefined ? null : normalizeTimestamp(o.expires),
  };

  const tokenList = [...tokens.values()];
  for (const api of apis.values()) {
    const paths = new Set<string>();
    for (const p of policies.values()) if (p.api === api.name) for (const r of p.rules) for (const k of Object.keys(r.match.arguments ?? {})) paths.add(k);
    for (const t of tokenList) if (t.api === api.name) for (const g of t.grants) for (const k of Object.keys(g.arguments ?? {})) paths.add(k);
    if (paths.size > 0) api.argumentPaths = sortedUnique([...paths]);
  }

  return {
    irVersion: IR_VERSION,
    apis: [...apis.values()].sort((a, b) => byString(a.name, b.name)),
    policies: [...policies.values()].sort((a, b) => byString(a.name, b.name)),
    tokens: [...tokens.values()].sort((a, b) => byString(a.fingerprint, b.fingerprint)),
    overrides,
    inventories: buildInventories(set, apis),
    ...identityIssuers(set),
  };
}

function identityIssuers(set: PolicySet): { identityIssuers?: IrIdentityIssuer[] } {
  const byName = new Map<string, IrIdentityIssuer>();
  for (const doc of set.identityIssuers ?? []) {
    if (byName.has(doc.name)) continue;
    const spec = doc.value.spec;
    byName.set(doc.name, {
      name: doc.name,
      keys: (spec.keys ?? []).map((k) => ({ kid: k.kid, pem: k.pem ?? null, jwk: k.jwk === undefined ? null : { ...(k.jwk as Record<string, unknown>) } })),
      jwksUrl: spec.jwksUrl ?? null,
      tenants: sortedUnique(spec.tenants),
      originators: sortedUnique(spec.originators),
      maxLifetimeSeconds: durationSeconds(spec.maxLifetime) ?? 0,
      algorithms: sortedUnique(spec.algorithms ?? ['ES256', 'EdDSA']),
    });
  }
  if (byName.size === 0) return {};
  return { identityIssuers: [...byName.values()].sort((a, b) => byString(a.name, b.name)) };
}

/** Every API's inventory documents merged; of ids that repeat (validation rejects them), the first wins. */
function buildInventories(set: PolicySet, apis: ReadonlyMap<string, IrApi>): IrInventory[] {
  const byApi = new Map<string, Map<string, IrInventoryResource>>();
  for (const doc of set.inventories ?? []) {
    const api = doc.value.spec.api;
    const caseless = apis.get(api)?.resourceIds.caseInsensitive ?? false;
    let resources = byApi.get(api);
    if (!resources) byApi.set(api, (resources = new Map()));
    for (const r of doc.value.spec.resources) {
      const key = caseless ? r.id.toLowerCase() : r.id;
      if (resources.has(key)) continue;
      resources.set(key, { id: r.id, kind: r.kind, environment: r.environment ?? null, project: r.project ?? null, labels: sortedRecord(r.labels ?? {}) });
    }
  }
  return [...byApi]
    .sort(([a], [b]) => byString(a, b))
    .map(([api, resources]) => ({ api, resources: [...resources.values()].sort((a, b) => byString(a.id, b.id)) }));
}

function sortedRecord(record: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort(byString)) {
    const v = record[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

type ApiSpec = PolicySet['apis'][number]['value']['spec'];

/**
 * The options that say how the Api's server reads requests: its trusted documents (the manifest's
 * operations, read from the text the loader attached) and its body labels. Each is set only when
 * declared, so catalogs without them keep their IR.
 */
function withReadingOptions(api: IrApi, doc: LoadedDocument<'Api'>, set: PolicySet): IrApi {
  const file = manifestPath(doc);
  const attached = file === null ? undefined : set.attachments?.[file];
  if (attached !== undefined && 'text' in attached && api.protocol === 'graphql') {
    const reading = readManifest(attached.text);
    if ('operations' in reading) {
      const byId = new Map<string, string>();
      for (const op of reading.operations) if (!byId.has(op.id)) byId.set(op.id, op.body);
      api.trustedDocuments = [...byId].sort((a, b) => byString(a[0], b[0])).map(([id, body]) => ({ id, body }));
    }
  }
  if (doc.value.spec.http?.jsonLabelledAsForm === 'accept') api.http = { jsonLabelledAsForm: true };
  return api;
}

function buildApi(name: string, spec: ApiSpec): IrApi {
  const operations = Object.entries(spec.operations)
    .filter((e): e is [string, Operation] => e[1] !== undefined)
    .map(([opName, op]) => buildOperation(opName, op, spec.protocol));
  operations.push(...sqlOperations(operations));
  operations.sort((a, b) => byString(a.name, b.name));
  const t = spec.tokens ?? {};
  return {
    name,
    protocol: spec.protocol,
    hosts: sortedUnique(spec.hosts),
    endpoint: spec.endpoint ?? null,
    environments: [...spec.environments],
    protectedEnvironments: [...spec.protectedEnvironments],
    defaults: { read: spec.defaults.read, write: spec.defaults.write, destructive: spec.defaults.destructive },
    tokens: {
      headers: (t.headers ?? [{ name: 'Authorization', scheme: 'Bearer' }]).map((h) => ({ name: h.name, schemes: h.scheme === undefined ? [] : typeof h.scheme === 'string' ? [h.scheme] : [...h.scheme] })),
      missing: t.missing ?? 'deny',
      unknown: t.unknown ?? 'deny',
      requireExpiry: t.requireExpiry ?? true,
      checkScopesFor: classOrder(t.checkScopesFor ?? CLASSES),
    },
    identity: {
      attemptHeader: spec.identity?.attemptHeader ?? null,
      originatorBaggageKey: spec.identity?.originatorBaggageKey ?? 'originator',
      tenantBaggageKey: spec.identity?.tenantBaggageKey ?? 'tenant',
    },
    resourceIds: { caseInsensitive: spec.resourceIds?.caseInsensitive ?? false },
    operations,
  };
}

function defaultType(protocol: ApiSpec['protocol'], cls: OperationClass): string {
  if (protocol === 'mcp') return 'tool';
  if (protocol === 'graphql') return cls === 'read' ? 'query' : 'mutation';
  return 'request';
}

/**
 * A tool whose argument carries SQL is decided per call as `<tool>.<class>` of its statements
 * (README "SQL in tool arguments"). Those operations are added with the class their name says
 * when the catalog does not declare them, so a call is never classified by name as a mere write;
 * a declared one keeps its class and inherits the tool's resource when it names none.
 */
function sqlOperations(operations: IrOperation[]): IrOperation[] {
  const byName = new Map(operations.map((o) => [o.name, o]));
  const added: IrOperation[] = [];
  for (const tool of operations) {
    if (!tool.sql) continue;
    for (const cls of CLASSES) {
      const name = `${tool.name}.${cls}`;
      const declared = byName.get(name);
      if (declared) {
        if (!declared.resource && tool.resource) declared.resource = { ...tool.resource };
        continue;
      }
      added.push({
        name,
        class: cls,
        type: tool.type,
        reversible: cls === 'destructive' ? false : tool.reversible,
        resource: tool.resource ? { ...tool.resource } : null,
        http: null,
      });
    }
  }
  return added;
}

function buildOperation(name: string, op: Operation, protocol: ApiSpec['protocol']): IrOperation {
  return {
    name,
    class: op.class,
    type: op.type ?? defaultType(protocol, op.class),
    reversible: op.reversible ?? null,
    resource: op.resource
      ? {
          kind: op.resource.kind,
          idArg: op.resource.idArg ?? null,
          idTemplate: op.resource.id ?? null,
          environmentArg: op.resource.environmentArg ?? null,
          projectArg: op.resource.projectArg ?? null,
        }
      : null,
    http: op.http ? { method: op.http.method, path: op.http.path, ...(op.http.bodyIsData === true ? { bodyIsData: true as const } : {}) } : null,
    ...(op.sql ? { sql: { argument: op.sql.argument } } : {}),
  };
}

/** Resolves selectors against the API's catalog; see IrOperationSet for why classes are kept. */
export function resolveOperations(selectors: readonly string[], api: IrApi | undefined): IrOperationSet {
  const classes: OperationClass[] = [];
  const names: string[] = [];
  for (const s of selectors) {
    if (s.startsWith('class:')) classes.push(s.slice('class:'.length) as OperationClass);
    else if (s !== '*') names.push(s);
  }
  for (const op of api?.operations ?? []) if (classes.includes(op.class)) names.push(op.name);
  return { any: selectors.includes('*'), names: sortedUnique(names), classes: classOrder(classes) };
}

function identityCondition(v: 'present' | 'absent' | readonly string[] | undefined): IdentityCondition | null {
  if (v === undefined) return null;
  if (v === 'present') return { present: true };
  if (v === 'absent') return { present: false };
  return { in: sortedUnique(v) };
}

function buildMatch(m: Match | undefined, api: IrApi | undefined): IrMatch {
  return {
    operations: m?.operations ? resolveOperations(m.operations, api) : null,
    environments: m?.environments ? sortedUnique(m.environments) : null,
    resources: m?.resources
      ? {
          kinds: m.resources.kinds ? sortedUnique(m.resources.kinds) : null,
          ids: m.resources.ids ? sortedUnique(m.resources.ids) : null,
          projects: m.resources.projects ? sortedUnique(m.resources.projects) : null,
        }
      : null,
    tokens: m?.tokens ? sortedUnique(m.tokens) : null,
    identity: m?.identity
      ? {
          originator: identityCondition(m.identity.originator),
          tenant: identityCondition(m.identity.tenant),
          verified: m.identity.verified ?? null,
        }
      : null,
    attempt: m?.attempt ? { min: m.attempt.min ?? null, max: m.attempt.max ?? null } : null,
    ...(m?.arguments ? { arguments: buildArguments(m.arguments) } : {}),
  };
}

/** The JSON text orders accepted values: deterministic across types (`"true"` and `true` differ). */
const byJson = (a: ArgumentValue, b: ArgumentValue): number => byString(JSON.stringify(a), JSON.stringify(b));

/** Argument conditions with sorted paths and sorted, unique accepted values. */
export function buildArguments(conditions: ArgumentConditions): IrArguments {
  const out: IrArguments = {};
  for (const path of Object.keys(conditions).sort(byString)) {
    const c = conditions[path];
    if (c === undefined) continue;
    const cond: ArgumentCondition = typeof c === 'string' ? c : [...new Map(c.map((v) => [JSON.stringify(v), v])).values()].sort(byJson);
    defineOwn(out, path, cond);
  }
  return out;
}

/** A stable digest of the IR: sha256 over its canonical JSON. */
export function irDigest(ir: Ir): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(ir)).digest('hex');
}
