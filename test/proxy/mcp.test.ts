// Review of 3bb7baa (legitimate traffic item 6): an MCP api behind `blastguard proxy` (or
// intercepted by `--forward`) could not start a session: `initialize` and
// `notifications/initialized` were decided as operations (`token:scope`), GET (the SSE stream) and
// DELETE (the session's end) refused `input:invalid`. The proxy now relays MCP apis with the
// mcp-guard's own code: protocol methods, GET and DELETE pass, only `tools/call` is decided.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECISION_META_KEY } from '../../src/guard/index.js';
import { SERVER, executed, startChild, stopChild } from '../guard/support.js';
import { startForwardRig, through, type ForwardRig } from './forward/mode-rig.js';
import { startProxy, type Harness } from './support.js';

const TOKEN = 'fake-supabase-mcp-support-agent-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('MCP apis through blastguard proxy', () => {
  let dir: string;
  let record: string;
  let server: ChildProcess;
  let origin: string;
  let harness: Harness;
  let rig: ForwardRig;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bg-proxy-mcp-'));
    record = path.join(dir, 'record.jsonl');
    const up = await startChild(process.execPath, [SERVER, '--record', record, '--http', '0'], /listening (\S+)/);
    server = up.child;
    origin = new URL(up.match[1]!).origin;
    harness = await startProxy([{ api: 'supabase-mcp', url: origin }]);
    rig = await startForwardRig([{ api: 'supabase-mcp', url: origin }]);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await rig?.close();
    if (server !== undefined) await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reverse mode: the SDK client starts a session, lists tools, runs a SELECT, is denied a DROP, and ends the session', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${harness.proxy.url}/mcp`), { requestInit: { headers: AUTH } });
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(transport);
    expect(transport.sessionId).toBeDefined();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['execute_sql', 'list_tables']);
    const select = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT id FROM tickets' } });
    expect(select.isError).not.toBe(true);
    const drop = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'DROP TABLE users' } });
    expect(drop.isError).toBe(true);
    expect((drop._meta as Record<string, { rule: string }>)[DECISION_META_KEY]!.rule).toBe('supabase-mcp-agents/agent-sql-is-read-only');
    const ran = await executed(record);
    expect(ran.some((c) => c.query === 'SELECT id FROM tickets')).toBe(true);
    expect(ran.some((c) => c.query === 'DROP TABLE users')).toBe(false);
    // Only the tool calls were decided: initialize, notifications and tools/list passed undecided.
    expect(harness.decided).toHaveLength(2);
    await transport.terminateSession();
    expect(transport.sessionId).toBeUndefined();
    await client.close();
  }, 60_000);

  it('forward mode: `initialize` inside the intercepted tunnel reaches the server', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    const res = await through(rig, 'mcp.supabase-like.example', '/mcp', { method: 'POST', body, headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } });
    expect(res.status, res.body).toBe(200);
    expect(res.headers['mcp-session-id']).toBeDefined();
    expect(res.body).toContain('"serverInfo"');
    expect(rig.decided).toHaveLength(0);
  }, 60_000);
});
