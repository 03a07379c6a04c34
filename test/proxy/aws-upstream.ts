// A loopback upstream that checks SigV4 signatures as an AWS endpoint does, and requests signed
// as an SDK signs them (test/helpers/sigv4.ts), for the proxy tests of signed AWS calls.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorization, verifies } from '../helpers/sigv4.js';

/** The host each service's requests are signed for (the proxy forwards under the upstream's own `Host`). */
const HOSTS: Record<string, string> = {
  iam: 'iam.amazonaws.com',
  ecs: 'ecs.us-east-1.amazonaws.com',
  s3: 'acme-staging-assets.s3.us-east-1.amazonaws.com',
};

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

/** The request as an SDK sends it: every header given (and `host`, `x-amz-date`) signed over the body as sent. */
export function signed(request: SignedRequest): { method: string; path: string; headers: Record<string, string>; body: string | Uint8Array } {
  const method = request.method ?? 'POST';
  const target = request.target ?? '/';
  const headers = { host: HOSTS[request.service]!, 'x-amz-date': '20261130T190000Z', ...request.headers };
  return { method, path: target, headers: { ...headers, authorization: authorization({ method, target, headers, body: request.body, region: 'us-east-1', service: request.service, s3: request.service === 's3' }) }, body: request.body };
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
          const service = /\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
          const verified = verifies({ method: req.method ?? '', target: req.url ?? '', headers: req.headers, body }, HOSTS[service] ?? '');
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

