// Review (bypass round 2, #4): the MCP relay in `blastguard proxy` dropped the query of the
// operator's `--upstream` url (Supabase's `?read_only=true&project_ref=…`) and forwarded the
// client's, undecided. The upstream now gets the configured query on every request (reverse and
// `--forward` override), and a client query is refused (HTTP 400, BG780) before anything is sent.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_CODES } from '../../src/guard/index.js';
import { SERVER, eventually, executed, startChild, stopChild } from '../guard/support.js';
import { startForwardRig, through, type ForwardRig } from './forward/mode-rig.js';
import { send } from './send.js';
import { startProxy, type Harness } from './support.js';

const PINNED = '?read_only=true&project_ref=dev-project';
const AUTH = { authorization: 'Bearer fake-supabase-mcp-support-agent-token' };
const JSON_HEADERS = { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const SELECT = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 9' } } });
const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

describe('MCP relay in blastguard proxy: the upstream url query', () => {
  let dir: string;
  let record: string;
  let requests: string;
  let server: ChildProcess;
  let harness: Harness;
  let rig: ForwardRig;
  const received = (): { method: string; url: string }[] =>
    existsSync(requests)
      ? readFileSync(requests, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { method: string; url: string })
      : [];
  const refusedCode = (text: string): unknown => (JSON.parse(text) as { error?: { data?: { code?: unknown } } }).error?.data?.code;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bg-proxy-mcp-query-'));
    record = path.join(dir, 'record.jsonl');
    requests = path.join(dir, 'requests.jsonl');
    const up = await startChild(process.execPath, [SERVER, '--record', record, '--http', '0', '--requests', requests], /listening (\S+)/);
    server = up.child;
    const upstream = `${new URL(up.match[1]!).origin}/${PINNED}`;
    harness = await startProxy([{ api: 'supabase-mcp', url: upstream }]);
    rig = await startForwardRig([{ api: 'supabase-mcp', url: upstream }]);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await rig?.close();
    if (server !== undefined) await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reverse mode: an SDK client session (POST, GET stream, DELETE) reaches the server with the configured query', async () => {
    const before = received().length;
    const transport = new StreamableHTTPClientTransport(new URL(`${harness.proxy.url}/mcp`), { requestInit: { headers: AUTH } });
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(transport);
    const select = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 1' } });
    expect(select.isError).not.toBe(true);
    await eventually(async () => received().slice(before).some((r) => r.method === 'GET'));
    await transport.terminateSession();
    await client.close();
    const session = received().slice(before);
    expect([...new Set(session.map((r) => r.method))].sort()).toEqual(['DELETE', 'GET', 'POST']);
    expect(session.filter((r) => r.url !== `/mcp${PINNED}`)).toEqual([]);
  }, 60_000);

  it.each(['POST', 'GET', 'DELETE'])('reverse mode: %s with a client query is refused 400 (BG780) and reaches nothing', async (method) => {
    const before = received().length;
    const ran = (await executed(record)).length;
    const decided = harness.decided.length;
    const res = await send(harness.proxy.url, { method, path: '/mcp?project_ref=prod-project&read_only=false', ...(method === 'POST' ? { body: SELECT } : {}), headers: { ...JSON_HEADERS, 'mcp-session-id': 's' } });
    expect(res.status, res.text).toBe(400);
    expect(refusedCode(res.text)).toBe(GUARD_CODES.clientQuery);
    expect(received().length).toBe(before);
    expect((await executed(record)).length).toBe(ran);
    expect(harness.decided).toHaveLength(decided);
  });

  it('forward mode (upstream override): the configured query is sent, a client query refused', async () => {
    const before = received().length;
    const ok = await through(rig, 'mcp.supabase-like.example', '/mcp', { method: 'POST', body: INITIALIZE, headers: JSON_HEADERS });
    expect(ok.status, ok.body).toBe(200);
    expect(received().slice(before)).toEqual([{ method: 'POST', url: `/mcp${PINNED}` }]);
    const refused = await through(rig, 'mcp.supabase-like.example', '/mcp?project_ref=prod-project', { method: 'POST', body: INITIALIZE, headers: JSON_HEADERS });
    expect(refused.status, refused.body).toBe(400);
    expect(refusedCode(refused.body)).toBe(GUARD_CODES.clientQuery);
    expect(received().slice(before)).toHaveLength(1);
  }, 60_000);
});
