import { LineCounter, Scalar, YAMLMap, isMap, isScalar, parseDocument } from 'yaml';
import type { Document, Pair } from 'yaml';
import { CATALOG_CODES, catalogError } from './codes.js';
import { graphqlClass, httpClass } from './guess.js';
import type { GraphqlType, HttpMethod, ImportedApi, ImportedOperation, OperationClass } from './model.js';
import { compare } from './order.js';
import { HEADER_MARK, operationPair } from './render.js';

/** What a re-import changed in an existing catalog, one entry per operation. */
export type CatalogChange =
  | { kind: 'added'; name: string; class: OperationClass; route: string }
  | { kind: 'removed'; name: string; route: string }
  /** The class was still the importer's guess, and the guess changed (e.g. the route's method did). */
  | { kind: 'class'; name: string; from: string; to: OperationClass }
  /** The class differs from the importer's guess and was edited by hand: kept. */
  | { kind: 'class-kept'; name: string; kept: string; guess: OperationClass }
  | { kind: 'route'; name: string; from: string; to: string };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const TYPES = new Set(['query', 'mutation', 'subscription']);

function scalarAt(map: YAMLMap, ...path: string[]): unknown {
  const value = map.getIn(path, true);
  return isScalar(value) ? value.value : undefined;
}

/** `DELETE /repos/{owner}/{repo}` for HTTP, the root type for GraphQL. */
export function routeOf(op: ImportedOperation): string {
  return op.http ? `${op.http.method} ${op.http.path}` : (op.type ?? 'mutation');
}

function existingRoute(node: YAMLMap, protocol: ImportedApi['protocol']): string {
  if (protocol === 'http') {
    const method = scalarAt(node, 'http', 'method');
    const path = scalarAt(node, 'http', 'path');
    return typeof method === 'string' && typeof path === 'string' ? `${method} ${path}` : '(no route)';
  }
  return existingType(node);
}

function existingType(node: YAMLMap): GraphqlType {
  const type = scalarAt(node, 'type');
  if (typeof type === 'string' && TYPES.has(type)) return type as GraphqlType;
  return scalarAt(node, 'class') === 'read' ? 'query' : 'mutation';
}

/** What the importer would have guessed for the entry as it stands: a class equal to it was never edited. */
function guessFor(name: string, node: YAMLMap, protocol: ImportedApi['protocol']): OperationClass | undefined {
  if (protocol === 'graphql') return graphqlClass(name, existingType(node));
  const method = scalarAt(node, 'http', 'method');
  return typeof method === 'string' && METHODS.has(method) ? httpClass(name, method as HttpMethod) : undefined;
}

/** Parses the catalog a previous import wrote (and a human may have edited since). */
export function parseExisting(text: string, file: string, protocol: ImportedApi['protocol']): Document.Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: false });
  const bad = (message: string, help: string, offset?: number): never => {
    const pos = offset === undefined ? undefined : lines.linePos(offset);
    throw catalogError(CATALOG_CODES.badExisting, file, message, help, pos ? { line: pos.line, column: pos.col } : undefined);
  };
  const first = doc.errors[0];
  if (first) bad(`\`${file}\` cannot be re-imported: ${(first.message.split('\n')[0] ?? '').replace(/\.$/, '').toLowerCase()}`, 'fix the YAML, or choose another `--out` file', first.pos[0]);
  const root = doc.contents;
  if (!isMap(root) || scalarAt(root, 'kind') !== 'Api') return bad(`\`${file}\` cannot be re-imported: it is not an \`Api\` document`, 'import into a new file, or into the catalog a previous import wrote (one `Api` document per file)', root?.range?.[0]);
  const spec: unknown = root.get('spec', true);
  if (!isMap(spec)) return bad(`\`${file}\` cannot be re-imported: it has no \`spec\` map`, 'import into a new file, or restore the `spec:` of the catalog', root.range?.[0]);
  const existing = scalarAt(spec, 'protocol');
  if (existing !== protocol) {
    bad(`\`${file}\` is a catalog of protocol \`${String(existing)}\`, not \`${protocol}\``, `an ${protocol === 'http' ? 'OpenAPI' : 'GraphQL'} import writes a \`${protocol}\` catalog: choose another \`--out\` file`, spec.range?.[0]);
  }
  const operations: unknown = spec.get('operations', true);
  if (operations !== undefined && !isMap(operations)) bad(`\`${file}\` cannot be re-imported: \`spec.operations\` is not a map`, 'restore `operations:` as a map from names to operations', spec.range?.[0]);
  return doc;
}

/**
 * Brings an existing catalog up to date with a new import, in place, so that comments, key order
 * and everything outside `operations` stay as the user left them.
 */
export function mergeCatalog(doc: Document.Parsed, api: ImportedApi, header: string[]): CatalogChange[] {
  const spec = doc.get('spec', true) as YAMLMap;
  let operations = spec.get('operations', true) as YAMLMap | undefined;
  if (!operations) {
    operations = new YAMLMap();
    spec.set('operations', operations);
  }
  const changes: CatalogChange[] = [];
  const incoming = new Map(api.operations.map((op) => [op.name, op]));
  const present = new Set<string>();

  operations.items = operations.items.filter((pair) => {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const op = incoming.get(name);
    const node = pair.value;
    if (!op) {
      changes.push({ kind: 'removed', name, route: isMap(node) ? existingRoute(node, api.protocol) : '(no route)' });
      return false;
    }
    present.add(name);
    if (!isMap(node)) {
      // A hand-broken entry: replaced by the import, which is what validation would ask for.
      pair.value = operationPair(doc, op).value;
      changes.push({ kind: 'route', name, from: '(not a map)', to: routeOf(op) });
      return true;
    }
    updateEntry(doc, name, node, op, api.protocol, changes);
    return true;
  });

  for (const op of api.operations) {
    if (present.has(op.name)) continue;
    const pair = operationPair(doc, op) as Pair<unknown, unknown>;
    const at = operations.items.findIndex((p) => compare(isScalar(p.key) ? String(p.key.value) : String(p.key), op.name) > 0);
    if (at < 0) operations.items.push(pair);
    else operations.items.splice(at, 0, pair);
    changes.push({ kind: 'added', name: op.name, class: op.class, route: routeOf(op) });
  }

  const kept = (doc.commentBefore ?? '').split('\n').filter((l) => l !== '');
  const mark = kept.findIndex((l) => l.startsWith(HEADER_MARK));
  if (mark >= 0) kept.splice(mark, 1, header[0]!);
  doc.commentBefore = (mark >= 0 ? kept : [...header, ...kept]).join('\n');
  const order: Record<CatalogChange['kind'], number> = { removed: 0, added: 1, route: 2, class: 3, 'class-kept': 4 };
  return changes.sort((a, b) => order[a.kind] - order[b.kind] || compare(a.name, b.name));
}

function updateEntry(doc: Document, name: string, node: YAMLMap, op: ImportedOperation, protocol: ImportedApi['protocol'], changes: CatalogChange[]): void {
  // The guess for the entry as it was, before the route changes below.
  const previousGuess = guessFor(name, node, protocol);
  const from = existingRoute(node, protocol);
  const to = routeOf(op);
  if (from !== to) {
    if (op.http) {
      const http = doc.createNode({ method: op.http.method, path: op.http.path }) as YAMLMap;
      http.flow = true;
      node.set('http', http);
    } else if (op.type !== undefined) {
      node.set('type', op.type);
    }
    changes.push({ kind: 'route', name, from, to });
  }
  const current = scalarAt(node, 'class');
  if (current === op.class) return;
  if (current === previousGuess || typeof current !== 'string') {
    const classNode = node.get('class', true);
    if (isScalar(classNode)) classNode.value = op.class;
    else node.set('class', new Scalar(op.class));
    changes.push({ kind: 'class', name, from: String(current), to: op.class });
  } else {
    changes.push({ kind: 'class-kept', name, kept: current, guess: op.class });
  }
}
