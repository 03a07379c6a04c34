import { quote } from '../../core/untrusted.js';

/**
 * Why a request to the MCP endpoint may not carry a query string, or null when it carries none
 * (`/mcp`, or `/mcp?` with nothing after it).
 *
 * Streamable HTTP (2025-11-25, 2026-07-28) puts nothing in the endpoint's query: sessions travel in
 * `Mcp-Session-Id`, resumption in `Last-Event-ID`, and the SDK client sends the url it was given.
 * Servers do read their own configuration there (Supabase's `project_ref`, `read_only`,
 * `features`), which the operator pins on the upstream url; a client's query, undecided, would
 * replace or widen it. The upstream gets the configured query only, and a client query is refused.
 */
export function clientQueryProblem(target: string): string | null {
  const at = target.indexOf('?');
  if (at === -1 || at === target.length - 1) return null;
  // Names only: a query value may be a pasted credential, and the message reaches the guard's log.
  const names = [...new Set([...new URLSearchParams(target.slice(at + 1)).keys()])];
  const shown = names.slice(0, 5).map((n) => quote(n, 'key', 'a parameter'));
  const more = names.length > 5 ? ` and ${names.length - 5} more` : '';
  return `the request url carries a query string (${shown.length === 0 ? 'no named parameter' : shown.join(', ')}${more}); the upstream gets exactly the query configured for it, so a client's own query is refused`;
}
