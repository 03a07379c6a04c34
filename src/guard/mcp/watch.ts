import { createHash } from 'node:crypto';
import type { HeaderMap } from '../../core/headers.js';
import { isRecord } from '../../core/record.js';
import { idKey, type McpGuard } from './guard.js';
import { SseDataReader } from './sse.js';

/*
 * What the HTTP relay reads in the server's answers as they pass, unchanged: the results of the
 * `tools/list` requests it forwarded (the tools' `x-mcp-header` declarations are learnt from them)
 * and `notifications/tools/list_changed` on any stream (everything learnt is forgotten). Reading
 * never holds an answer back nor decides what passes.
 */

/** Largest answer (or event) read to learn a tool list from; a larger one passes unread. */
const MAX_LIST_BYTES = 16 * 1024 * 1024;
/** Largest event read on a stream that answers no `tools/list` (a `list_changed` notification is small). */
const MAX_NOTIFICATION_BYTES = 64 * 1024;
const LIST_CHANGED = 'notifications/tools/list_changed';

export interface Watch {
  guard: McpGuard;
  /** The scope learnt declarations belong to (worked out when first needed). */
  scope: () => string;
  /** The `tools/list` requests forwarded, by response key, and whether each asks for the first page. */
  lists: Map<string, boolean>;
}

/** Reads what passes in one answer, chunk by chunk. */
export interface AnswerReader {
  chunk(bytes: Buffer): void;
  end(): void;
}

/**
 * A session's scope (`Mcp-Session-Id`), else the caller's (a digest of its `Authorization`: a
 * stateless 2026-07-28 server may list other tools to other callers, and a `cacheScope: private`
 * list belongs to one authorization context).
 */
export function scopeOf(headers: HeaderMap): () => string {
  let scope: string | undefined;
  return () => {
    if (scope !== undefined) return scope;
    const session = headers.get('mcp-session-id')?.[0];
    scope = session !== undefined && session !== '' ? `session:${session}` : `caller:${createHash('sha256').update((headers.get('authorization') ?? []).join('\n')).digest('base64url')}`;
    return scope;
  };
}

/** A reader for an answer of this content type, or null when nothing in it can matter. */
export function answerReader(watch: Watch, contentType: string): AnswerReader | null {
  if (contentType === 'text/event-stream') {
    const reader = new SseDataReader(watch.lists.size > 0 ? MAX_LIST_BYTES : MAX_NOTIFICATION_BYTES, (data) => readText(watch, data));
    return { chunk: (bytes) => reader.push(bytes), end: () => undefined };
  }
  if (watch.lists.size === 0 || (contentType !== 'application/json' && !contentType.endsWith('+json'))) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    chunk(bytes) {
      size += bytes.length;
      if (size <= MAX_LIST_BYTES) chunks.push(bytes);
    },
    end() {
      if (size <= MAX_LIST_BYTES) readText(watch, Buffer.concat(chunks).toString('utf8'));
    },
  };
}

/** One JSON-RPC message (or batch) of the server's, already parsed. */
export function readMessage(watch: Watch, value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) readMessage(watch, item);
    return;
  }
  if (!isRecord(value)) return;
  if (value['method'] === LIST_CHANGED) {
    watch.guard.toolsChanged();
    return;
  }
  if (watch.lists.size === 0 || !('result' in value) || !('id' in value)) return;
  const key = idKey(value['id']);
  const firstPage = watch.lists.get(key);
  if (firstPage === undefined) return;
  watch.lists.delete(key);
  watch.guard.learnTools(watch.scope(), value['result'], firstPage);
}

function readText(watch: Watch, text: string): void {
  // Most events are tool results and progress: only text that may hold what is watched is parsed.
  // (`list_changed` alone: a server may escape the slashes of the method name.)
  if (!text.includes('list_changed') && !(watch.lists.size > 0 && text.includes('"tools"'))) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return;
  }
  readMessage(watch, value);
}
