import { Document, Pair, Scalar, YAMLMap, isCollection, isMap, isSeq } from 'yaml';
import type { ImportFormat, ImportedApi, ImportedOperation } from './model.js';

/** Written with every catalog so the document never reflows differently between runs. */
export const TO_STRING = { lineWidth: 0, indentSeq: true } as const;

/** The first header line; a re-import finds and replaces it, keeping the user's other comments. */
export const HEADER_MARK = ' Imported by `blastguard import ';

export function headerLines(format: ImportFormat, file: string, sha256: string): string[] {
  const base = file.replace(/^.*[\\/]/, '');
  const what = format === 'openapi' ? "each operation's HTTP method and name, resources from its path" : "each field's name and root type, resources from its arguments";
  return [
    `${HEADER_MARK}${format}\` from \`${base}\` (sha256:${sha256}).`,
    ` Classes are guessed from ${what}:`,
    ' check each class and every `review:` comment before rules rely on them. Re-importing',
    ' reports what changed and keeps hand-edited classes, resources, descriptions and comments.',
  ];
}

/** A GraphQL operation's `type` when the schema's default (by class) would get it wrong or hide it. */
function typeOf(op: ImportedOperation): string | undefined {
  return op.type === undefined || op.type === 'mutation' ? undefined : op.type;
}

/** One operation as a YAML pair: block style, flow maps for `http` and `resource`, review notes as comments. */
export function operationPair(doc: Document, op: ImportedOperation): Pair<Scalar, YAMLMap> {
  const value = new YAMLMap();
  value.set('class', op.class);
  const type = typeOf(op);
  if (type !== undefined) value.set('type', type);
  if (op.http) {
    const http = doc.createNode({ method: op.http.method, path: op.http.path }) as YAMLMap;
    http.flow = true;
    value.set('http', http);
  }
  if (op.resource) {
    const { why, ...fields } = op.resource;
    const resource = doc.createNode(fields) as YAMLMap;
    resource.flow = true;
    resource.comment = ` review: ${why}`;
    value.set('resource', resource);
  }
  if (op.description !== undefined) value.set('description', op.description);
  const key = new Scalar(op.name);
  if (op.review.length > 0) key.commentBefore = op.review.map((r) => ` review: ${r}`).join('\n');
  return new Pair(key, value);
}

export interface RenderOptions {
  format: ImportFormat;
  name: string;
  hosts: string[];
  endpoint?: string;
  header: string[];
}

/** A fresh `Api` catalog document. */
export function renderCatalog(api: ImportedApi, options: RenderOptions): Document {
  const doc = new Document();
  doc.commentBefore = options.header.join('\n');
  const spec: Record<string, unknown> = {
    protocol: api.protocol,
    hosts: options.hosts,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    environments: ['production'],
    protectedEnvironments: ['production'],
    defaults: { read: 'allow', write: 'shadow', destructive: 'deny' },
    ...(api.tokenHeaders.length > 0 ? { tokens: { headers: api.tokenHeaders } } : {}),
  };
  doc.contents = doc.createNode({ apiVersion: 'blastguard.dev/v1', kind: 'Api', metadata: { name: options.name }, spec }) as YAMLMap;
  const specNode = doc.get('spec', true);
  if (!isMap(specNode)) return doc;
  for (const key of ['hosts', 'environments', 'protectedEnvironments', 'defaults']) {
    const node: unknown = specNode.get(key, true);
    if (isCollection(node)) node.flow = true;
  }
  const headers: unknown = specNode.getIn(['tokens', 'headers'], true);
  if (isSeq(headers)) for (const h of headers.items) if (isMap(h)) h.flow = true;
  const environments: unknown = specNode.get('environments', true);
  if (isSeq(environments)) environments.comment = ' review: every environment resources of this API can be in';
  const operations = new YAMLMap();
  for (const op of api.operations) operations.items.push(operationPair(doc, op));
  specNode.set('operations', operations);
  return doc;
}
