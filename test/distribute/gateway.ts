import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A token-auth front for a real registry, as hosted registries (ghcr.io, Docker Hub, ACR) behave:
 * `/v2/` answers 401 with a `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge, the
 * realm issues tokens (for basic credentials, or to anyone when `anonymousPull`), and blob GETs
 * are redirected to a separate "storage" origin that must never see the registry token.
 */
export interface Gateway {
  origin: string;
  host: string;
  /** Scopes tokens were asked for, and the Authorization headers the token endpoint saw. */
  tokenRequests: { scope: string; authorization: string | undefined }[];
  /** Authorization headers that reached the storage origin (must stay empty). */
  storageAuthorizations: (string | undefined)[];
  close: () => Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: string, path: string, headers: Record<string, string | string[] | undefined>): void {
  const target = new URL(path, upstream);
  const out = request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(out);
}

export async function startGateway(
  upstream: string,
  options: { basic?: { username: string; password: string }; anonymousPull?: boolean; scheme?: 'bearer' | 'basic' },
): Promise<Gateway> {
  const tokenRequests: Gateway['tokenRequests'] = [];
  const storageAuthorizations: Gateway['storageAuthorizations'] = [];
  const issued = new Map<string, string>();
  const storage = await listen((req, res) => {
    storageAuthorizations.push(req.headers.authorization);
    const blobPath = new URL(req.url ?? '/', 'http://x').searchParams.get('path') ?? '';
    forward(req, res, upstream, blobPath, { accept: '*/*' });
  });
  let port = 0;
  const gateway = await listen((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/token') {
      const scope = url.searchParams.get('scope') ?? '';
      tokenRequests.push({ scope, authorization: req.headers.authorization });
      const basic = options.basic === undefined ? undefined : `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;
      const pullOnly = /^repository:[^:]+:pull$/.test(scope);
      // Wrong credentials are refused even where anonymous access would do, as Docker Hub does.
      const allowed = req.headers.authorization === undefined ? options.anonymousPull === true && pullOnly : req.headers.authorization === basic;
      if (!allowed) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const token = `tok-${issued.size + 1}`;
      issued.set(token, scope);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (options.scheme === 'basic') {
      const basic = `Basic ${Buffer.from(`${options.basic?.username}:${options.basic?.password}`).toString('base64')}`;
      if (req.headers.authorization !== basic) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' });
        res.end();
        return;
      }
      const headers = { ...req.headers };
      delete headers.authorization;
      forward(req, res, upstream, `${url.pathname}${url.search}`, headers);
      return;
    }
    const repository = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1];
    const needed = `repository:${repository ?? ''}:${req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'pull,push'}`;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = token === undefined ? undefined : issued.get(token);
    const ok = granted !== undefined && (granted === needed || granted.endsWith(':pull,push'));
    if (!ok) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test-registry",scope="${needed}"`, 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (req.method === 'GET' && /\/blobs\/sha256:/.test(url.pathname)) {
      res.writeHead(307, { location: `http://127.0.0.1:${storage.port}/storage?path=${encodeURIComponent(url.pathname)}` });
      res.end();
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    forward(req, res, upstream, `${url.pathname}${url.search}`, headers);
  });
  port = gateway.port;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    tokenRequests,
    storageAuthorizations,
    close: async () => {
      for (const s of [gateway.server, storage.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
