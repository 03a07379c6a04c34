import { LineCounter, isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import { diagnostic } from '../diagnostics/create.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { JsonPath, SourceSpan } from './types.js';

/**
 * Aliases a single document may expand. Policies have no use for deep alias graphs; a low limit
 * turns a "billion laughs" document into a located error instead of gigabytes of memory.
 */
export const MAX_ALIAS_COUNT = 100;

/** One well-formed YAML document: its plain value and a way back to source spans. */
export interface YamlDocument {
  index: number;
  value: unknown;
  locate(path: JsonPath, part?: 'key' | 'value'): SourceSpan;
}

export interface YamlParseResult {
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
  /** Documents in the file including broken ones, excluding empty ones (`---` with nothing after). */
  nonEmptyCount: number;
}

type Doc = Document.Parsed;

/** Parses every document of a file. Never throws: every problem becomes a located diagnostic. */
export function parseYaml(file: string, text: string): YamlParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const spanAt = (start: number, end: number): SourceSpan => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(Math.max(start, end));
    return { file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  let docs: Doc[];
  try {
    docs = parseAllDocuments(source, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
    }) as Doc[];
  } catch (e) {
    // The parser recurses per nesting level; only absurd inputs (thousands of levels) get here.
    const why = e instanceof RangeError ? 'the document is nested too deeply' : 'the yaml parser failed';
    return {
      documents: [],
      diagnostics: [diagnostic('BG008', `yaml syntax error: ${why}`, spanAt(0, 0))],
      nonEmptyCount: 1,
    };
  }

  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  let nonEmptyCount = 0;
  docs.forEach((doc, index) => {
    // `---` followed by nothing (or only comments) parses as an implicit null of zero width.
    const c = doc.contents;
    const empty =
      doc.errors.length === 0 && (c === null || (isScalar(c) && c.value === null && (!c.range || c.range[0] === c.range[1])));
    if (empty) return;
    nonEmptyCount++;
    for (const w of doc.warnings) {
      diagnostics.push(diagnostic('BG017', `yaml warning: ${oneLine(w.message)}`, spanAt(w.pos[0], w.pos[1])));
    }
    if (doc.errors.length > 0) {
      for (const e of doc.errors) diagnostics.push(yamlErrorDiagnostic(doc, e.code, e.message, e.pos, spanAt));
      return;
    }
    const keyProblems = nonScalarKeys(doc, spanAt);
    if (keyProblems.length > 0) {
      diagnostics.push(...keyProblems);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      diagnostics.push(aliasDiagnostic(doc, e, spanAt));
      return;
    }
    documents.push({ index, value, locate: makeLocator(doc, spanAt) });
  });
  return { documents, diagnostics, nonEmptyCount };
}

type SpanAt = (start: number, end: number) => SourceSpan;

function yamlErrorDiagnostic(doc: Doc, code: string, message: string, pos: [number, number], spanAt: SpanAt): Diagnostic {
  switch (code) {
    case 'DUPLICATE_KEY': {
      const key = keyNodeAt(doc, pos[0]);
      const range = key?.range;
      const name = key && isScalar(key) ? String(key.value) : undefined;
      return diagnostic(
        'BG009',
        name === undefined ? 'duplicate key in a mapping' : `duplicate key \`${name}\``,
        range ? spanAt(range[0], range[1]) : spanAt(pos[0], pos[1]),
        'each key may appear once per mapping; remove or merge the repeated one',
      );
    }
    case 'TAB_AS_INDENT':
      return diagnostic('BG010', 'tab used for indentation', spanAt(pos[0], pos[1]), 'indent yaml with spaces');
    case 'RESOURCE_EXHAUSTION':
      return diagnostic(
        'BG011',
        `too many aliases (more than ${MAX_ALIAS_COUNT})`,
        spanAt(pos[0], pos[1]),
        'write the values out instead of expanding anchors',
      );
    default:
      return diagnostic('BG008', `yaml syntax error: ${oneLine(message)}`, spanAt(pos[0], pos[1]));
  }
}

function aliasDiagnostic(doc: Doc, e: unknown, spanAt: SpanAt): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  let first: YamlNode | undefined;
  visit(doc, {
    Alias(_key, node) {
      first = node;
      return visit.BREAK;
    },
  });
  const at = first?.range ? spanAt(first.range[0], first.range[1]) : spanAt(0, 0);
  if (/excessive alias count/i.test(message)) {
    return diagnostic(
      'BG011',
      `too many aliases (more than ${MAX_ALIAS_COUNT} expansions)`,
      at,
      'write the values out instead of expanding anchors',
    );
  }
  if (/unresolved alias/i.test(message)) {
    return diagnostic('BG008', 'yaml syntax error: alias refers to an anchor that is not defined before it', at);
  }
  return diagnostic('BG008', `yaml syntax error: ${oneLine(message)}`, at);
}

// Collection keys (`? [a, b]`) have no JSON equivalent and would be silently stringified.
function nonScalarKeys(doc: Doc, spanAt: SpanAt): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key)) {
        const r = (pair.key as YamlNode).range;
        out.push(
          diagnostic(
            'BG018',
            'mapping key is a list or mapping',
            r ? spanAt(r[0], r[1]) : spanAt(0, 0),
            'keys must be plain strings',
          ),
        );
      }
    },
  });
  return out;
}

function keyNodeAt(doc: Doc, offset: number): YamlNode | undefined {
  let found: YamlNode | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const k = pair.key as YamlNode | null;
      if (k && isScalar(k) && k.range && k.range[0] <= offset && offset < Math.max(k.range[1], k.range[0] + 1)) {
        found = k;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function makeLocator(doc: Doc, spanAt: SpanAt): YamlDocument['locate'] {
  const nodeSpan = (node: YamlNode | null | undefined): SourceSpan | undefined =>
    node?.range ? spanAt(node.range[0], node.range[1]) : undefined;
  const deref = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

  const rootSpan = (): SourceSpan => {
    const root = doc.contents;
    if (isMap(root)) {
      const kindPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
      const pair = kindPair ?? root.items[0];
      const span = nodeSpan(pair?.key as YamlNode | undefined);
      if (span) return span;
    }
    return nodeSpan(root as YamlNode | null) ?? spanAt(0, 0);
  };

  // A mapping item of a list is best pointed at by its first key (`- id: x`), not the whole block.
  const headSpan = (node: unknown): SourceSpan | undefined => {
    if (isMap(node) && node.items[0]) return nodeSpan(node.items[0].key as YamlNode) ?? nodeSpan(node as YamlNode);
    return nodeSpan(node as YamlNode);
  };

  return (path, part = 'value') => {
    if (path.length === 0) return rootSpan();
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    // The best span found so far: the deepest existing key (or sequence item).
    let best: SourceSpan = rootSpan();
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      node = deref(node);
      if (isMap(node)) {
        const p = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!p) return best;
        pair = p as Pair;
        node = pair.value;
        best = nodeSpan(pair.key as YamlNode) ?? best;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined || (typeof segment === 'string' && !/^\d+$/.test(segment))) return best;
        pair = undefined;
        node = item;
        best = headSpan(deref(item)) ?? best;
      } else {
        return best;
      }
    }
    if (part === 'key') return (pair ? nodeSpan(pair.key as YamlNode) : headSpan(deref(node))) ?? best;
    const value = nodeSpan(node as YamlNode | null);
    if (!value) return best;
    // An empty value (`api:` with nothing after) has no width: point at its key instead.
    if (value.line === value.endLine && value.column === value.endColumn && pair) return nodeSpan(pair.key as YamlNode) ?? value;
    return value;
  };
}

function oneLine(message: string): string {
  const first = message.split('\n')[0]?.trim() ?? '';
  const text = first.replace(/\s+at line \d+, column \d+:?$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}
