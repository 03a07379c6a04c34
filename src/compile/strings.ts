/**
 * Every fixed string the Wasm engine needs, in the order of the program's fixed-string table.
 * The AssemblyScript engine may not hold string literals as data (AssemblyScript's managed
 * allocator would collide with the runtime's), so these bytes travel inside the program blob and
 * the engine addresses them by index: `engine/fixed.ts` is generated from this list
 * (`renderFixedConstants`) and a test keeps the two in step.
 */

const INPUT_FIELD_REASONS: readonly [string, string, string][] = [
  ['R_API_MISSING', 'api', 'is missing'],
  ['R_API_STRING', 'api', 'must be a string'],
  ['R_API_NONEMPTY', 'api', 'must be a non-empty string'],
  ['R_OPERATION_MISSING', 'operation', 'is missing'],
  ['R_OPERATION_OBJECT', 'operation', 'must be an object'],
  ['R_OPERATION_NAME_MISSING', 'operation.name', 'is missing'],
  ['R_OPERATION_NAME_STRING', 'operation.name', 'must be a string'],
  ['R_OPERATION_NAME_NONEMPTY', 'operation.name', 'must be a non-empty string'],
  ['R_OPERATION_TYPE_STRING', 'operation.type', 'must be a string'],
  ['R_RESOURCE_OBJECT', 'resource', 'must be an object'],
  ['R_RESOURCE_KIND_STRING', 'resource.kind', 'must be a string'],
  ['R_RESOURCE_ID_STRING', 'resource.id', 'must be a string'],
  ['R_RESOURCE_ENVIRONMENT_STRING', 'resource.environment', 'must be a string'],
  ['R_RESOURCE_PROJECT_STRING', 'resource.project', 'must be a string'],
  ['R_TOKEN_OBJECT', 'token', 'must be an object'],
  ['R_TOKEN_FINGERPRINT_STRING', 'token.fingerprint', 'must be a string'],
  ['R_IDENTITY_OBJECT', 'identity', 'must be an object'],
  ['R_IDENTITY_ORIGINATOR_STRING', 'identity.originator', 'must be a string'],
  ['R_IDENTITY_TENANT_STRING', 'identity.tenant', 'must be a string'],
  ['R_IDENTITY_CAUSATION_STRING', 'identity.causation', 'must be a string'],
  ['R_IDENTITY_VERIFIED_BOOLEAN', 'identity.verified', 'must be a boolean'],
  ['R_ARGUMENTS_OBJECT', 'arguments', 'must be an object'],
  ['R_ATTEMPT_INTEGER', 'attempt', 'must be an integer from 1 to 1000000000'],
  ['R_TIME_MISSING', 'time', 'is missing'],
  ['R_TIME_RFC3339', 'time', 'must be an RFC 3339 date-time'],
];

const CLASS_NAMES = ['read', 'write', 'destructive'] as const;
const MODE_NAMES = ['allow', 'shadow', 'deny'] as const;

function defaultReasons(): [string, string][] {
  const out: [string, string][] = [];
  for (const c of CLASS_NAMES) {
    for (const m of MODE_NAMES) {
      out.push([`R_DEFAULT_${c.toUpperCase()}_${m.toUpperCase()}`, `no rule matched; the default for ${c} operations is ${m}`]);
    }
  }
  return out;
}

/** [constant name, bytes]. Append-only is not required: the table travels with each program. */
export const FIXED_STRINGS: readonly [string, string][] = [
  // Input keys.
  ['K_API', 'api'],
  ['K_OPERATION', 'operation'],
  ['K_NAME', 'name'],
  ['K_TYPE', 'type'],
  ['K_RESOURCE', 'resource'],
  ['K_KIND', 'kind'],
  ['K_ID', 'id'],
  ['K_ENVIRONMENT', 'environment'],
  ['K_PROJECT', 'project'],
  ['K_TOKEN', 'token'],
  ['K_FINGERPRINT', 'fingerprint'],
  ['K_IDENTITY', 'identity'],
  ['K_ORIGINATOR', 'originator'],
  ['K_TENANT', 'tenant'],
  ['K_CAUSATION', 'causation'],
  ['K_VERIFIED', 'verified'],
  ['K_ARGUMENTS', 'arguments'],
  ['K_ATTEMPT', 'attempt'],
  ['K_TIME', 'time'],
  // Data keys.
  ['K_BLASTGUARD', 'blastguard'],
  ['K_TOKENS', 'tokens'],
  ['K_OVERRIDES', 'overrides'],
  ['K_ENFORCEMENT', 'enforcement'],
  ['K_REASON', 'reason'],
  ['K_EXPIRES', 'expires'],
  ['K_GRANTS', 'grants'],
  ['K_OPERATIONS', 'operations'],
  ['K_ENVIRONMENTS', 'environments'],
  ['K_PROJECTS', 'projects'],
  ['K_RESOURCES', 'resources'],
  // Decision keys.
  ['K_ALLOW', 'allow'],
  ['K_MODE', 'mode'],
  ['K_ENFORCED', 'enforced'],
  ['K_WOULD_DENY', 'would_deny'],
  ['K_RULE', 'rule'],
  ['K_REASONS', 'reasons'],
  ['K_VIOLATIONS', 'violations'],
  ['K_ENVIRONMENT_ASSUMED', 'environment_assumed'],
  ['K_CLASS', 'class'],
  // Modes, by severity.
  ['MODE_ALLOW', 'allow'],
  ['MODE_SHADOW', 'shadow'],
  ['MODE_DENY', 'deny'],
  // Classes.
  ['CLASS_READ', 'read'],
  ['CLASS_WRITE', 'write'],
  ['CLASS_DESTRUCTIVE', 'destructive'],
  // Enforcement.
  ['ENF_NORMAL', 'normal'],
  ['ENF_SHADOW_ALL', 'shadow-all'],
  ['ENF_LOCKDOWN', 'lockdown'],
  // Violation kinds.
  ['V_RULE', 'rule'],
  ['V_DEFAULT', 'default'],
  ['V_TOKEN_MISSING', 'token-missing'],
  ['V_TOKEN_UNKNOWN', 'token-unknown'],
  ['V_TOKEN_EXPIRED', 'token-expired'],
  ['V_TOKEN_SCOPE', 'token-scope'],
  ['V_LOCKDOWN', 'lockdown'],
  ['V_UNKNOWN_API', 'unknown-api'],
  ['V_INVALID_INPUT', 'invalid-input'],
  // Finding rule names.
  ['F_TOKEN_MISSING', 'token:missing'],
  ['F_TOKEN_UNKNOWN', 'token:unknown'],
  ['F_TOKEN_EXPIRED', 'token:expired'],
  ['F_TOKEN_SCOPE', 'token:scope'],
  ['F_LOCKDOWN', 'overrides:lockdown'],
  ['F_API_UNKNOWN', 'api:unknown'],
  ['F_INPUT_INVALID', 'input:invalid'],
  ['F_DEFAULT_READ', 'default:read'],
  ['F_DEFAULT_WRITE', 'default:write'],
  ['F_DEFAULT_DESTRUCTIVE', 'default:destructive'],
  // Reasons.
  ['R_INPUT_MISSING', 'input is missing'],
  ['R_INPUT_OBJECT', 'input must be an object'],
  ...INPUT_FIELD_REASONS.map(([k, p, t]): [string, string] => [k, `input field \`${p}\` ${t}`]),
  ['R_LOCKDOWN', 'lockdown is in effect'],
  ...defaultReasons(),
  ['R_TOKEN_MISSING', 'the call carries no token'],
  // Fragments of reasons built at decision time.
  ['P_API_OPEN', 'api `'],
  ['P_API_CLOSE', '` is not declared'],
  ['P_TOKEN', 'token '],
  ['P_EXPIRED_AT', ' expired at '],
  ['P_NO_GRANT', ' has no grant for '],
  ['P_IN', ' in '],
  // Entrypoints, in id order.
  ['E_DECISION', 'blastguard/decision'],
  ['E_ALLOW', 'blastguard/allow'],
  // Grant selectors.
  ['G_ANY', '*'],
  ['G_CLASS_READ', 'class:read'],
  ['G_CLASS_WRITE', 'class:write'],
  ['G_CLASS_DESTRUCTIVE', 'class:destructive'],
  // Argument conditions as grants write them, and boolean texts.
  ['G_PRESENT', 'present'],
  ['G_ABSENT', 'absent'],
  ['G_EMPTY', 'empty'],
  ['G_TRUE', 'true'],
  ['G_FALSE', 'false'],
  // Classification by name.
  ['T_QUERY', 'query'],
  ['VERB_DELETE', 'delete'],
  ['VERB_REMOVE', 'remove'],
  ['VERB_DESTROY', 'destroy'],
  ['VERB_PURGE', 'purge'],
  ['VERB_DROP', 'drop'],
  ['VERB_WIPE', 'wipe'],
  ['VERB_RESET', 'reset'],
  ['VERB_REVOKE', 'revoke'],
  ['VERB_TERMINATE', 'terminate'],
  ['VERB_TRUNCATE', 'truncate'],
  ['VERB_ERASE', 'erase'],
  // opa_abort messages are NUL-terminated.
  ['A_ILLEGAL_ENTRYPOINT', 'internal: illegal entrypoint id\0'],
];

export const ENTRYPOINTS: readonly string[] = ['blastguard/decision', 'blastguard/allow'];

/** The AssemblyScript constants file `engine/fixed.ts`, generated from FIXED_STRINGS. */
export function renderFixedConstants(): string {
  const lines = [
    '// Generated from src/compile/strings.ts (renderFixedConstants); test/compile keeps it in step.',
    '// Indices into the program\'s fixed-string table.',
  ];
  FIXED_STRINGS.forEach(([name], i) => lines.push(`export const ${name}: i32 = ${i};`));
  lines.push(`export const FIXED_COUNT: i32 = ${FIXED_STRINGS.length};`, '');
  return lines.join('\n');
}
