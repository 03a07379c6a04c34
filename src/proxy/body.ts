import type { IncomingMessage } from 'node:http';

/** A request body read up to one byte past the limit: enough for extraction to refuse it as too large. */
export interface ReadBody {
  bytes: Buffer;
  /** False when reading stopped at the limit: the rest was never read, and the connection is closed after the answer. */
  complete: boolean;
}

/**
 * Reads the request body, at most `limit + 1` bytes, within `timeoutMs`; null when the client is
 * too slow or goes away. Reading stops at the bound, so a huge body costs no more memory than the limit.
 */
export function readRequestBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<ReadBody | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (value: ReadBody | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > limit) {
        req.pause();
        finish({ bytes: Buffer.concat(chunks).subarray(0, limit + 1), complete: false });
      }
    };
    const onEnd = (): void => finish({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), complete: true });
    const onError = (): void => finish(null);
    const onClose = (): void => finish(req.complete ? { bytes: Buffer.concat(chunks), complete: true } : null);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
