import { jsonSyntaxLocation } from '../core/json.js';
import { isRecord } from '../core/record.js';

/*
 * Apollo's persisted-query manifest (@apollo/generate-persisted-query-manifest, Apollo Kotlin's
 * `PersistedQueryManifest`), the trusted-documents list a GraphQL `Api` may declare:
 *
 *   {"format": "apollo-persisted-query-manifest", "version": 1,
 *    "operations": [{"id": "<sha256 hex of body>", "name": "…", "type": "query|mutation|subscription", "body": "…"}]}
 *
 * Members beyond these are ignored, as Apollo's readers ignore them.
 */

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export type ManifestReading =
  | { operations: ManifestOperation[] }
  | { syntax: { line: number; column: number; reason: string } }
  /** `path`: the member (names and indexes) the problem is at, `[]` for the whole document. */
  | { shape: string; path: readonly (string | number)[] };

const TYPES = new Set(['query', 'mutation', 'subscription']);

/** The operations of a manifest's text, or where its JSON breaks, or what in its shape is wrong. */
export function readManifest(text: string): ManifestReading {
  const syntax = jsonSyntaxLocation(text);
  if (syntax !== undefined) return { syntax };
  const value = JSON.parse(text) as unknown;
  if (!isRecord(value)) return { shape: 'is not a json object', path: [] };
  const at = (member: string): string[] => (member in value ? [member] : []);
  if (value['format'] !== MANIFEST_FORMAT) return { shape: `has no \`"format": "${MANIFEST_FORMAT}"\``, path: at('format') };
  if (value['version'] !== 1) return { shape: 'has no `"version": 1`', path: at('version') };
  const operations = value['operations'];
  if (!Array.isArray(operations)) return { shape: 'has no `operations` array', path: at('operations') };
  const out: ManifestOperation[] = [];
  for (const [i, op] of operations.entries()) {
    if (!isRecord(op)) return { shape: `has \`operations[${i}]\`, which is not an object`, path: ['operations', i] };
    for (const member of ['id', 'name', 'body'] as const) {
      if (typeof op[member] !== 'string' || op[member] === '') return { shape: `has \`operations[${i}]\` without a non-empty string \`${member}\``, path: ['operations', i, ...(member in op ? [member] : [])] };
    }
    if (typeof op['type'] !== 'string' || !TYPES.has(op['type'])) return { shape: `has \`operations[${i}]\` whose \`type\` is not query, mutation or subscription`, path: ['operations', i, ...('type' in op ? ['type'] : [])] };
    out.push({ id: op['id'] as string, name: op['name'] as string, type: op['type'] as ManifestOperation['type'], body: op['body'] as string });
  }
  return { operations: out };
}
