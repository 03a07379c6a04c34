// A loopback upstream that checks SigV4 signatures as an AWS endpoint does, and requests signed
// as an SDK signs them (test/helpers/sigv4.ts), for the proxy tests of signed AWS calls.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorization, verifies } from '../helpers/sigv4.js';

/**
 * The catalog api each service's requests are routed to. In reverse mode the proxy forwards under
 * the upstream's own `Host` (and refuses, BG737, a signature over another host), so a client
 * signs for the upstream's host and names the api as the first path segment, which the proxy
 * strips: the signature covers the path the upstream receives.
 */
const APIS: Record<string, string> = { iam: 'aws-iam', ecs: 'aws-ecs', s3: 'aws-s3' };

export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  verified: boolean;
}

export interface SignedRequest {
  service: 'iam' | 'ecs' | 's3';
  method?: string;
  target?: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * The request as an SDK pointed at the upstream `host` sends it through the reverse proxy: every
 * header given (and `host`, `x-amz-date`) signed over the body as sent; S3 path-style.
 */
export function signed(request: SignedRequest, host: string): { method: string; path: string; headers: Record<string, string>; body: string | Uint8Array } {
  const method = request.method ?? 'POST';
  const target = request.target ?? '/';
  const headers = { host, 'x-amz-date': '20261130T190000Z', ...request.headers };
  return { method, path: `/${APIS[request.service]!}${target}`, headers: { ...headers, authorization: authorization({ method, target, headers, body: request.body, region: 'us-east-1', service: request.service, s3: request.service === 's3' }) }, body: request.body };
}

export function signingUpstream(): { seen: Seen[]; start(): Promise<string>; close(): Promise<void> } {
  const seen: Seen[] = [];
  let server: Server;
  return {
    seen,
    start: async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          const verified = verifies({ method: req.method ?? '', target: req.url ?? '', headers: req.headers, body }, String(req.headers.host ?? ''));
          seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, verified });
          if (verified) res.writeHead(200, { 'content-type': 'application/xml' }).end('<ok/>');
          else res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: async () => {
      server?.closeAllConnections();
      await new Promise<void>((r) => server?.close(() => r()));
    },
  };
}

