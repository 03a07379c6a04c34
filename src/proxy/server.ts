import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOn, statusListener, type Enforcer } from '../enforce/index.js';
import { PROXY_CODES, ProxyError } from './codes.js';
import { sendProblem } from './denial.js';
import { answerFailure, createRequestHandler, type ProxyHandlerOptions } from './handler.js';
import { linkRewriter, rewriteResponseLinks } from './links.js';
import type { IrApi } from '../ir/types.js';
import { signedHostRefusal } from './signed-host.js';
import { upstreamPool, type Upstream } from './upstream.js';

export interface ReverseProxyOptions extends Omit<ProxyHandlerOptions, 'enforcer'> {
  enforcer: Pick<Enforcer, 'decide' | 'catalog' | 'status' | 'metrics'>;
  /** Each api and where its requests go (`--upstream API=URL`). */
  upstreams: readonly { api: string; url: string }[];
  host?: string;
  port: number;
  /** Extra trust anchors for upstream TLS (PEM); verification is never turned off. */
  upstreamCa?: string | Buffer;
}

export interface ReverseProxy {
  url: string;
  /** Stops the proxy; with a grace (ms), requests in flight may finish first (`Listening.close`). */
  close(graceMs?: number): Promise<void>;
}

/** The operator paths the proxy answers itself; everything else is an api call. */
const STATUS_PATHS = new Set(['/healthz', '/readyz', '/status', '/metrics']);

/**
 * The reverse proxy (`blastguard proxy`): clients point an api's base url at it. A request goes to
 * the upstream whose api declares the host it names, to the only upstream, or to the one whose
 * api name is its first path segment (`/railway/graphql/v2`, the segment removed).
 */
export async function startReverseProxy(options: ReverseProxyOptions): Promise<ReverseProxy> {
  const upstreams: Upstream[] = options.upstreams.map(({ api, url }) => {
    let origin: URL;
    try {
      origin = new URL(url);
    } catch {
      throw new ProxyError(PROXY_CODES.invalidConfig, `upstream \`${api}\` has no valid url: \`${url}\``, { help: 'write `--upstream API=https://host[:port]`' });
    }
    if (origin.protocol !== 'http:' && origin.protocol !== 'https:') throw new ProxyError(PROXY_CODES.invalidConfig, `upstream \`${api}\` must be an http(s) url, got \`${url}\``);
    return { api, origin, pool: upstreamPool(origin, options.upstreamCa === undefined ? {} : { ca: options.upstreamCa }) };
  });
  const handle = createRequestHandler(options);
  const rewriters = linkRewriters();
  const route = (req: IncomingMessage): Upstream | null => {
    if (upstreams.length === 1) return upstreams[0]!;
    const catalog = options.enforcer.catalog();
    const named = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const byHost = upstreams.find((u) => catalog?.apis.find((a) => a.name === u.api)?.hosts.some((h) => h.toLowerCase() === named));
    if (byHost !== undefined) return byHost;
    const segment = /^\/([^/?#]+)/.exec(req.url ?? '')?.[1];
    const byName = upstreams.find((u) => u.api === segment);
    if (byName === undefined) return null;
    req.url = (req.url ?? '/').slice(segment!.length + 1) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    return byName;
  };
  const server: Server = createServer({ keepAliveTimeout: 65_000, requestTimeout: (options.clientTimeoutMs ?? 30_000) + 5_000 }, (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const path = query === -1 ? url : url.slice(0, query);
      if (STATUS_PATHS.has(path)) return status(path, options.enforcer, req, res);
    }
    // What throws here would be an uncaught exception, ending the process for every client: it is this request's 500.
    try {
      const target = req.url;
      const upstream = route(req);
      if (upstream === null) return sendProblem(res, 421, PROXY_CODES.noUpstream, 'the request names no api this proxy forwards to (by host, or as the first path segment)');
      const signed = signedHostRefusal(req, upstream);
      if (signed !== null) return sendProblem(res, 421, PROXY_CODES.signedHostChanged, signed);
      // Links and redirects the upstream names lead back through the proxy, under the segment the request was routed by.
      const rewrite = rewriters(options.enforcer.catalog()?.apis ?? NO_APIS, upstream, req.headers.host, req.url !== target);
      if (rewrite !== null) {
        const requestPath = req.url;
        rewriteResponseLinks(res, (url) => rewrite(url, requestPath));
      }
      handle(req, res, upstream, answerFailure);
    } catch (error) {
      answerFailure(res, { error });
    }
    return undefined;
  });
  const listening = await listenOn(server, options.host ?? '127.0.0.1', options.port, (m, cause) => new ProxyError(PROXY_CODES.listenFailed, m, { cause }));
  return {
    url: listening.origin,
    close: async (graceMs) => {
      await listening.close(graceMs);
      await Promise.all(upstreams.map((u) => u.pool.destroy()));
    },
  };
}

const NO_APIS: readonly IrApi[] = Object.freeze([]);


/** `Host` values kept per upstream and routing before the cache of one starts again. */
const MAX_REWRITERS = 256;

type Rewrite = ((url: string, requestPath?: string) => string) | null;

/**
 * `linkRewriter` for a response, kept by upstream, by whether the request was routed by its path
 * segment, and by the exact `Host` value, for the list of apis it was made with: it depends on
 * nothing else, and a catalog that activates brings another list, which starts the cache again.
 */
function linkRewriters(): (apis: readonly IrApi[], upstream: Upstream, host: string | undefined, routed: boolean) => Rewrite {
  let forApis: readonly IrApi[] | null = null;
  let byUpstream = new Map<Upstream, [Map<string, Rewrite>, Map<string, Rewrite>]>();
  return (apis, upstream, host, routed) => {
    if (host === undefined) return null;
    if (apis !== forApis) {
      forApis = apis;
      byUpstream = new Map();
    }
    let kept = byUpstream.get(upstream);
    if (kept === undefined) byUpstream.set(upstream, (kept = [new Map(), new Map()]));
    const byHost = kept[routed ? 1 : 0];
    let rewrite = byHost.get(host);
    if (rewrite === undefined) {
      rewrite = linkRewriter(apis, upstream.api, upstream.origin, host, routed ? `/${upstream.api}` : '');
      if (byHost.size >= MAX_REWRITERS) byHost.clear();
      byHost.set(host, rewrite);
    }
    return rewrite;
  };
}

function status(path: string, enforcer: ReverseProxyOptions['enforcer'], req: IncomingMessage, res: ServerResponse): void {
  const json = (code: number, body: unknown): void => {
    res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body) + '\n');
  };
  const s = enforcer.status();
  // Ready means a verified bundle and the catalog to read requests with: without both nothing is forwarded.
  const ready = s.ready && enforcer.catalog() !== null;
  if (path === '/healthz') json(ready && s.healthy ? 200 : 503, { healthy: ready && s.healthy, state: s.state, active_revision: s.active_revision, stale: s.staleness.stale });
  else if (path === '/readyz') json(ready ? 200 : 503, { ready, state: s.state, active_revision: s.active_revision });
  // `/status` and `/metrics` are the enforcer's own, as every enforcer serves them.
  else statusListener(enforcer)(req, res);
}
