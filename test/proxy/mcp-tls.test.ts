// Issue 11: the MCP relay of `blastguard proxy` reached https upstreams with Node's own roots,
// ignoring `--upstream-ca` (the trust anchors every other upstream of the proxy uses). An SDK
// server over TLS on loopback, with a certificate from a throw-away CA, behind the reverse proxy.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_CODES } from '../../src/guard/index.js';
import { REPO } from '../helpers/cli.js';
import { mirroringFetch, type MirrorState } from '../guard/mirror.js';
import { executed, startChild, stopChild } from '../guard/support.js';
import { loopbackTls } from '../guard/tls.js';
import { startProxy, type Harness } from './support.js';

const HEADER_SERVER = path.join(REPO, 'test', 'guard', 'fixtures', 'header-server.mjs');
const AUTH = { authorization: 'Bearer fake-supabase-mcp-support-agent-token' };

describe('an https MCP upstream behind blastguard proxy', () => {
  let dir: string;
  let record: string;
  let server: ChildProcess;
  let trusting: Harness;
  let plain: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bg-proxy-mcp-tls-'));
    const tls = await loopbackTls(dir);
    record = path.join(dir, 'record.jsonl');
    const up = await startChild(process.execPath, [HEADER_SERVER, '--record', record, '--http', '0', '--tls-key', tls.keyFile, '--tls-cert', tls.certFile], /listening (\S+)/);
    server = up.child;
    const origin = new URL(up.match[1]!).origin;
    trusting = await startProxy([{ api: 'supabase-mcp', url: origin }], { upstreamCa: tls.caPem });
    plain = await startProxy([{ api: 'supabase-mcp', url: origin }]);
  }, 120_000);
  afterAll(async () => {
    await trusting?.close();
    await plain?.close();
    if (server !== undefined) await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('trusts the --upstream-ca anchors, and pairs Mcp-Param headers by the tools it relayed', async () => {
    const state: MirrorState = { tools: [], extra: {} };
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${trusting.proxy.url}/mcp`), { requestInit: { headers: AUTH }, fetch: mirroringFetch(state) }));
    try {
      state.tools = (await client.listTools()).tools;
      const call = { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 1', target: { region: 'eu' } } };
      const result = await client.callTool(call);
      expect((result.content as { text: string }[])[0]!.text).toBe('ran: SELECT 1');
      state.extra = { 'Mcp-Param-Project': 'proj-2' };
      await expect(client.callTool({ ...call, arguments: { ...call.arguments, query: 'SELECT 2' } })).rejects.toMatchObject({ code: 400, message: expect.stringContaining(GUARD_CODES.headerMismatch) });
      expect((await executed(record)).map((c) => c.query)).toEqual(['SELECT 1']);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('without the anchors the upstream is not trusted: 502 BG765, verification never off', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    const res = await fetch(`${plain.proxy.url}/mcp`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { data: { code: GUARD_CODES.upstreamFailed } } });
  }, 60_000);
});
