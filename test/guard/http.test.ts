import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL, SERVER, executed, guardArgs, guardRepo, requireBuiltCli, startChild, stopChild, type GuardRepo } from './support.js';

// The guard in front of a Streamable HTTP MCP server (both real: the CLI binary and an SDK server,
// each a child process on loopback), spoken to by the SDK's own HTTP client and by raw requests.
let repo: GuardRepo;
let server: ChildProcess;
let guard: ChildProcess;
let guardUrl: string;
let record: string;
let client: Client;
let transport: StreamableHTTPClientTransport;

const AUTH = { authorization: `Bearer ${CREDENTIAL}` };
const call = (id: number, query: string): Record<string, unknown> => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query } } });

beforeAll(async () => {
  requireBuiltCli();
  repo = await guardRepo();
  record = path.join(repo.dir, 'http-record.jsonl');
  const up = await startChild(process.execPath, [SERVER, '--record', record, '--http', '0'], /listening (\S+)/);
  server = up.child;
  const g = await startChild(process.execPath, guardArgs(repo, ['--listen', '127.0.0.1:0', '--upstream', up.match[1]!]), /at (http:\/\/\S+)/, 'stderr');
  guard = g.child;
  guardUrl = g.match[1]!;
  transport = new StreamableHTTPClientTransport(new URL(guardUrl), { requestInit: { headers: AUTH } });
  client = new Client({ name: 'agent', version: '1.0.0' }, { capabilities: { roots: {} } });
  client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work/support-app', name: 'support-app' }] }));
  await client.connect(transport);
}, 120_000);

afterAll(async () => {
  await client?.close();
  if (guard !== undefined) await stopChild(guard);
  if (server !== undefined) await stopChild(server);
});

/** A POST as a 2025-11-25 client in the SDK client's session sends it. */
function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  const all: Record<string, string> = { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': transport.sessionId ?? '', ...headers };
  // An empty value leaves the header out (a request opening a new session).
  return fetch(guardUrl, { method: 'POST', headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== '')), body });
}

/** The JSON-RPC messages of a response, whether one JSON body or an SSE stream. */
async function messages(response: Response): Promise<{ id?: unknown; result?: { isError?: boolean; resultType?: string; content?: { text: string }[] }; error?: { code: number; data?: { code: string } } }[]> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    return text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
  }
  const value = JSON.parse(text);
  return Array.isArray(value) ? value : [value];
}

describe('mcp-guard over streamable http with the SDK client', () => {
  it('lists the tools (passed through)', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['execute_sql', 'list_tables']);
  });

  it('refuses DROP TABLE with an isError result naming the rule; the server never runs it', async () => {
    const result = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'DROP TABLE users' } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toContain('rule `supabase-mcp-agents/agent-sql-is-read-only`');
    expect((await executed(record)).some((c) => c.query === 'DROP TABLE users')).toBe(false);
  });

  it('streams a SELECT with its progress notifications', async () => {
    const progress: number[] = [];
    const result = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT id FROM tickets' } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect((result.content as { text: string }[])[0]!.text).toBe('ran: SELECT id FROM tickets');
    expect(progress).toEqual([1, 2]);
  });

  it("passes the server's request to the client (roots) and the client's answer back", async () => {
    const result = await client.callTool({ name: 'list_tables', arguments: { project_id: 'proj-1' } });
    expect((result.content as { text: string }[])[0]!.text).toBe('tables: users, tickets; roots: file:///work/support-app');
  });

  it('serves /healthz, /readyz and /metrics from the enforcer on its own port', async () => {
    const base = new URL(guardUrl);
    expect((await fetch(new URL('/healthz', base))).status).toBe(200);
    expect(await (await fetch(new URL('/readyz', base))).json()).toMatchObject({ ready: true });
    expect(await (await fetch(new URL('/metrics', base))).text()).toMatch(/blastguard_/);
  });
});

describe('mcp-guard over streamable http, raw requests', () => {
  it('decides each element of a batch, forwards the allowed ones and returns every answer', async () => {
    const response = await post(JSON.stringify([call(41, 'DROP TABLE tickets'), call(42, 'SELECT 2')]));
    expect(response.status).toBe(200);
    const answers = await messages(response);
    expect(answers.map((a) => a.id).sort()).toEqual([41, 42]);
    expect(answers.find((a) => a.id === 41)!.result!.isError).toBe(true);
    expect(answers.find((a) => a.id === 42)!.result!.content![0]!.text).toBe('ran: SELECT 2');
    // A batch the guard answers alone never reaches the server, and comes back in order.
    const alone = await post(JSON.stringify([call(43, 'DROP TABLE a'), call(44, 'TRUNCATE b')]));
    expect((await messages(alone)).map((a) => [a.id, a.result?.isError])).toEqual([
      [43, true],
      [44, true],
    ]);
    const ran = (await executed(record)).map((c) => c.query);
    expect(ran).toContain('SELECT 2');
    expect(ran.filter((q) => q !== undefined && /DROP|TRUNCATE/.test(q))).toEqual([]);
  });

  it('refuses a 2026-07-28 request whose Mcp-Name disagrees with the body (HTTP 400), and decides one that agrees', async () => {
    const body = JSON.stringify(call(45, 'DROP TABLE users'));
    const mismatch = await post(body, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'list_tables' });
    expect(mismatch.status).toBe(400);
    expect((await messages(mismatch))[0]).toMatchObject({ error: { code: -32600, data: { code: 'BG763' } } });
    const agreeing = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 46, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'DROP TABLE users' }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql' },
    );
    expect(agreeing.status).toBe(200);
    expect((await messages(agreeing))[0]).toMatchObject({ id: 46, result: { isError: true, resultType: 'complete' } });
  });

  it('compares an Mcp-Param-* header with the argument it mirrors, for an SDK client that mirrors `project_id`', async () => {
    // The SDK's own client and transport; its fetch adds the header a client adds for a parameter
    // whose schema says `"x-mcp-header": "Project_Id"` (here with a value the test may replace).
    let mirror: { name: string; value: (args: Record<string, unknown>) => string } = { name: 'Mcp-Param-Project_Id', value: (args) => String(args['project_id']) };
    const mirroring = (async (input: string | URL, init?: RequestInit) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string; params?: { name?: string; arguments?: Record<string, unknown> } }) : null;
      if (body?.method !== 'tools/call') return fetch(input, init);
      const headers = new Headers(init?.headers);
      headers.set('Mcp-Method', 'tools/call');
      headers.set('Mcp-Name', body.params?.name ?? '');
      headers.set(mirror.name, mirror.value(body.params?.arguments ?? {}));
      return fetch(input, { ...init, headers });
    }) as typeof fetch;
    const own = new StreamableHTTPClientTransport(new URL(guardUrl), { requestInit: { headers: AUTH }, fetch: mirroring });
    const agent = new Client({ name: 'mirroring-agent', version: '1.0.0' });
    await agent.connect(own);
    try {
      const select = { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 3' } };
      expect(((await agent.callTool(select)).content as { text: string }[])[0]!.text).toBe('ran: SELECT 3');
      // Another project than the argument, or another argument's value: refused before the server.
      mirror = { name: 'Mcp-Param-Project_Id', value: () => 'proj-2' };
      await expect(agent.callTool({ ...select, arguments: { ...select.arguments, query: 'SELECT 4' } })).rejects.toMatchObject({ code: 400, message: expect.stringContaining('BG763') });
      mirror = { name: 'Mcp-Param-Project_Id', value: (args) => String(args['query']) };
      await expect(agent.callTool({ ...select, arguments: { ...select.arguments, query: 'SELECT 5' } })).rejects.toMatchObject({ code: 400, message: expect.stringContaining('BG763') });
      // A header named after no argument: the guard cannot tell what a server compares it with.
      mirror = { name: 'Mcp-Param-Project', value: (args) => String(args['project_id']) };
      await expect(agent.callTool({ ...select, arguments: { ...select.arguments, query: 'SELECT 6' } })).rejects.toMatchObject({ code: 400, message: expect.stringContaining('BG734') });
      const ran = (await executed(record)).map((c) => c.query);
      expect(ran).toContain('SELECT 3');
      expect(ran.filter((q) => q === 'SELECT 4' || q === 'SELECT 5' || q === 'SELECT 6')).toEqual([]);
    } finally {
      await agent.close();
    }
  });

  it('fails closed on what it cannot read', async () => {
    const broken = await post('{"jsonrpc":"2.0","id":47,"method":"tools/call",');
    expect(broken.status).toBe(400);
    expect((await messages(broken))[0]).toMatchObject({ id: null, error: { code: -32700, data: { code: 'BG762' } } });
    const twice = await post('{"jsonrpc":"2.0","id":48,"method":"tools/call","params":{"name":"execute_sql","arguments":{"project_id":"p","query":"SELECT 1","query":"DROP TABLE users"}}}');
    expect(twice.status).toBe(400);
    const form = await post(JSON.stringify(call(49, 'SELECT 1')), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect((await messages(form))[0]).toMatchObject({ error: { data: { code: 'BG764' } } });
    expect((await executed(record)).some((c) => c.query === 'DROP TABLE users')).toBe(false);
  });

  it("passes a session's GET stream and its DELETE, with Mcp-Session-Id", async () => {
    const init = await post(JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }), { 'mcp-session-id': '' });
    const id = init.headers.get('mcp-session-id') ?? '';
    expect(id).toMatch(/\S/);
    expect((await messages(init))[0]).toMatchObject({ id: 'init', result: { protocolVersion: '2025-11-25' } });
    expect((await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), { 'mcp-session-id': id })).status).toBe(202);
    const controller = new AbortController();
    const stream = await fetch(guardUrl, { headers: { ...AUTH, accept: 'text/event-stream', 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': id }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
    const gone = await fetch(guardUrl, { method: 'DELETE', headers: { ...AUTH, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' } });
    expect(gone.status).toBe(200);
    const after = await post(JSON.stringify({ jsonrpc: '2.0', id: 50, method: 'tools/list' }), { 'mcp-session-id': id });
    expect(after.status).toBe(404);
  });
});
