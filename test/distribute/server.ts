import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A bundle server on loopback whose behaviour each test sets: the fault-injection counterpart of nginx. */
export interface TestServer {
  url: string;
  origin: string;
  /** Every request seen, in order. */
  requests: IncomingMessage[];
  handle: (handler: (req: IncomingMessage, res: ServerResponse) => void) => void;
  close: () => Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 404;
    res.end();
  };
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/bundles/blastguard`,
    origin,
    requests,
    handle: (h) => {
      handler = h;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serves `bundle()` with an etag and OPA's 304 rule. */
export function serveBundle(bundle: () => Uint8Array, options: { contentType?: string; etag?: () => string } = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const etag = options.etag?.() ?? `"${createHash('sha256').update(bundle()).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': options.contentType ?? 'application/gzip', etag, 'content-length': bundle().byteLength });
    res.end(bundle());
  };
}
