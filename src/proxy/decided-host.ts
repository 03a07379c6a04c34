import type { IrApi } from '../ir/types.js';
import { hostReading } from '../extract/index.js';
import { escape } from '../core/untrusted.js';

/*
 * The upstream executes a request under the host the proxy forwards it with (the `--upstream`
 * origin's, or the tunnel's), never the client's `Host`. So the host a request is decided under
 * must read, for its protocol, exactly as that forwarded host does (`hostReading`): an S3 bucket
 * named by a virtual-hosted client `Host` but not by the forwarded host would be decided for one
 * bucket while the upstream reads another from the path (review finding: DeleteObject in staging
 * decided, DeleteBucket in production executed).
 */

export type DecidedHost = { host: string } | { problem: string; help: string };

/**
 * The host to decide a request for `api` under, given the host the client named (lowercase, no
 * port) and the host name the upstream receives: the client's when the api lists it and it reads
 * as the forwarded one; else the forwarded host when the api lists it; else the first listed host
 * that reads as the forwarded one. A client host that the api lists but that reads otherwise, or
 * an api with no host that reads as the forwarded one, is a problem: nothing is forwarded.
 */
export function decidedHost(api: Pick<IrApi, 'name' | 'protocol' | 'hosts'>, named: string, forwarded: string): DecidedHost {
  const upstream = hostReading(api, forwarded);
  if (upstream === undefined) {
    return {
      problem: `the host the upstream receives, \`${escape(forwarded, 100)}\`, names ${what(api, upstream)}: a request cannot be decided as the call the upstream executes, so nothing is forwarded`,
      help: helpFor(api),
    };
  }
  const listed = api.hosts.find((h) => h.toLowerCase() === named);
  if (listed !== undefined) {
    const client = hostReading(api, named);
    if (client === upstream) return { host: listed };
    return {
      problem: `the request's \`Host\` \`${escape(named, 100)}\` names ${what(api, client)}, but the host the upstream receives, \`${escape(forwarded, 100)}\`, names ${what(api, upstream)}: it would execute another call than the one decided, so nothing is forwarded`,
      help: helpFor(api),
    };
  }
  const same = api.hosts.find((h) => h.toLowerCase() === forwarded) ?? api.hosts.find((h) => hostReading(api, h.toLowerCase()) === upstream);
  if (same !== undefined) return { host: same };
  if (api.hosts.length === 0) return { host: named };
  return {
    problem: `no host of api \`${api.name}\` reads as the upstream's host \`${escape(forwarded, 100)}\` (${what(api, upstream)}): a request cannot be decided as the call the upstream executes, so nothing is forwarded`,
    help: helpFor(api),
  };
}

function what(api: Pick<IrApi, 'protocol'>, reading: string | undefined): string {
  if (reading === undefined) return 'nothing that can be read one way (no endpoint shape known for its protocol)';
  if (api.protocol === 's3') return reading === '' ? 'no bucket (path-style)' : `bucket \`${escape(reading, 100)}\``;
  return reading === '' ? 'nothing' : `\`${escape(reading, 100)}\``;
}

function helpFor(api: Pick<IrApi, 'protocol' | 'name'>): string {
  if (api.protocol === 's3') {
    return `send path-style requests (\`Host: s3.<region>.amazonaws.com\`, the bucket as the first path segment), or point \`--upstream ${api.name}=…\` at the virtual-hosted bucket host the requests name`;
  }
  return `point \`--upstream ${api.name}=…\` at a host that reads requests as the api's hosts do`;
}
