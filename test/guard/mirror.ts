// A Streamable HTTP client that mirrors `x-mcp-header` parameters as the 2026-07-28 client
// behaviour says (streamable-http.mdx, "Client Behavior"): `Mcp-Method`, `Mcp-Name`, and one
// `Mcp-Param-<Name>` per annotated property of the called tool's `inputSchema` that has a value,
// base64-encoded when not plain ASCII. The SDK's own transport sends the request; this is its
// `fetch`. `extra` adds or replaces headers (a client that sends wrong ones).
export interface ListedTool {
  name: string;
  inputSchema: unknown;
}

export interface MirrorState {
  /** The tool definitions the client goes by (what its last `tools/list` said, or a stale copy). */
  tools: ListedTool[];
  extra: Record<string, string>;
}

function annotated(schema: unknown, path: string[] = []): { name: string; path: string[] }[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const own = typeof node['x-mcp-header'] === 'string' && path.length > 0 ? [{ name: node['x-mcp-header'] as string, path }] : [];
  const properties = node['properties'];
  if (typeof properties !== 'object' || properties === null) return own;
  return [...own, ...Object.entries(properties).flatMap(([key, sub]) => annotated(sub, [...path, key]))];
}

function encode(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) && value.trim() === value && !/^=\?base64\?.*\?=$/.test(value) ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

export function mirroringFetch(state: MirrorState): typeof fetch {
  return (async (input: string | URL, init?: RequestInit) => {
    const body =
      typeof init?.body === 'string'
        ? (JSON.parse(init.body) as {
            method?: string;
            params?: { name?: string; arguments?: Record<string, unknown> };
          })
        : null;
    if (body?.method !== 'tools/call') return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('Mcp-Method', 'tools/call');
    headers.set('Mcp-Name', encode(body.params?.name ?? ''));
    const tool = state.tools.find((t) => t.name === body.params?.name);
    for (const { name, path } of annotated(tool?.inputSchema)) {
      let value: unknown = body.params?.arguments ?? {};
      for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') headers.set(`Mcp-Param-${name}`, encode(String(value)));
    }
    for (const [name, value] of Object.entries(state.extra)) headers.set(name, value);
    return fetch(input, { ...init, headers });
  }) as typeof fetch;
}
