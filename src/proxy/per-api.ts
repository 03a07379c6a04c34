import type { IrApi } from '../ir/types.js';
import { decidedHost, type DecidedHost } from './decided-host.js';
import { forwardedHostname, type Upstream } from './upstream.js';

/*
 * What the handler works out once per api object rather than once per request: a catalog that
 * activates brings other api objects, which start each of these again.
 */

/** Hosts a request's `Host` may name per upstream before the cache of one upstream starts again. */
const MAX_NAMED_HOSTS = 256;

/** What a request's `Host` header names and the host it is decided under. */
export interface NamedHost {
  /** The host name the header names: lowercase, without its port. */
  named: string;
  decided: DecidedHost;
}

/**
 * `decidedHost` for a request's `Host` header (the raw value, port included), kept per upstream
 * and the api object it was worked out for: it depends on nothing else, and a catalog that
 * activates brings other api objects, which start the cache again. A client naming ever new hosts
 * only restarts its upstream's cache.
 */
export function decidedHosts(): (api: IrApi, upstream: Upstream, host: string) => NamedHost {
  const byUpstream = new WeakMap<Upstream, { api: IrApi; forwarded: string; byHost: Map<string, NamedHost> }>();
  return (api, upstream, host) => {
    let known = byUpstream.get(upstream);
    if (known === undefined || known.api !== api) byUpstream.set(upstream, (known = { api, forwarded: forwardedHostname(upstream), byHost: new Map() }));
    let entry = known.byHost.get(host);
    if (entry === undefined) {
      const named = host.replace(/:\d+$/, '').toLowerCase();
      entry = { named, decided: decidedHost(api, named, known.forwarded) };
      if (known.byHost.size >= MAX_NAMED_HOSTS) known.byHost.clear();
      known.byHost.set(host, entry);
    }
    return entry;
  };
}

const reads = new WeakMap<IrApi, ReadonlySet<string>>();

/** The api's operations catalogued as reads, worked out once per api object. */
export function readsOf(api: IrApi): ReadonlySet<string> {
  let set = reads.get(api);
  if (set === undefined) reads.set(api, (set = new Set(api.operations.filter((o) => o.class === 'read').map((o) => o.name))));
  return set;
}
