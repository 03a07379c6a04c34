import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { CATALOG_CODES, catalogError } from './codes.js';
import { locateJson } from './json-position.js';
import type { Position } from './codes.js';

/** A key path into a parsed document, e.g. `['paths', '/repos/{owner}', 'delete']`. */
export type KeyPath = readonly (string | number)[];

/** A JSON or YAML file as plain data, and where each part of it was written. */
export interface StructuredSource {
  value: unknown;
  /** Line and column of the key (or item) at `path`, or of its nearest written ancestor. */
  locate(path: KeyPath): Position | undefined;
}

function parseYaml(text: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  // uniqueKeys: a key given twice in an OpenAPI document is a mistake a reader resolves either way.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { doc, lines };
}

function position(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * Parses JSON (quickly, with `JSON.parse`) or YAML. Positions of JSON come from a scan done only
 * when a position is asked for; YAML is parsed once, with positions.
 */
export function readStructured(text: string, file: string): StructuredSource {
  let parsed: { doc: Document.Parsed; lines: LineCounter } | undefined;
  const yamlParse = (): { doc: Document.Parsed; lines: LineCounter } => (parsed ??= parseYaml(text));
  let value: unknown;
  let fromJson = false;
  if (/^\s*[{[]/.test(text)) {
    try {
      value = JSON.parse(text);
      fromJson = true;
    } catch {
      // Not strict JSON: read as YAML below, which locates the mistake.
    }
  }
  if (!fromJson) {
    const { doc, lines } = yamlParse();
    const first = doc.errors[0];
    if (first) {
      const message = first.message.split('\n')[0] ?? first.message;
      throw catalogError(CATALOG_CODES.syntax, file, `\`${file}\` is not well-formed json or yaml: ${message.replace(/\.$/, '').toLowerCase()}`, 'fix the syntax error, or check that this is the OpenAPI document and not an HTML page saved by mistake', position(lines, first.pos[0]));
    }
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw catalogError(CATALOG_CODES.syntax, file, `\`${file}\` cannot be read as data: ${e instanceof Error ? e.message.toLowerCase() : 'unreadable'}`, 'YAML aliases and custom tags are not supported in documents to import');
    }
  }
  return {
    value,
    locate(path) {
      if (fromJson) return locateJson(text, path);
      const { doc, lines } = yamlParse();
      if (doc.errors.length > 0) return undefined;
      let node: unknown = doc.contents;
      let at: Position | undefined = doc.contents?.range ? position(lines, doc.contents.range[0]) : undefined;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
          if (!pair) break;
          const keyNode = pair.key as Node;
          if (keyNode.range) at = position(lines, keyNode.range[0]);
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          const item = node.items[key] as Node | undefined;
          if (!item) break;
          if (item.range) at = position(lines, item.range[0]);
          node = item;
        } else {
          break;
        }
      }
      return at;
    },
  };
}

/** A plain object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property, never the prototype's (`constructor`, `__proto__`). */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
