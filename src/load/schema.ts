import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { VALIDATION_CODES } from '../diagnostics/codes.js';
import { diagnostic } from '../diagnostics/create.js';
import { collapseWhitespace } from '../core/one-line.js';
import { isRecord } from '../core/record.js';
import { excerpt } from '../core/untrusted.js';
import { closest, didYouMean, listCode } from '../diagnostics/suggest.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { KIND_SCHEMAS, allSchemaFiles, readSchema } from '../schemas/index.js';
import type { Kind } from '../schemas/index.js';
import type { JsonPath, SourceSpan } from './types.js';

type Locate = (path: JsonPath, part?: 'key' | 'value') => SourceSpan;
type SchemaObject = Record<string, unknown>;

let ajv: Ajv2020 | undefined;
const validators = new Map<Kind, ValidateFunction>();
// `then` subschemas → the schema holding the matching `if`, to explain conditional requirements.
const thenParents = new WeakMap<object, SchemaObject>();

function instance(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strictRequired: false, allowUnionTypes: true, verbose: true });
    for (const file of allSchemaFiles()) {
      const schema = readSchema(file);
      indexConditionals(schema);
      ajv.addSchema(schema, file);
    }
  }
  return ajv;
}

function indexConditionals(node: unknown): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const cur = stack.pop();
    if (Array.isArray(cur)) stack.push(...(cur as unknown[]));
    else if (isObject(cur)) {
      if (isObject(cur.then) && isObject(cur.if)) thenParents.set(cur.then, cur);
      stack.push(...Object.values(cur));
    }
  }
}

/** The compiled validator of a kind's schema (compiled once per process). */
export function validatorFor(kind: Kind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    const found = instance().getSchema(KIND_SCHEMAS[kind]);
    if (!found) throw new Error(`schema ${KIND_SCHEMAS[kind]} failed to load`);
    v = found;
    validators.set(kind, v);
  }
  return v;
}

/**
 * Validates a document against its kind's schema and turns ajv's errors into one diagnostic per
 * real problem, each located at the offending key or value.
 */
export function schemaDiagnostics(
  kind: Kind,
  value: unknown,
  locate: Locate,
  options: { skipApiVersion?: boolean } = {},
): Diagnostic[] {
  const validate = validatorFor(kind);
  if (validate(value)) return [];
  // The envelope check already reported a missing or wrong apiVersion with a better message.
  const aboutApiVersion = (e: ErrorObject): boolean =>
    e.instancePath === '/apiVersion' ||
    (e.instancePath === '' && e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'apiVersion');
  const errors = (validate.errors ?? []).filter((e) => !(options.skipApiVersion && aboutApiVersion(e)));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const d of explain(collapse(errors), locate)) {
    const key = `${d.code}|${d.line}|${d.column}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/**
 * Drops ajv's bookkeeping errors: `if` (the `then` error carries the substance), and the branch
 * errors of a failed `oneOf`/`anyOf`. When some branch had the right type, that branch's own
 * errors are kept (the value was meant as that form); otherwise the `oneOf` error itself stays.
 */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  let rest = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames');
  const alternatives = rest.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  for (const alt of alternatives) {
    const prefix = `${alt.schemaPath}/`;
    const inBranch = (e: ErrorObject): boolean => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(alt.instancePath);
    const branches = new Map<string, ErrorObject[]>();
    for (const e of rest) {
      if (!inBranch(e)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const wrongForm = (list: ErrorObject[]): boolean =>
      list.some((e) => e.instancePath === alt.instancePath && (e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'const'));
    const plausible = [...branches.values()].filter((list) => !wrongForm(list)).sort((a, b) => a.length - b.length)[0];
    rest = rest.filter((e) => !inBranch(e) && (plausible === undefined || e !== alt));
    if (plausible) rest.push(...plausible);
  }
  // `specs:` instead of `spec:` is one mistake, not a missing and an unknown property.
  const misspelled = new Set<string>();
  for (const e of rest) {
    if (e.keyword !== 'additionalProperties') continue;
    const prop = String((e.params as { additionalProperty?: unknown }).additionalProperty);
    const parent = isObject(e.parentSchema) && isObject(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties) : [];
    const meant = closest(prop, parent);
    if (meant !== undefined) misspelled.add(`${e.instancePath}\u0000${meant}`);
  }
  return rest.filter(
    (e) =>
      e.keyword !== 'required' ||
      !misspelled.has(`${e.instancePath}\u0000${String((e.params as { missingProperty?: unknown }).missingProperty)}`),
  );
}

function* explain(errors: ErrorObject[], locate: Locate): Generator<Diagnostic> {
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    // Below a merge key, which is reported itself, every other problem is noise.
    if (path.includes(MERGE_KEY)) continue;
    const where = displayPath(path);
    const params = e.params as Record<string, unknown>;
    const parent = isObject(e.parentSchema) ? e.parentSchema : {};
    // Errors inside `propertyNames` are about a key, which ajv reports on the parent object.
    const propertyName = (e as { propertyName?: string }).propertyName;
    if (propertyName === MERGE_KEY) {
      yield mergeKeyDiagnostic(where, locate([...path, propertyName], 'key'));
      continue;
    }
    if (propertyName !== undefined) {
      yield diagnostic(
        VALIDATION_CODES.wrongFormat,
        `\`${where || 'document'}\` has invalid key \`${excerpt(propertyName)}\``,
        locate([...path, propertyName], 'key'),
        e.keyword === 'pattern' ? describePattern(String(params.pattern), e.parentSchema) : e.message,
      );
      continue;
    }
    switch (e.keyword) {
      case 'required': {
        const missing = String(params.missingProperty);
        const cond = thenParents.get(parent);
        const because = cond ? describeCondition(cond.if) : undefined;
        const message = `missing required property \`${missing}\`${where ? ` in \`${where}\`` : ''}${because ? ` (required when ${because})` : ''}`;
        const description = propertyDescription(parent, missing);
        yield diagnostic(VALIDATION_CODES.missingProperty, message, locate(path, 'key'), description ? `\`${missing}\`: ${description}` : undefined);
        break;
      }
      case 'additionalProperties': {
        const prop = String(params.additionalProperty);
        if (prop === MERGE_KEY) {
          yield mergeKeyDiagnostic(where, locate([...path, prop], 'key'));
          break;
        }
        const allowed = isObject(parent.properties) ? Object.keys(parent.properties) : [];
        const help =
          didYouMean(prop, allowed) ??
          (allowed.length > 0 ? `allowed properties${where ? ` of \`${where}\`` : ''}: ${listCode(allowed)}` : undefined);
        yield diagnostic(VALIDATION_CODES.unknownProperty, `unknown property \`${prop}\`${where ? ` in \`${where}\`` : ''}`, locate([...path, prop], 'key'), help);
        break;
      }
      case 'type': {
        const expected = String(params.type)
          .split(',')
          .map((t) => typeName(t));
        const actual = jsonType(e.data);
        yield diagnostic(
          VALIDATION_CODES.wrongType,
          actual === 'null'
            ? `\`${where || 'document'}\` is empty; it must be ${expected.join(' or ')}`
            : `\`${where || 'document'}\` must be ${expected.join(' or ')}, not ${typeName(actual)}`,
          locate(path, 'value'),
        );
        break;
      }
      case 'enum':
      case 'const': {
        const allowed = (e.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue]).map((v) =>
          typeof v === 'string' ? v : JSON.stringify(v),
        );
        const actual = excerpt(e.data);
        const suggestion = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
        const list = `allowed value${allowed.length === 1 ? '' : 's'}: ${listCode(allowed)}`;
        yield diagnostic(
          VALIDATION_CODES.notAllowedValue,
          `\`${where}\` has invalid value \`${actual}\``,
          locate(path, 'value'),
          suggestion ? `${suggestion} ${list}` : list,
        );
        break;
      }
      case 'pattern': {
        const pattern = String(params.pattern);
        yield diagnostic(
          VALIDATION_CODES.wrongFormat,
          `\`${where}\` has invalid value \`${excerpt(e.data)}\``,
          locate(path, 'value'),
          describePattern(pattern, e.parentSchema),
        );
        break;
      }
      case 'uniqueItems': {
        const j = Number(params.j);
        const i = Number(params.i);
        const item = Array.isArray(e.data) ? (e.data as unknown[])[j] : undefined;
        yield diagnostic(
          VALIDATION_CODES.duplicateEntries,
          `\`${where}\` lists \`${excerpt(item)}\` more than once`,
          locate([...path, Math.max(i, j)], 'value'),
          'remove the repeated entry',
        );
        break;
      }
      case 'minItems':
      case 'maxItems':
      case 'minLength':
      case 'maxLength':
      case 'minProperties':
      case 'maxProperties':
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        yield diagnostic(VALIDATION_CODES.outOfRange, `\`${where || 'document'}\` ${boundText(e.keyword, params)}`, locate(path, 'value'));
        break;
      case 'not': {
        const schema = isObject(e.schema) ? e.schema : {};
        const together = Array.isArray(schema.required) ? schema.required.map(String) : [];
        const last = together[together.length - 1];
        yield diagnostic(
          VALIDATION_CODES.exclusiveProperties,
          together.length > 1
            ? `${listCode(together)} cannot be used together${where ? ` in \`${where}\`` : ''}`
            : `\`${where}\` has a form that is not allowed`,
          last !== undefined ? locate([...path, last], 'key') : locate(path, 'value'),
          together.length > 1 ? `keep only one of ${listCode(together, 'or')}` : undefined,
        );
        break;
      }
      case 'oneOf':
      case 'anyOf': {
        const branches = Array.isArray(e.schema) ? (e.schema as unknown[]) : [];
        const forms = branches.flatMap(describeForm);
        yield diagnostic(
          VALIDATION_CODES.noFormMatches,
          `\`${where || 'document'}\` must be ${forms.length > 0 ? joinOr(forms) : 'one of the accepted forms'}`,
          locate(path, 'value'),
          typeof parent.description === 'string' ? collapseWhitespace(parent.description).replace(/\.$/, '') : undefined,
        );
        break;
      }
      default:
        yield diagnostic(
          VALIDATION_CODES.noFormMatches,
          `\`${where || 'document'}\` is invalid: ${e.message ?? e.keyword}`,
          locate(path, 'value'),
        );
    }
  }
}

// YAML 1.1 merge keys (`<<: *base`) are not part of YAML 1.2, which is what we parse: `<<` would
// be a plain key named `<<`, so it is refused with a message that says what it is.
const MERGE_KEY = '<<';

function mergeKeyDiagnostic(where: string, at: SourceSpan): Diagnostic {
  return diagnostic(
    VALIDATION_CODES.unknownProperty,
    `yaml merge keys (\`<<\`) are not supported${where ? ` (in \`${where}\`)` : ''}`,
    at,
    'write the properties out; an alias (`*name`) can still stand for a whole value',
  );
}

function describeCondition(ifSchema: unknown): string | undefined {
  if (!isObject(ifSchema) || !isObject(ifSchema.properties)) return undefined;
  const parts: string[] = [];
  for (const [prop, s] of Object.entries(ifSchema.properties)) {
    if (!isObject(s)) continue;
    if (Array.isArray(s.enum)) parts.push(`\`${prop}\` is ${listCode(s.enum.map(String), 'or')}`);
    else if ('const' in s) parts.push(`\`${prop}\` is \`${String(s.const)}\``);
  }
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

function propertyDescription(parent: SchemaObject, prop: string): string | undefined {
  const props = isObject(parent.properties) ? parent.properties : undefined;
  const s = props?.[prop];
  return isObject(s) && typeof s.description === 'string' ? collapseWhitespace(s.description) : undefined;
}

// Well-known patterns, explained in words; others fall back to their description or the regex.
const PATTERNS: Record<string, string> = {
  '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$':
    'use 1-63 lowercase letters, digits and `-`, starting and ending with a letter or digit (e.g. `railway-production`)',
  '^(\\*|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$': 'use `*` or an environment name: lowercase letters, digits and `-`',
  '^[A-Za-z_][A-Za-z0-9_.-]*$': 'an operation name starts with a letter or `_` and contains only letters, digits, `_`, `.` and `-`',
  '^(\\*|class:(read|write|destructive)|[A-Za-z_][A-Za-z0-9_.-]*)$':
    'use an operation name, `class:read`, `class:write`, `class:destructive` or `*`',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$':
    'use an RFC 3339 date-time with a time zone, e.g. `2027-01-31T00:00:00Z`',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}$': 'use a date like `2026-04-25`',
  '^[a-z0-9.-]+(:[0-9]+)?$': 'use a lowercase host name, optionally with a port, e.g. `backboard.railway.com`',
  '^/': 'must start with `/`',
  '^https?://': 'must start with `http://` or `https://`',
  '^fake-[A-Za-z0-9_.-]+$': 'replay token values must start with `fake-`: replays never hold real credentials',
  '^[A-Za-z0-9-]+$': 'use letters, digits and `-` only',
};

function describePattern(pattern: string, parentSchema: unknown): string {
  const known = PATTERNS[pattern];
  if (known) return known;
  if (isObject(parentSchema) && typeof parentSchema.description === 'string') return collapseWhitespace(parentSchema.description);
  return `must match the pattern \`${pattern}\``;
}

function describeForm(branch: unknown): string[] {
  if (!isObject(branch)) return [];
  if (Array.isArray(branch.enum)) return branch.enum.map((v) => `\`${String(v)}\``);
  if ('const' in branch) return [`\`${String(branch.const)}\``];
  if (typeof branch.type === 'string') return [typeName(branch.type)];
  return [];
}

function joinOr(forms: string[]): string {
  if (forms.length <= 1) return forms.join('');
  return `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1] ?? ''}`;
}

function boundText(keyword: string, params: Record<string, unknown>): string {
  const limit = Number(params.limit);
  const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  switch (keyword) {
    case 'minItems':
      return `must have at least ${plural(limit, 'entry', 'entries')}`;
    case 'maxItems':
      return `must have at most ${plural(limit, 'entry', 'entries')}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${plural(limit, 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(limit, 'character')} long`;
    case 'minProperties':
      return limit === 1 ? 'must not be empty' : `must have at least ${plural(limit, 'property', 'properties')}`;
    case 'maxProperties':
      return `must have at most ${plural(limit, 'property', 'properties')}`;
    case 'minimum':
      return `must be at least ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'exclusiveMinimum':
      return `must be greater than ${limit}`;
    default:
      return `must be less than ${limit}`;
  }
}

function typeName(t: string): string {
  switch (t) {
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'empty';
    case 'binary':
      return 'binary data (a `!!binary` value)';
    case 'timestamp':
      return 'a `!!timestamp` value';
    case 'tagged':
      return 'a tagged `!!set` or `!!omap` value';
    default:
      return t;
  }
}

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Uint8Array) return 'binary';
  if (v instanceof Date) return 'timestamp';
  if (v instanceof Map || v instanceof Set) return 'tagged';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** `spec.rules[0].match` from a JSON path. */
export function displayPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function isObject(v: unknown): v is SchemaObject {
  return isRecord(v);
}
