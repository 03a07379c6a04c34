/**
 * The reference evaluator: the executable specification of README "Decisions". It favours being
 * obviously correct over being fast — the Wasm engine is tested against it field for field.
 */
import { argumentsHold } from '../core/arguments.js';
import { classifyOperationName } from '../core/classify.js';
import { hasOwn, isRecord } from '../core/record.js';
import { compareInstants, parseRfc3339, type Instant } from '../core/time.js';
import { bundleDataFromIr } from '../ir/data.js';
import {
  SEVERITY,
  type ArgumentCondition,
  type Decision,
  type Enforcement,
  type IdentityCondition,
  type Ir,
  type IrApi,
  type IrMatch,
  type Mode,
  type OperationClass,
  type Violation,
} from '../ir/types.js';

type Json = Record<string, unknown>;

interface Finding {
  kind: Violation['kind'];
  rule: string;
  mode: Mode;
  reason: string;
  token?: string;
}

interface CheckedInput {
  api: string;
  operation: { name: string; type: string | null };
  resource: { kind: string | null; id: string | null; environment: string | null; project: string | null };
  fingerprint: string | null;
  identity: { originator: string | null; tenant: string | null; verified: boolean };
  /** The input's `arguments` object; null when absent. */
  arguments: Json | null;
  attempt: number;
  time: Instant;
}

interface TokenRecord {
  name: string;
  expires: string | null;
  expiresAt: Instant | null;
  grants: unknown[];
}

const absent = (v: unknown): boolean => v === undefined || v === null;
const nonEmpty = (v: string | null): string | null => (v === null || v === '' ? null : v);

class InvalidInput extends Error {}

function str(parent: Json, key: string, path: string, required: 'required' | 'optional', nonEmptyRequired = false): string | null {
  const v = parent[key];
  if (absent(v)) {
    if (required === 'required') throw new InvalidInput(`input field \`${path}\` is missing`);
    return null;
  }
  if (typeof v !== 'string') throw new InvalidInput(`input field \`${path}\` must be a string`);
  if (nonEmptyRequired && v === '') throw new InvalidInput(`input field \`${path}\` must be a non-empty string`);
  return v;
}

function obj(parent: Json, key: string, path: string, required: 'required' | 'optional'): Json | null {
  const v = parent[key];
  if (absent(v)) {
    if (required === 'required') throw new InvalidInput(`input field \`${path}\` is missing`);
    return null;
  }
  if (!isRecord(v)) throw new InvalidInput(`input field \`${path}\` must be an object`);
  return v;
}

/** README "Evaluation" step 1, checks in the order listed there; the first failure is reported. */
function checkInput(input: unknown): CheckedInput {
  if (input === undefined) throw new InvalidInput('input is missing');
  if (!isRecord(input)) throw new InvalidInput('input must be an object');
  const api = str(input, 'api', 'api', 'required', true)!;
  const operation = obj(input, 'operation', 'operation', 'required')!;
  const name = str(operation, 'name', 'operation.name', 'required', true)!;
  const type = str(operation, 'type', 'operation.type', 'optional');
  const resource = obj(input, 'resource', 'resource', 'optional') ?? {};
  const kind = str(resource, 'kind', 'resource.kind', 'optional');
  const id = str(resource, 'id', 'resource.id', 'optional');
  const environment = str(resource, 'environment', 'resource.environment', 'optional');
  const project = str(resource, 'project', 'resource.project', 'optional');
  const token = obj(input, 'token', 'token', 'optional') ?? {};
  const fingerprint = str(token, 'fingerprint', 'token.fingerprint', 'optional');
  const identity = obj(input, 'identity', 'identity', 'optional') ?? {};
  const originator = str(identity, 'originator', 'identity.originator', 'optional');
  const tenant = str(identity, 'tenant', 'identity.tenant', 'optional');
  str(identity, 'causation', 'identity.causation', 'optional');
  const verified = identity['verified'];
  if (!absent(verified) && typeof verified !== 'boolean') {
    throw new InvalidInput('input field `identity.verified` must be a boolean');
  }
  const args = obj(input, 'arguments', 'arguments', 'optional');
  const attempt = input['attempt'];
  if (!absent(attempt) && !(typeof attempt === 'number' && Number.isInteger(attempt) && attempt >= 1 && attempt <= 1_000_000_000)) {
    throw new InvalidInput('input field `attempt` must be an integer from 1 to 1000000000');
  }
  const timeText = input['time'];
  if (absent(timeText)) throw new InvalidInput('input field `time` is missing');
  const time = typeof timeText === 'string' ? parseRfc3339(timeText) : null;
  if (!time) throw new InvalidInput('input field `time` must be an RFC 3339 date-time');
  return {
    api,
    operation: { name, type },
    resource: { kind, id, environment, project },
    fingerprint: nonEmpty(fingerprint),
    identity: { originator: nonEmpty(originator), tenant: nonEmpty(tenant), verified: verified === true },
    arguments: args,
    attempt: typeof attempt === 'number' ? attempt : 1,
    time,
  };
}

function hardDeny(kind: 'invalid-input' | 'unknown-api', rule: string, reason: string): Decision {
  return {
    allow: false,
    mode: 'deny',
    enforced: true,
    would_deny: true,
    rule,
    reasons: [reason],
    violations: [{ kind, rule, mode: 'deny' }],
    environment: null,
    environment_assumed: false,
    class: null,
    enforcement: null,
  };
}

const ENFORCEMENTS: readonly string[] = ['normal', 'shadow-all', 'lockdown'];

/** The panic flag in effect at `time`; data that does not match the Overrides shape is ignored. */
function effectiveOverrides(data: unknown, time: Instant): { enforcement: Enforcement; reason: string | null } {
  const normal = { enforcement: 'normal' as const, reason: null };
  const o = isRecord(data) && isRecord(data['blastguard']) ? data['blastguard']['overrides'] : undefined;
  if (!isRecord(o)) return normal;
  const { enforcement, reason, expires } = o;
  if (typeof enforcement !== 'string' || !ENFORCEMENTS.includes(enforcement)) return normal;
  if (!absent(reason) && typeof reason !== 'string') return normal;
  // shadow-all softens every deny, so it only counts with a reason and an end; lockdown only
  // tightens, so it applies even without them.
  if (enforcement === 'shadow-all' && (typeof reason !== 'string' || reason === '' || absent(expires))) return normal;
  if (!absent(expires)) {
    const at = typeof expires === 'string' ? parseRfc3339(expires) : null;
    if (!at || compareInstants(time, at) >= 0) return normal;
  }
  return { enforcement: enforcement as Enforcement, reason: typeof reason === 'string' && reason !== '' ? reason : null };
}

/** The declared token for this fingerprint and API; malformed records count as undeclared. */
function lookupToken(data: unknown, fingerprint: string, api: string, requireExpiry: boolean): TokenRecord | null {
  const tokens = isRecord(data) && isRecord(data['blastguard']) ? data['blastguard']['tokens'] : undefined;
  if (!isRecord(tokens) || !hasOwn(tokens, fingerprint)) return null;
  const t = tokens[fingerprint];
  if (!isRecord(t) || typeof t['name'] !== 'string' || t['api'] !== api || !Array.isArray(t['grants'])) return null;
  const expires = t['expires'];
  if (absent(expires)) return requireExpiry ? null : { name: t['name'], expires: null, expiresAt: null, grants: t['grants'] };
  const at = typeof expires === 'string' ? parseRfc3339(expires) : null;
  if (!at) return null;
  return { name: t['name'], expires: expires as string, expiresAt: at, grants: t['grants'] };
}

const includesString = (list: unknown, value: string | null): boolean =>
  value !== null && Array.isArray(list) && list.some((x) => x === value);

function selectorMatches(selector: unknown, op: string, cls: OperationClass): boolean {
  return selector === '*' || selector === op || selector === `class:${cls}`;
}

function grantCovers(grant: unknown, op: string, cls: OperationClass, env: string, input: CheckedInput): boolean {
  if (!isRecord(grant)) return false;
  const { operations, environments, projects, resources } = grant;
  if (!Array.isArray(operations) || !operations.some((s) => selectorMatches(s, op, cls))) return false;
  if (!Array.isArray(environments) || !environments.some((e) => e === '*' || e === env)) return false;
  if (!absent(projects) && !includesString(projects, input.resource.project)) return false;
  if (!absent(resources) && !includesString(resources, input.resource.id)) return false;
  const args = grant['arguments'];
  if (!absent(args) && !grantArgumentsHold(args, input.arguments)) return false;
  return true;
}

/**
 * Grant argument conditions come from data.json, which operators may patch: a malformed set
 * (not an object of `present`/`absent`/`empty` or lists of strings, booleans and safe integers) covers nothing.
 */
function grantArgumentsHold(conditions: unknown, args: Json | null): boolean {
  if (!isRecord(conditions)) return false;
  for (const cond of Object.values(conditions)) {
    if (cond === 'present' || cond === 'absent' || cond === 'empty') continue;
    if (!Array.isArray(cond) || !cond.every((v) => typeof v === 'string' || typeof v === 'boolean' || Number.isSafeInteger(v))) return false;
  }
  return argumentsHold(conditions as Record<string, ArgumentCondition>, args);
}

function identityHolds(cond: IdentityCondition | null, value: string | null): boolean {
  if (cond === null) return true;
  if ('present' in cond) return cond.present === (value !== null);
  return value !== null && cond.in.includes(value);
}

function matches(
  m: IrMatch,
  ctx: { op: string; cls: OperationClass; catalogued: boolean; env: string; token: TokenRecord | null; input: CheckedInput },
): boolean {
  const { input } = ctx;
  if (m.operations) {
    const s = m.operations;
    if (!(s.any || s.names.includes(ctx.op) || (!ctx.catalogued && s.classes.includes(ctx.cls)))) return false;
  }
  if (m.environments && !m.environments.includes(ctx.env)) return false;
  if (m.resources) {
    if (m.resources.kinds && !includesString(m.resources.kinds, input.resource.kind)) return false;
    if (m.resources.ids && !includesString(m.resources.ids, input.resource.id)) return false;
    if (m.resources.projects && !includesString(m.resources.projects, input.resource.project)) return false;
  }
  if (m.tokens && !(ctx.token && m.tokens.includes(ctx.token.name))) return false;
  if (m.identity) {
    if (!identityHolds(m.identity.originator, input.identity.originator)) return false;
    if (!identityHolds(m.identity.tenant, input.identity.tenant)) return false;
    if (m.identity.verified !== null && m.identity.verified !== input.identity.verified) return false;
  }
  if (m.attempt) {
    if (m.attempt.min !== null && input.attempt < m.attempt.min) return false;
    if (m.attempt.max !== null && input.attempt > m.attempt.max) return false;
  }
  if (m.arguments && !argumentsHold(m.arguments, input.arguments)) return false;
  return true;
}

function tokenFinding(api: IrApi, input: CheckedInput, token: TokenRecord | null, op: string, cls: OperationClass, env: string): Finding | null {
  if (input.fingerprint === null) {
    return { kind: 'token-missing', rule: 'token:missing', mode: api.tokens.missing, reason: 'the call carries no token' };
  }
  if (token === null) {
    return { kind: 'token-unknown', rule: 'token:unknown', mode: api.tokens.unknown, reason: `the call's token is not declared for api ${api.name}` };
  }
  if (token.expiresAt && compareInstants(input.time, token.expiresAt) >= 0) {
    return { kind: 'token-expired', rule: 'token:expired', mode: 'deny', token: token.name, reason: `token ${token.name} expired at ${token.expires}` };
  }
  if (api.tokens.checkScopesFor.includes(cls) && !token.grants.some((g) => grantCovers(g, op, cls, env, input))) {
    return { kind: 'token-scope', rule: 'token:scope', mode: 'deny', token: token.name, reason: `token ${token.name} has no grant for ${op} in ${env}` };
  }
  return null;
}

/** Decides one input: README "Evaluation". `data` defaults to the IR's own bundle data. */
export function evaluate(ir: Ir, input: unknown, data: unknown = bundleDataFromIr(ir)): Decision {
  let checked: CheckedInput;
  try {
    checked = checkInput(input);
  } catch (e) {
    if (e instanceof InvalidInput) return hardDeny('invalid-input', 'input:invalid', e.message);
    throw e;
  }
  const api = ir.apis.find((a) => a.name === checked.api);
  if (!api) return hardDeny('unknown-api', 'api:unknown', `api \`${checked.api}\` is not declared`);

  const op = checked.operation.name;
  const catalogOp = api.operations.find((o) => o.name === op);
  const cls: OperationClass = catalogOp ? catalogOp.class : classifyOperationName(op, checked.operation.type);
  const declaredEnv = checked.resource.environment;
  const envKnown = declaredEnv !== null && api.environments.includes(declaredEnv);
  const env = envKnown ? declaredEnv : api.protectedEnvironments[0]!;
  const overrides = effectiveOverrides(data, checked.time);
  const token = checked.fingerprint === null ? null : lookupToken(data, checked.fingerprint, api.name, api.tokens.requireExpiry);

  const findings: Finding[] = [];
  if (overrides.enforcement === 'lockdown' && cls === 'destructive') {
    findings.push({ kind: 'lockdown', rule: 'overrides:lockdown', mode: 'deny', reason: overrides.reason ?? 'lockdown is in effect' });
  }
  const ctx = { op, cls, catalogued: catalogOp !== undefined, env, token, input: checked };
  let ruleMatched = false;
  for (const policy of ir.policies) {
    if (policy.api !== api.name) continue;
    for (const rule of policy.rules) {
      if (!matches(rule.match, ctx)) continue;
      ruleMatched = true;
      findings.push({ kind: 'rule', rule: rule.id, mode: rule.mode, reason: rule.reason ?? `rule ${rule.id} matched` });
    }
  }
  if (!ruleMatched) {
    const mode = api.defaults[cls];
    findings.push({ kind: 'default', rule: `default:${cls}`, mode, reason: `no rule matched; the default for ${cls} operations is ${mode}` });
  }
  const tf = tokenFinding(api, checked, token, op, cls, env);
  if (tf) findings.push(tf);

  const severity = Math.max(...findings.map((f) => SEVERITY[f.mode]));
  const deciding = findings.filter((f) => SEVERITY[f.mode] === severity);
  let mode = deciding[0]!.mode;
  if (overrides.enforcement === 'shadow-all' && mode === 'deny') mode = 'shadow';
  return {
    allow: mode !== 'deny',
    mode,
    enforced: mode === 'deny',
    would_deny: mode !== 'allow',
    rule: deciding[0]!.rule,
    reasons: deciding.map((f) => f.reason),
    violations: findings
      .filter((f) => f.mode !== 'allow')
      .map((f): Violation => {
        const v: Violation = { kind: f.kind, rule: f.rule, mode: f.mode as 'shadow' | 'deny' };
        if (f.token !== undefined) v.token = f.token;
        return v;
      }),
    environment: env,
    environment_assumed: !envKnown,
    class: cls,
    enforcement: overrides.enforcement,
  };
}
