import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { LoadedDocument } from '../../load/types.js';
import { placeOf } from '../context.js';
import type { ValidationRule } from '../context.js';

/**
 * A request is given to an API by its host. Several APIs may share a host (GitHub's REST and
 * GraphQL APIs are both `api.github.com`) only when the path tells them apart: each GraphQL or MCP
 * API there has its own `endpoint`, and at most one API takes the other paths (an `http` API,
 * routed by its operations, or one without `endpoint`). Otherwise which API a call is decided by
 * would depend on declaration order.
 */
export const sharedHost: ValidationRule = {
  name: 'shared-host',
  codes: [VALIDATION_CODES.sharedHost],
  check({ apis }) {
    const out: Diagnostic[] = [];
    const byHost = new Map<string, { api: LoadedDocument<'Api'>; index: number }[]>();
    for (const api of apis.values()) {
      api.value.spec.hosts.forEach((host, index) => {
        const key = host.toLowerCase();
        byHost.set(key, [...(byHost.get(key) ?? []), { api, index }]);
      });
    }
    for (const [host, claims] of byHost) {
      let fallback: (typeof claims)[number] | undefined;
      const endpoints = new Map<string, (typeof claims)[number]>();
      for (const claim of claims) {
        const endpoint = routingEndpoint(claim.api);
        const earlier = endpoint === null ? fallback : endpoints.get(endpoint);
        if (earlier === undefined) {
          if (endpoint === null) fallback = claim;
          else endpoints.set(endpoint, claim);
          continue;
        }
        const why = endpoint === null ? 'neither is routed by an `endpoint` of its own' : `both have endpoint \`${endpoint}\``;
        out.push(
          diagnostic(
            VALIDATION_CODES.sharedHost,
            `host \`${host}\` is claimed by apis \`${earlier.api.name}\` and \`${claim.api.name}\`, and ${why}`,
            claim.api.locate(['spec', 'hosts', claim.index]),
            `\`${earlier.api.name}\` claims it at ${placeOf(earlier.api, ['spec', 'hosts', earlier.index])}; give each graphql or mcp api its own \`endpoint\`, and leave at most one api on the host without one`,
          ),
        );
      }
    }
    return out;
  },
};

/** The path that routes calls to this API on a shared host; null when it takes every other path. */
function routingEndpoint(api: LoadedDocument<'Api'>): string | null {
  const { protocol, endpoint } = api.value.spec;
  if ((protocol !== 'graphql' && protocol !== 'mcp') || endpoint === undefined) return null;
  return endpoint.length > 1 ? endpoint.replace(/\/+$/, '') : endpoint;
}
