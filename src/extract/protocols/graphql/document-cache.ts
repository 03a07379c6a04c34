import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';

/*
 * Agents and the GraphQL clients they use resend one document with other variables (Apollo Server
 * and graphql-http keep a parsed-document cache for the same reason), and parsing is the costliest
 * step of reading a GraphQL request. A document is parsed once and kept, keyed by its text, in a
 * bounded least-recently-used cache. Only what the text alone decides is kept: variables,
 * `@skip`/`@include` and everything that depends on them are evaluated per request by the callers,
 * which must treat a cached document as read-only (graphql-js `visit` and `print` never change it).
 *
 * Bounds: a hostile stream of distinct documents evicts older ones and cannot grow memory past
 * `MAX_ENTRIES` documents, `MAX_TOTAL_TOKENS` tokens and `MAX_TOTAL_CHARS` characters of text; a
 * document past the per-document bounds is parsed every time and never kept.
 */

const MAX_ENTRIES = 512;
const MAX_DOCUMENT_CHARS = 64 * 1024;
const MAX_DOCUMENT_TOKENS = 10_000;
const MAX_TOTAL_CHARS = 4 * 1024 * 1024;
const MAX_TOTAL_TOKENS = 200_000;

interface Entry {
  document: DocumentNode;
  tokens: number;
}

const entries = new Map<string, Entry>();
let totalChars = 0;
let totalTokens = 0;
/** The entry used last (the map's last): a client resending one document moves nothing. */
let newest: Entry | undefined;

/**
 * `parse(query, { noLocation: true, maxTokens })`, from the cache when the text was parsed before.
 * Throws exactly what that parse throws: a document kept with more tokens than `maxTokens` allows
 * is parsed again, so the limit fails as it always does. The document returned is shared.
 */
export function parseDocument(query: string, maxTokens: number): DocumentNode {
  const hit = entries.get(query);
  if (hit !== undefined) {
    if (hit.tokens > maxTokens) return parse(query, { noLocation: true, maxTokens });
    // Most recently used goes last: eviction takes the first.
    if (hit !== newest) {
      entries.delete(query);
      entries.set(query, hit);
      newest = hit;
    }
    return hit.document;
  }
  const document = parse(query, { noLocation: true, maxTokens });
  const tokens = document.tokenCount ?? Number.POSITIVE_INFINITY;
  if (query.length <= MAX_DOCUMENT_CHARS && tokens <= MAX_DOCUMENT_TOKENS) {
    newest = { document, tokens };
    entries.set(query, newest);
    totalChars += query.length;
    totalTokens += tokens;
    for (const [text, entry] of entries) {
      if (entries.size <= MAX_ENTRIES && totalChars <= MAX_TOTAL_CHARS && totalTokens <= MAX_TOTAL_TOKENS) break;
      entries.delete(text);
      totalChars -= text.length;
      totalTokens -= entry.tokens;
    }
  }
  return document;
}

/** What the cache holds now (the bench and the bound tests read it). */
export function documentCacheSize(): { entries: number; chars: number; tokens: number } {
  return { entries: entries.size, chars: totalChars, tokens: totalTokens };
}

/** Empties the cache (tests that count parses). */
export function clearDocumentCache(): void {
  entries.clear();
  newest = undefined;
  totalChars = 0;
  totalTokens = 0;
}
