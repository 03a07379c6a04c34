import { excerpt } from '../core/untrusted.js';
import { VALIDATION_CODES } from '../diagnostics/codes.js';
import { diagnostic } from '../diagnostics/create.js';
import { didYouMean, listCode } from '../diagnostics/suggest.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { KINDS } from '../schemas/index.js';
import type { Kind } from '../schemas/index.js';
import { schemaDiagnostics } from './schema.js';
import type { LoadedDocument, RejectedDocument } from './types.js';
import type { YamlDocument } from './yaml.js';

export const API_VERSION = 'blastguard.dev/v1';

/**
 * Checks a parsed document's envelope (mapping, `apiVersion`, `kind`) and its kind's schema.
 * Returns the loaded document only when there is nothing wrong with it, so that cross-document
 * rules and the compiler only ever see schema-valid values.
 */
export function checkDocument(
  file: string,
  doc: YamlDocument,
): { document?: LoadedDocument; rejected?: RejectedDocument; diagnostics: Diagnostic[] } {
  const { value, locate } = doc;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a list' : value === null ? 'empty' : `the ${typeof value} \`${excerpt(value)}\``;
    return {
      diagnostics: [
        diagnostic(
          VALIDATION_CODES.notMapping,
          `document is ${what}, not a mapping`,
          locate([]),
          'a policy document is a mapping with `apiVersion`, `kind`, `metadata` and `spec`',
        ),
      ],
      rejected: { file },
    };
  }
  const record = value as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];

  let apiVersionReported = false;
  if (!('apiVersion' in record)) {
    apiVersionReported = true;
    diagnostics.push(
      diagnostic(VALIDATION_CODES.apiVersion, 'document has no `apiVersion`', locate([]), `add \`apiVersion: ${API_VERSION}\``),
    );
  } else if (record.apiVersion !== API_VERSION) {
    apiVersionReported = true;
    diagnostics.push(
      diagnostic(
        VALIDATION_CODES.apiVersion,
        `unsupported apiVersion \`${excerpt(record.apiVersion)}\``,
        locate(['apiVersion']),
        `use \`apiVersion: ${API_VERSION}\``,
      ),
    );
  }

  const kind = record.kind;
  if (kind === undefined || kind === null) {
    diagnostics.push(
      diagnostic(
        VALIDATION_CODES.missingKind,
        'document has no `kind`',
        'kind' in record ? locate(['kind'], 'key') : locate([]),
        `add \`kind:\` with one of ${listCode(KINDS, 'or')}`,
      ),
    );
    return { diagnostics, rejected: unknownKindRejected(record, file) };
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    const suggestion = typeof kind === 'string' ? didYouMean(kind, KINDS) : undefined;
    diagnostics.push(
      diagnostic(
        VALIDATION_CODES.unknownKind,
        `unknown kind \`${excerpt(kind)}\``,
        locate(['kind']),
        suggestion ?? `use one of ${listCode(KINDS, 'or')}`,
      ),
    );
    return { diagnostics, rejected: unknownKindRejected(record, file) };
  }

  const k = kind as Kind;
  diagnostics.push(...schemaDiagnostics(k, value, locate, { skipApiVersion: apiVersionReported }));
  if (diagnostics.length > 0) {
    const meta = record.metadata;
    const name = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).name : undefined;
    return { diagnostics, rejected: typeof name === 'string' ? { kind: k, name, file } : { kind: k, file } };
  }

  const metadata = record.metadata as { name: string };
  const document = {
    kind: k,
    name: metadata.name,
    value,
    file,
    index: doc.index,
    locate,
  } as LoadedDocument;
  return { document, diagnostics };
}

/**
 * A document whose kind is unknown may be the one declaring anything of its name (`kind: Apii` with
 * `metadata.name: railway` hides no other Api), or anything at all when its name is unreadable too.
 */
function unknownKindRejected(record: Record<string, unknown>, file: string): RejectedDocument {
  const meta = record.metadata;
  const name = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).name : undefined;
  return typeof name === 'string' ? { name, file } : { file };
}
