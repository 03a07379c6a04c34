import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { escape } from '../../core/untrusted.js';
import { drainable } from '../../enforce/index.js';
import { FORWARD_CODES, ForwardProxyError } from './codes.js';
import { dnsName, formatAuthority, parseAuthority, type Authority } from './host.js';
import { intercept } from './intercept.js';
import { LeafIssuer } from './leaf.js';
import { resolveOptions, type ForwardProxyOptions, type ForwardTarget, type ResolvedOptions } from './options.js';
import { refuseResponse, refuseSocket, type Refusal } from './refuse.js';
import { tunnel } from './tunnel.js';

/** A running (or not yet listening) forward proxy. */
export interface ForwardProxy {
  /** Listens on `host:port` (default 127.0.0.1, port 0 = any free port); resolves to the address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** The bound address, or null before `listen`. */
  address(): AddressInfo | null;
  /**
   * Stops listening and ends every connection, tunnel and intercepted stream; with a grace (ms),
   * requests in flight may finish first (idle connections closed, new requests answered with
   * `Connection: close`).
   */
  close(graceMs?: number): Promise<void>;
}

// Headers addressed to the proxy itself: never handed on toward an upstream.
const PROXY_HEADERS = ['proxy-authorization', 'proxy-connection'];

function serverOptions(options: ResolvedOptions): Parameters<typeof createServer>[0] {
  const { maxHeaderSize, headersTimeoutMs, requestTimeoutMs, idleTimeoutMs } = options.limits;
  // Head and request time-outs are enforced by a periodic sweep (default every 30 s): sweep often
  // enough that a short limit is a limit.
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 2)));
  return { maxHeaderSize, headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, keepAliveTimeout: idleTimeoutMs, connectionsCheckingInterval };
}

/** The `Host` header as an authority (default port `port`), or undefined when absent or malformed. */
function hostHeader(req: IncomingMessage, port: number): Authority | undefined {
  const value = req.headers.host;
  return value === undefined ? undefined : parseAuthority(value, port);
}

function sameAuthority(a: Authority | undefined, b: Authority): boolean {
  return a !== undefined && a.host === b.host && a.port === b.port;
}

/**
 * The forward proxy for clients that honour `HTTPS_PROXY`: `CONNECT` to a declared Api's host is
 * intercepted (TLS terminated with a certificate from the local CA, each request handed to
 * `handler`), `CONNECT` to an allowed host is tunnelled blind, everything else is refused with a
 * coded 403. Plain `http://` requests in absolute-form for a declared host go to `handler` too
 * (as `https` on port 443: the Api is only ever reached over TLS). Fails closed: an unreadable
 * request, a `Host` that disagrees with the tunnel, a handler that throws — all answered, never forwarded.
 */
export function createForwardProxy(input: ForwardProxyOptions): ForwardProxy {
  const options = resolveOptions(input);
  const issuer = new LeafIssuer(options.ca, { validityMs: options.limits.leafValidityMs, maxEntries: options.limits.maxCachedCertificates });
  const sockets = new Set<Duplex>();
  const track = (s: Duplex): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const targets = new WeakMap<object, ForwardTarget>();

  const refuse = (res: ServerResponse, refusal: Refusal, host?: string): void => {
    options.onEvent({ code: refusal.code, message: refusal.detail, ...(host === undefined ? {} : { host }) });
    refuseResponse(res, refusal);
  };

  const hand = (req: IncomingMessage, res: ServerResponse, target: ForwardTarget): void => {
    for (const name of PROXY_HEADERS) delete req.headers[name];
    try {
      options.handler(req, res, target);
    } catch (e) {
      refuse(res, { status: 502, code: FORWARD_CODES.handlerFailed, detail: `the request handler failed: ${escape(e instanceof Error ? e.message : String(e), 120)}` }, target.host);
    }
  };

  // Requests decrypted from an intercepted tunnel.
  const decrypted = createServer(serverOptions(options), (req, res) => {
    const target = targets.get(req.socket);
    if (target === undefined) {
      res.destroy();
      return;
    }
    // `//host/path` is a path to the upstream but an authority to URL parsers: never origin-form here.
    if (req.url === undefined || !req.url.startsWith('/') || /^[/\\]{2}/.test(req.url)) {
      refuse(res, { status: 400, code: FORWARD_CODES.badProxyRequest, detail: 'inside a tunnel the request-target must be a path (origin-form)' }, target.host);
      return;
    }
    if (!sameAuthority(hostHeader(req, 443), target)) {
      refuse(res, { status: 421, code: FORWARD_CODES.misdirected, detail: `the \`Host\` header \`${escape(req.headers.host ?? '', 100)}\` is not the tunnel's host \`${formatAuthority(target)}\`` }, target.host);
      return;
    }
    hand(req, res, target);
  });
  decrypted.on('connection', (s: Socket) => track(s));
  // This server never listens (it is fed decrypted sockets), but `http` arms its head and request
  // time-out sweep on 'listening': without it a client could trickle a request head forever.
  decrypted.emit('listening');

  // The listener: CONNECT, and plain-HTTP requests in absolute-form.
  const server: Server = createServer(serverOptions(options), (req, res) => {
    const url = req.url ?? '';
    const m = /^http:\/\/([^/?#]*)([^#]*)/i.exec(url);
    if (m === null) {
      const detail = /^https:/i.test(url) ? 'send `https://` requests through `CONNECT` (set HTTPS_PROXY)' : 'this is a forward proxy: send requests in absolute-form or through `CONNECT` (set HTTPS_PROXY)';
      refuse(res, { status: 400, code: FORWARD_CODES.badProxyRequest, detail });
      return;
    }
    const asked = parseAuthority(m[1]!, 80);
    if (asked === undefined) {
      refuse(res, { status: 400, code: FORWARD_CODES.badProxyRequest, detail: `\`${escape(m[1]!, 100)}\` is not a host and port` });
      return;
    }
    const name = dnsName(asked.host);
    if (name === undefined || !options.intercepts(name)) {
      refuse(res, { status: 403, code: FORWARD_CODES.hostRefused, detail: `\`${asked.host}\` is not a declared api host` }, asked.host);
      return;
    }
    if (asked.port !== 80) {
      refuse(res, { status: 403, code: FORWARD_CODES.portRefused, detail: `plain http to \`${formatAuthority(asked)}\` is refused; declared apis are reached on port 80 or through CONNECT to 443` }, asked.host);
      return;
    }
    if (!sameAuthority(hostHeader(req, 80), asked)) {
      refuse(res, { status: 421, code: FORWARD_CODES.misdirected, detail: `the \`Host\` header \`${escape(req.headers.host ?? '', 100)}\` is not the request's host \`${asked.host}\`` }, asked.host);
      return;
    }
    if (/^[/\\]{2}/.test(m[2]!)) {
      refuse(res, { status: 400, code: FORWARD_CODES.badProxyRequest, detail: 'the request path opens with `//`, which servers may read as another host' }, asked.host);
      return;
    }
    // `http://host?q` has an empty path: the origin-form target is `/?q`, never `?q`.
    req.url = m[2]!.startsWith('/') ? m[2]! : `/${m[2]!}`;
    req.headers.host = name;
    hand(req, res, { host: name, port: 443, scheme: 'https' });
  });
  server.maxConnections = options.limits.maxConnections;
  server.on('connection', (s: Socket) => track(s));
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    client.on('error', () => client.destroy());
    client.setTimeout(options.limits.idleTimeoutMs, () => client.destroy());
    const refuseConnect = (refusal: Refusal, host?: string): void => {
      options.onEvent({ code: refusal.code, message: refusal.detail, ...(host === undefined ? {} : { host }) });
      refuseSocket(client, refusal);
    };
    const asked = parseAuthority(req.url ?? '');
    if (asked === undefined) {
      refuseConnect({ status: 400, code: FORWARD_CODES.badProxyRequest, detail: `\`CONNECT ${escape(req.url ?? '', 100)}\` does not name a host and port` });
      return;
    }
    const name = dnsName(asked.host);
    if (name !== undefined && options.intercepts(name)) {
      if (!options.interceptPorts.has(asked.port)) {
        refuseConnect({ status: 403, code: FORWARD_CODES.portRefused, detail: `\`${formatAuthority(asked)}\` is a declared api host on a port that is not intercepted (${[...options.interceptPorts].join(', ')})` }, name);
        return;
      }
      void intercept(client, head, { host: name, port: asked.port }, options, issuer, decrypted, targets, track);
      return;
    }
    if (options.tunnels.has(`${asked.host}:${asked.port}`)) {
      tunnel(client, head, asked, options, track);
      return;
    }
    refuseConnect({ status: 403, code: FORWARD_CODES.hostRefused, detail: `\`${formatAuthority(asked)}\` is not a declared api host and not allowed to tunnel` }, asked.host);
  });

  // On close the listener stops accepting and requests in flight (plain or intercepted) may finish
  // within the grace; tunnels and handshakes still open then are ended with everything else.
  const drain = drainable([server, decrypted], {
    listening: [server],
    endAll: () => {
      for (const s of sockets) s.destroy();
      // Stops its time-out sweep; it never listened, so the callback only receives that fact.
      decrypted.close(() => undefined);
    },
  });

  return {
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException): void =>
          reject(
            new ForwardProxyError(FORWARD_CODES.listenFailed, `cannot listen on \`${host}:${port}\`: ${e.code === 'EADDRINUSE' ? 'the address is in use' : e.code === 'EACCES' ? 'permission denied' : e.message}`, {
              help: 'choose another --listen address or port',
              cause: e,
            }),
          );
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    address() {
      const a = server.address();
      return a === null || typeof a === 'string' ? null : a;
    },
    close(graceMs = 0) {
      return drain.close(graceMs);
    },
  };
}
