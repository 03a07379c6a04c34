import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { BlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { INSIGHT_CODES } from './codes.js';
import type { LogSource } from './sources.js';

/** A file gzipped more than this many times over is not read further (it stays gzip bytes). */
const MAX_GZIP_LAYERS = 4;

/**
 * The first chunk of a byte stream, and the rest still to come: enough to sniff a format
 * without consuming the stream.
 */
async function peek(stream: AsyncIterable<Uint8Array>): Promise<{ head: Uint8Array | null; all: AsyncIterable<Uint8Array> }> {
  const iterator = stream[Symbol.asyncIterator]();
  let first = await iterator.next();
  // Skip empty chunks: the magic number must be read from real bytes.
  while (first.done !== true && first.value.length === 0) first = await iterator.next();
  if (first.done === true) return { head: null, all: (async function* () {})() };
  const head = first.value;
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  return { head, all: all() };
}

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function* gunzip(source: LogSource, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const stream = Readable.from(bytes).pipe(createGunzip());
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (e) {
    throw new BlastguardError(INSIGHT_CODES.badGzip, `\`${escape(source.name)}\` does not decompress as gzip`, {
      file: escape(source.name),
      help: 'pass the file as the collector stored it (gzip JSON array), or decompress it first',
      cause: e,
    });
  }
}

/**
 * The bytes of a source: gunzipped when they start with gzip's magic number (again when a
 * gzip holds a gzip, as a re-compressed upload does; concatenated gzip members read as one),
 * without the UTF-8 byte order mark some Windows tools write first.
 */
export async function* bytesOf(source: LogSource): AsyncGenerator<Uint8Array> {
  let stream: AsyncIterable<Uint8Array> = source.open();
  let head: Uint8Array | null;
  for (let layer = 0; ; layer++) {
    const peeked = await peek(stream);
    head = peeked.head;
    stream = peeked.all;
    if (head === null || layer === MAX_GZIP_LAYERS || !isGzip(head)) break;
    stream = gunzip(source, stream);
  }
  if (head === null) return;
  // The mark is three bytes; chunks may be smaller, so the first three are gathered first.
  let prefix: Uint8Array | null = new Uint8Array(0);
  for await (const chunk of stream) {
    if (prefix === null) {
      yield chunk;
      continue;
    }
    const joined: Uint8Array = prefix.length === 0 ? chunk : Buffer.concat([prefix, chunk]);
    if (joined.length < 3) {
      prefix = joined;
      continue;
    }
    prefix = null;
    yield joined[0] === 0xef && joined[1] === 0xbb && joined[2] === 0xbf ? joined.subarray(3) : joined;
  }
  if (prefix !== null && prefix.length > 0) yield prefix;
}

/**
 * UTF-8 text of a byte stream, chunk by chunk: a sequence cut by a chunk boundary waits for the
 * next chunk. `Buffer#toString` decodes several times faster than a streaming `TextDecoder`;
 * invalid bytes become U+FFFD as with either.
 */
export class Utf8Chunks {
  private tail: Buffer | null = null;

  decode(chunk: Uint8Array): string {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.tail !== null) {
      buf = Buffer.concat([this.tail, buf]);
      this.tail = null;
    }
    const cut = completeLength(buf);
    if (cut < buf.length) this.tail = Buffer.from(buf.subarray(cut));
    return buf.toString('utf8', 0, cut);
  }

  end(): string {
    const tail = this.tail;
    this.tail = null;
    return tail === null ? '' : tail.toString('utf8');
  }
}

/** The length of `b` without a UTF-8 sequence its end cuts short. */
function completeLength(b: Uint8Array): number {
  let i = b.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (b[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return b.length;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > b.length ? i : b.length;
}
