import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { FetchLike } from './transport.js';

/**
 * A `fetch` that trusts the given CA certificates (PEM) instead of, not beside, the system store:
 * Node's global fetch takes no `ca` option, and an enforcer pinned to its own bundle server's CA
 * should not trust every public CA. Certificate and host name checks stay on. Redirects are not
 * followed here: the transport follows them itself.
 */
export function fetchTrustingCa(ca: string | Uint8Array | readonly (string | Uint8Array)[]): FetchLike {
  const cas = (Array.isArray(ca) ? ca : [ca]).map((c: string | Uint8Array) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8')));
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers = new Headers(init.headers);
      // A known length instead of chunked encoding: some registries refuse chunked blob uploads.
      if (init.body instanceof Uint8Array) headers.set('content-length', String(init.body.byteLength));
      const req = send(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headers.entries()),
        ...(url.protocol === 'https:' ? { ca: cas, rejectUnauthorized: true } : {}),
        signal: init.signal ?? undefined,
      });
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
        }
        const status = res.statusCode ?? 0;
        const empty = status === 204 || status === 304 || init.method === 'HEAD';
        const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        if (empty) res.resume();
        res.on('aborted', () => res.destroy(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
        resolve(new Response(body, { status, headers: responseHeaders }));
      });
      const body = init.body;
      if (body instanceof Uint8Array) req.end(body);
      else req.end();
    });
}
