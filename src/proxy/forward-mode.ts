import type { AddressInfo } from 'node:net';
import type { Enforcer } from '../enforce/index.js';
import { FORWARD_CODES, createForwardProxy, hostsOutsideCa, requireCaCoversHosts, type ForwardEvent, type ForwardLimits, type LocalCa } from './forward/index.js';
import { sendProblem } from './denial.js';
import { PROXY_CODES } from './codes.js';
import { answerFailure, createRequestHandler, type ProxyHandlerOptions } from './handler.js';
import type { Dispatcher } from 'undici';
import { upstreamPool, type Upstream } from './upstream.js';

export interface ForwardModeOptions extends Omit<ProxyHandlerOptions, 'enforcer'> {
  enforcer: Pick<Enforcer, 'decide' | 'catalog'>;
  /** The local CA that issues certificates for intercepted hosts (`proxy ca init`). */
  ca: LocalCa;
  /** Hosts tunnelled blind (`host` or `host:port`); hosts of declared apis are never tunnelled. */
  allowTunnel?: readonly string[];
  /**
   * Where an api's intercepted calls go instead of the host the client named (`--upstream
   * API=URL`): a mirror, a loopback test server. Without one, calls go to the host itself.
   */
  upstreams?: readonly { api: string; url: string }[];
  /** Extra trust anchors for upstream TLS (PEM); verification is never turned off. */
  upstreamCa?: string | Buffer;
  /** Where blind tunnels connect (tests point them at loopback); default: the host asked for. */
  resolveTunnel?: (host: string, port: number) => { host: string; port: number };
  forwardLimits?: Partial<ForwardLimits>;
  onEvent?: (event: ForwardEvent) => void;
  host?: string;
  port: number;
}

export interface ForwardModeProxy {
  url: string;
  address(): AddressInfo | null;
  /** Stops the proxy; with a grace (ms), requests in flight may finish first. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Forward-proxy mode (`blastguard proxy --forward`): clients that honour `HTTPS_PROXY` tunnel to
 * the api hosts, the tunnel is intercepted with a certificate from the local CA, and each
 * decrypted request goes through the same decide-and-forward handler as the reverse proxy. Which
 * hosts are intercepted follows the active bundle's catalog, so a bundle that declares a new api
 * host starts intercepting it without a restart.
 */
export async function startForwardMode(options: ForwardModeOptions): Promise<ForwardModeProxy> {
  // A host the CA may not sign for could never be intercepted: refuse to start rather than fail each handshake.
  requireCaCoversHosts(options.ca, options.enforcer.catalog()?.apis.flatMap((a) => a.hosts) ?? []);
  const handle = createRequestHandler(options);
  const overrides = new Map((options.upstreams ?? []).map((u) => [u.api, new URL(u.url)]));
  const pools = new Map<string, Dispatcher>();
  const poolFor = (origin: URL): Dispatcher => {
    let pool = pools.get(origin.origin);
    if (pool === undefined) {
      pool = upstreamPool(origin, options.upstreamCa === undefined ? {} : { ca: options.upstreamCa });
      pools.set(origin.origin, pool);
    }
    return pool;
  };
  // One upstream object per api and origin, as the reverse proxy keeps one per `--upstream`: what
  // the handler works out per upstream object (the forwarded host, the decided hosts) is then
  // worked out once, not for every request of a tunnel.
  const upstreams = new Map<string, Upstream>();
  const upstreamFor = (api: string, host: string, port: number): Upstream => {
    const override = overrides.get(api);
    const href = override?.href ?? `https://${host}${port === 443 ? '' : `:${port}`}`;
    const key = `${api} ${href}`;
    let upstream = upstreams.get(key);
    if (upstream === undefined) {
      const origin = override ?? new URL(href);
      upstream = { api, origin, pool: poolFor(origin) };
      if (upstreams.size >= MAX_UPSTREAMS) upstreams.clear();
      upstreams.set(key, upstream);
    }
    return upstream;
  };
  const apiOfHost = (host: string): string | undefined => options.enforcer.catalog()?.apis.find((a) => a.hosts.some((h) => h.toLowerCase() === host))?.name;
  const proxy = createForwardProxy({
    ca: options.ca,
    intercept: (host) => apiOfHost(host) !== undefined,
    ...(options.allowTunnel === undefined ? {} : { allowTunnel: options.allowTunnel }),
    ...(options.resolveTunnel === undefined ? {} : { resolveTunnel: options.resolveTunnel }),
    ...(options.forwardLimits === undefined ? {} : { limits: options.forwardLimits }),
    ...(options.onEvent === undefined ? {} : { onEvent: caAwareEvents(options.ca, options.onEvent) }),
    handler: (req, res, target) => {
      const api = apiOfHost(target.host);
      // The catalog changed between the handshake and this request: nothing is forwarded.
      if (api === undefined) return sendProblem(res, 421, PROXY_CODES.noUpstream, `host \`${target.host}\` belongs to no api of the active catalog`);
      handle(req, res, upstreamFor(api, target.host, target.port), answerFailure);
      return undefined;
    },
  });
  const address = await proxy.listen(options.port, options.host ?? '127.0.0.1');
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    address: () => proxy.address(),
    close: async (graceMs) => {
      await proxy.close(graceMs);
      await Promise.all([...pools.values()].map((p) => p.destroy()));
    },
  };
}

/** Upstream objects kept (api and origin) before the cache starts again: a client may name any port. */
const MAX_UPSTREAMS = 256;

/**
 * A bundle activated after start-up may declare a host the CA may not sign for: its handshakes
 * fail however the client trusts the CA, so such a failure is reported as the CA's constraint
 * (BG777), not as a client that does not trust the CA.
 */
function caAwareEvents(ca: LocalCa, onEvent: (event: ForwardEvent) => void): (event: ForwardEvent) => void {
  return (event) => {
    if (event.code === FORWARD_CODES.handshakeFailed && event.host !== undefined && hostsOutsideCa(ca, [event.host]).length > 0) {
      onEvent({
        code: FORWARD_CODES.caNameConstraints,
        message: `the tls handshake for \`${event.host}\` failed: the local CA may not sign for it (its \`--permit\` name constraints); recreate the CA with the host permitted`,
        host: event.host,
      });
      return;
    }
    onEvent(event);
  };
}

