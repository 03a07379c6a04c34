import { CST, Composer, LineCounter, Parser, isAlias, isCollection, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import { oneLine } from '../core/one-line.js';
import { VALIDATION_CODES } from '../diagnostics/codes.js';
import { diagnostic } from '../diagnostics/create.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { JsonPath, SourceSpan } from './types.js';

/**
 * Aliases a single document may expand. Policies have no use for deep alias graphs; a low limit
 * turns a "billion laughs" document into a located error instead of gigabytes of memory.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * Lists and mappings a document may nest. Real documents (even replay request bodies) stay far
 * below it; the YAML composer and everything after it recurse per level, so a deeper document is
 * refused, at the collection that crosses the limit, before it is composed (BG061).
 */
export const MAX_NESTING_DEPTH = 64;

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
  /**
   * What the parser could still read of documents with syntax errors: their top-level `kind` and
   * `metadata.name`, when those survived. Not validated; only for telling cross-document rules
   * that a document of that kind (and name) exists, so they do not pile errors on the root cause.
   */
  broken: BrokenDocument[];
}

/** The identity of a document that has syntax errors, as far as it could be read. */
export interface BrokenDocument {
  index: number;
  kind?: string;
  name?: string;
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
  // Offsets of the collection that crosses MAX_NESTING_DEPTH, by document index.
  const tooDeep = new Map<number, number>();
  try {
    const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(source));
    let docIndex = 0;
    // Too-deep documents are composed as empty ones, keeping every later document's index.
    const fed = tokens.map((token) => {
      if (token.type !== 'document') return token;
      const at = tooDeepAt(token.value);
      if (at !== undefined) tooDeep.set(docIndex, at);
      docIndex++;
      if (at === undefined) return token;
      const { value: _deep, ...shallow } = token;
      return shallow;
    });
    docs = Array.from(new Composer({ uniqueKeys: true, prettyErrors: false }).compose(fed)) as Doc[];
  } catch (e) {
    // The guard above keeps the parser's recursion shallow; this is a last resort.
    const why = e instanceof RangeError ? 'the document is nested too deeply' : 'the yaml parser failed';
    return {
      documents: [],
      diagnostics: [diagnostic(e instanceof RangeError ? VALIDATION_CODES.nestingTooDeep : VALIDATION_CODES.yamlSyntax, `yaml syntax error: ${why}`, spanAt(0, 0))],
      nonEmptyCount: 1,
      broken: [],
    };
  }

  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const broken: BrokenDocument[] = [];
  let nonEmptyCount = 0;
  docs.forEach((doc, index) => {
    const deepAt = tooDeep.get(index);
    if (deepAt !== undefined) {
      nonEmptyCount++;
      diagnostics.push(nestingDiagnostic(spanAt(deepAt, deepAt + 1)));
      return;
    }
    // `---` followed by nothing (or only comments) parses as an implicit null of zero width.
    const c = doc.contents;
    const empty =
      doc.errors.length === 0 && (c === null || (isScalar(c) && c.value === null && (!c.range || c.range[0] === c.range[1])));
    if (empty) return;
    nonEmptyCount++;
    for (const w of doc.warnings) {
      diagnostics.push(diagnostic(VALIDATION_CODES.yamlWarning, `yaml warning: ${yamlMessage(w.message)}`, spanAt(w.pos[0], w.pos[1])));
    }
    if (doc.errors.length > 0) {
      diagnostics.push(...rootCauseFirst(doc.errors.map((e) => yamlErrorDiagnostic(doc, e.code, e.message, e.pos, spanAt))));
      broken.push({ index, ...identityOf(doc) });
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
    // Aliases can stack shallow pieces into a deep value.
    if (valueDepth(value) > MAX_NESTING_DEPTH) {
      diagnostics.push(nestingDiagnostic(firstAliasSpan(doc, spanAt), ' once its aliases are expanded'));
      return;
    }
    documents.push({ index, value, locate: makeLocator(doc, spanAt) });
  });
  return { documents, diagnostics, nonEmptyCount, broken };
}

/**
 * After the first syntax error the parser is out of step with what the author meant: one line
 * indented by a space makes every following key of its mapping "not start at the same column",
 * and keys land in the wrong mapping (so "duplicate key" follows). Report the problems up to and
 * including the first syntax error (in the order the parser found them), and only count the rest.
 */
function rootCauseFirst(found: Diagnostic[]): Diagnostic[] {
  // The parser's order, not the reported places: an unclosed quote is reported at its opening
  // quote, after the flow mapping around it that it left unclosed, but it is the cause.
  const first = found.findIndex((d) => d.code === VALIDATION_CODES.yamlSyntax);
  if (first < 0 || first === found.length - 1) return found;
  const root = found[first]!;
  // The parser reports one error per token it cannot place (a misindented key can give thousands
  // in a 100-line file), so the lines they fall on are the count a reader can check.
  const lines = new Set(found.slice(first + 1).filter((d) => d.line !== root.line).map((d) => d.line)).size;
  const more = lines === 0 ? 'later errors on the same line' : lines === 1 ? 'errors on 1 later line' : `errors on ${lines} later lines`;
  const kept = { ...root, message: `${root.message} (and ${more} of this document, likely caused by this one)` };
  return [...found.slice(0, first), kept];
}

/** The top-level `kind` and `metadata.name` of a document with syntax errors, if they survived. */
function identityOf(doc: Doc): { kind?: string; name?: string } {
  let value: unknown;
  // Broken documents can have collection keys, which yaml would warn about on the process.
  doc.options.logLevel = 'silent';
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const { kind, metadata } = value as Record<string, unknown>;
  const name = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>).name : undefined;
  return { ...(typeof kind === 'string' ? { kind } : {}), ...(typeof name === 'string' ? { name } : {}) };
}

type SpanAt = (start: number, end: number) => SourceSpan;

function nestingDiagnostic(at: SourceSpan, after = ''): Diagnostic {
  return diagnostic(
    VALIDATION_CODES.nestingTooDeep,
    `yaml nesting too deep: more than ${MAX_NESTING_DEPTH} levels of lists and mappings${after}`,
    at,
    'policy documents are shallow; flatten this structure',
  );
}

/** Offset of the first collection (in source order) nested deeper than MAX_NESTING_DEPTH. Iterative. */
function tooDeepAt(root: CST.Token | undefined): number | undefined {
  const stack: [CST.Token, number][] = root ? [[root, 1]] : [];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [token, depth] = top;
    if (!CST.isCollection(token)) continue;
    if (depth > MAX_NESTING_DEPTH) return token.type === 'flow-collection' ? token.start.offset : token.offset;
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i];
      if (item?.value) stack.push([item.value, depth + 1]);
      if (item?.key) stack.push([item.key, depth + 1]);
    }
  }
  return undefined;
}

/** Levels of arrays and objects in a plain value (1 for a flat mapping). Iterative. */
function valueDepth(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [value, depth] = top;
    if (typeof value !== 'object' || value === null) continue;
    max = Math.max(max, depth);
    if (max > MAX_NESTING_DEPTH) return max;
    for (const child of Object.values(value as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return max;
}

function firstAliasSpan(doc: Doc, spanAt: SpanAt): SourceSpan {
  let first: YamlNode | undefined;
  visit(doc, {
    Alias(_key, node) {
      first = node;
      return visit.BREAK;
    },
  });
  return first?.range ? spanAt(first.range[0], first.range[1]) : spanAt(0, 0);
}

function yamlErrorDiagnostic(doc: Doc, code: string, message: string, pos: [number, number], spanAt: SpanAt): Diagnostic {
  switch (code) {
    case 'DUPLICATE_KEY': {
      const key = keyNodeAt(doc, pos[0]);
      const range = key?.range;
      const name = key && isScalar(key) ? String(key.value) : undefined;
      return diagnostic(
        VALIDATION_CODES.duplicateKey,
        name === undefined ? 'duplicate key in a mapping' : `duplicate key \`${name}\``,
        range ? spanAt(range[0], range[1]) : spanAt(pos[0], pos[1]),
        'each key may appear once per mapping; remove or merge the repeated one',
      );
    }
    case 'TAB_AS_INDENT':
      return diagnostic(VALIDATION_CODES.tabIndentation, 'tab used for indentation', spanAt(pos[0], pos[1]), 'indent yaml with spaces');
    // Only composing reports this, when it runs out of stack: nesting, never aliases (those are
    // counted when the document is converted, in aliasDiagnostic).
    case 'RESOURCE_EXHAUSTION':
      return nestingDiagnostic(spanAt(pos[0], pos[0] + 1));
    default: {
      const flow = /^flow (map|sequence) (must end|in block collection)/i.exec(message);
      const open = flow ? unclosedFlowAt(doc, flow[1] === 'map', pos[0]) : undefined;
      if (flow && open !== undefined) {
        const [what, close] = flow[1] === 'map' ? ['mapping', '}'] : ['list', ']'];
        return diagnostic(
          VALIDATION_CODES.yamlSyntax,
          `yaml syntax error: this flow ${what} is not closed with \`${close}\``,
          spanAt(open, open + 1),
          `close it with \`${close}\` (a flow ${what} continued on the next lines must be indented more than its key), or write it as an indented block`,
        );
      }
      const quote = /^missing closing (["'])quote/i.exec(message)?.[1];
      const opening = quote ? unclosedQuoteAt(doc, quote, pos[0]) : undefined;
      if (quote && opening !== undefined) {
        return diagnostic(
          VALIDATION_CODES.yamlSyntax,
          `yaml syntax error: this ${quote === '"' ? 'double' : 'single'}-quoted string is not closed`,
          spanAt(opening, opening + 1),
          `close it with \`${quote}\``,
        );
      }
      if (code === 'BAD_INDENT' || /same column/.test(message)) {
        return diagnostic(
          VALIDATION_CODES.yamlSyntax,
          `yaml syntax error: ${yamlMessage(message)}`,
          spanAt(pos[0], pos[1]),
          'indent this line with as many spaces as the other keys of its mapping (or list entries of its list)',
        );
      }
      return diagnostic(VALIDATION_CODES.yamlSyntax, `yaml syntax error: ${yamlMessage(message)}`, spanAt(pos[0], pos[1]));
    }
  }
}

/** The offset of the opening quote of the quoted scalar that runs up to `offset` unclosed. */
function unclosedQuoteAt(doc: Doc, quote: string, offset: number): number | undefined {
  const type = quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const range = node.range;
      if (node.type === type && range && range[0] < offset && range[1] >= offset && (found === undefined || range[0] > found)) found = range[0];
    },
  });
  return found;
}

/**
 * The offset of the opening bracket of the flow collection an "is not closed" error is about:
 * the innermost flow mapping (or list) that ends where the error is reported. The parser reports
 * it where it noticed, at the start of the next line, which is far from the mistake.
 */
function unclosedFlowAt(doc: Doc, map: boolean, offset: number): number | undefined {
  let found: number | undefined;
  const check = (node: YamlNode): void => {
    const range = node.range;
    if (!range || !(isCollection(node) && node.flow)) return;
    if (range[0] < offset && range[1] === offset && (found === undefined || range[0] > found)) found = range[0];
  };
  visit(doc, {
    Map(_key, node) {
      if (map) check(node);
    },
    Seq(_key, node) {
      if (!map) check(node);
    },
  });
  return found;
}

function aliasDiagnostic(doc: Doc, e: unknown, spanAt: SpanAt): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  const at = firstAliasSpan(doc, spanAt);
  if (e instanceof RangeError) return nestingDiagnostic(at, ' once its aliases are expanded');
  if (/excessive alias count/i.test(message)) {
    return diagnostic(
      VALIDATION_CODES.tooManyAliases,
      `too many aliases (more than ${MAX_ALIAS_COUNT} expansions)`,
      at,
      'write the values out instead of expanding anchors',
    );
  }
  if (/unresolved alias/i.test(message)) {
    return diagnostic(VALIDATION_CODES.yamlSyntax, 'yaml syntax error: alias refers to an anchor that is not defined before it', at);
  }
  return diagnostic(VALIDATION_CODES.yamlSyntax, `yaml syntax error: ${yamlMessage(message)}`, at);
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
            VALIDATION_CODES.nonScalarKey,
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

  // The document itself (a missing `apiVersion`, `kind`, `metadata` or `spec`): its start, the
  // first key of its mapping, so that a file of several documents points at the right one.
  const rootSpan = (): SourceSpan => {
    const root = doc.contents;
    if (isMap(root)) {
      const span = nodeSpan(root.items[0]?.key as YamlNode | undefined);
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

/** The yaml library's message, one line, without the position it appends (the diagnostic carries it). */
function yamlMessage(message: string): string {
  return oneLine(message).replace(/\s+at line \d+, column \d+:?$/, '');
}
