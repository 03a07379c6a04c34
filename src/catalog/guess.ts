import { classifyOperationName, splitOperationName } from '../core/classify.js';
import { readSchema } from '../schemas/index.js';
import type { GraphqlType, HttpMethod, OperationClass } from './model.js';

/** A `pattern` of the policy language's schemas: the importer writes only what they accept, today's rules included. */
function schemaPattern(file: string, ...pointer: string[]): RegExp {
  let node: unknown = readSchema(file);
  for (const key of pointer) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  if (typeof node !== 'string') throw new Error(`schemas/${file} has no pattern at ${pointer.join('/')}`);
  return new RegExp(node, 'u');
}

/** `common.schema.json` `operationName`: an operationId that matches is used as it is. */
export const OPERATION_NAME = schemaPattern('common.schema.json', '$defs', 'operationName', 'pattern');
/** `common.schema.json` `name` (`metadata.name`). */
export const API_NAME = schemaPattern('common.schema.json', '$defs', 'name', 'pattern');
const RESOURCE = ['$defs', 'operation', 'properties', 'resource', 'properties'];
/** `api.schema.json` `idArg` (also `environmentArg`, `projectArg`). */
export const ARGUMENT_PATH = schemaPattern('api.schema.json', ...RESOURCE, 'idArg', 'pattern');
/** `api.schema.json` `resource.kind`. */
const RESOURCE_KIND = schemaPattern('api.schema.json', ...RESOURCE, 'kind', 'pattern');
const TOKEN_HEADER = ['properties', 'spec', 'properties', 'tokens', 'properties', 'headers', 'items', 'properties'];
/** `api.schema.json` token header `name`, and `authScheme` (one scheme of a header's `scheme`). */
export const HEADER_NAME = schemaPattern('api.schema.json', ...TOKEN_HEADER, 'name', 'pattern');
export const SCHEME = schemaPattern('api.schema.json', '$defs', 'authScheme', 'pattern');

/**
 * The class of an HTTP route: DELETE is destructive whatever its name; otherwise the name decides
 * exactly as it would for an uncatalogued call (`core/classify`), GET and HEAD counting as queries.
 * A function of name and method only, so a re-import can tell a class still at its guess from a
 * hand edit.
 */
export function httpClass(name: string, method: HttpMethod): OperationClass {
  if (method === 'DELETE') return 'destructive';
  return classifyOperationName(name, method === 'GET' || method === 'HEAD' ? 'query' : 'mutation');
}

/** The class of a GraphQL root field, from its name and root type (`core/classify`). */
export function graphqlClass(name: string, type: GraphqlType): OperationClass {
  return classifyOperationName(name, type);
}

/** An operationId the schema does not allow (`repos/delete`) made into a name it does (`repos.delete`). */
export function sanitizeName(raw: string): string {
  const name = raw.replace(/\//g, '.').replace(/[^A-Za-z0-9_.-]+/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/** A name for a route without operationId: `DELETE /repos/{owner}/{repo}` → `delete.repos.by-owner.by-repo`. */
export function routeName(method: HttpMethod, segments: readonly string[]): string {
  const parts = segments.map((s) => {
    const param = /^\{([^{}]+)\}$/.exec(s);
    return param?.[1] !== undefined ? `by-${param[1]}` : s;
  });
  return sanitizeName([method.toLowerCase(), ...parts].join('.').replace(/[^A-Za-z0-9_.-]+/g, '_'));
}

const IRREGULAR: Record<string, string> = { people: 'person', children: 'child', indices: 'index', statuses: 'status', aliases: 'alias', analyses: 'analysis' };

/** `branches` → `branch`, `policies` → `policy`, `repos` → `repo`; a word not ending in `s` is kept. */
export function singular(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular !== undefined) return irregular;
  if (/ies$/.test(lower) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes|zes)$/.test(lower)) return word.slice(0, -2);
  if (/[^su]s$/.test(lower) && word.length > 3) return word.slice(0, -1);
  return word;
}

/** `custom-domains` → `customDomain`; null when nothing schema-valid comes out. */
export function resourceKind(text: string): string | null {
  const words = splitOperationName(text).filter((w) => /^[A-Za-z0-9]+$/.test(w));
  if (words.length === 0) return null;
  const last = words.length - 1;
  words[last] = singular(words[last]!);
  const kind = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return RESOURCE_KIND.test(kind) ? kind : null;
}

/** `projectId`, `project_id`, `project-id`, `project` → `project`: the word an argument is about. */
export function argumentSubject(name: string): string {
  return name.replace(/[-_]?(id|Id|ID|ref|Ref|name|Name)$/, '').toLowerCase().replace(/[-_]/g, '');
}

/** Arguments that name the environment or the project a call acts in, by their subject word. */
export const ENVIRONMENT_SUBJECTS = new Set(['environment', 'env']);
export const PROJECT_SUBJECTS = new Set(['project']);

/** A source description as one short line: the first line, without trailing spaces. */
export function oneLine(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const first = text.trim().split(/\r?\n/)[0]?.trim() ?? '';
  return first === '' ? undefined : first;
}
