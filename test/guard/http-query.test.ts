// Review (bypass round 2, #4): `mcp-guard` in http mode replaced the query the operator pinned on
// `--upstream` (Supabase's `?read_only=true&project_ref=…`) with the client's, on every method,
// undecided. The upstream now gets exactly the configured query, and a client request carrying a
// query of its own is refused (HTTP 400, BG780) before anything reaches the server. Everything
// real: the CLI binary, an SDK server that records each request's target, and the SDK's client.
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_CODES } from '../../src/guard/index.js';
import { CREDENTIAL, SERVER, eventually, executed, guardArgs, guardRepo, requireBuiltCli, startChild, stopChild, type GuardRepo } from './support.js';

const PINNED = '?read_only=true&project_ref=dev-project';
const AUTH = { authorization: `Bearer ${CREDENTIAL}` };
const SELECT = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 9' } } });

let repo: GuardRepo;
let server: ChildProcess;
let guard: ChildProcess;
let guardUrl: string;
let record: string;
let requests: string;

/** The requests the server received: method and target. */
async function received(): Promise<{ method: string; url: string }[]> {
  const text = await readFile(requests, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { method: string; url: string });
}

beforeAll(async () => {
  requireBuiltCli();
  repo = await guardRepo();
  record = path.join(repo.dir, 'query-record.jsonl');
  requests = path.join(repo.dir, 'query-requests.jsonl');
  const up = await startChild(process.execPath, [SERVER, '--record', record, '--http', '0', '--requests', requests], /listening (\S+)/);
  server = up.child;
  const g = await startChild(process.execPath, guardArgs(repo, ['--listen', '127.0.0.1:0', '--upstream', `${up.match[1]!}${PINNED}`]), /at (http:\/\/\S+)/, 'stderr');
  guard = g.child;
  guardUrl = g.match[1]!;
}, 120_000);

afterAll(async () => {
  if (guard !== undefined) await stopChild(guard);
  if (server !== undefined) await stopChild(server);
});

describe('mcp-guard over streamable http: the upstream url query', () => {
  it('the SDK client sends no query of its own: POST, its GET stream and DELETE all reach the server with the pinned query', async () => {
    expect(new URL(guardUrl).search).toBe('');
    const transport = new StreamableHTTPClientTransport(new URL(guardUrl), { requestInit: { headers: AUTH } });
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(transport);
    const result = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 1' } });
    expect(result.isError).not.toBe(true);
    // The client opens its GET stream after `notifications/initialized`, without waiting for it.
    await eventually(async () => (await received()).some((r) => r.method === 'GET'));
    await transport.terminateSession();
    await client.close();
    const all = await received();
    expect([...new Set(all.map((r) => r.method))].sort()).toEqual(['DELETE', 'GET', 'POST']);
    expect(all.filter((r) => r.url !== `/mcp${PINNED}`)).toEqual([]);
  }, 60_000);

  it.each(['POST', 'GET', 'DELETE'])('%s with a client query is refused 400 (BG780), as a json-rpc error, and reaches nothing', async (method) => {
    const before = (await received()).length;
    const ran = (await executed(record)).length;
    const headers: Record<string, string> = { ...AUTH, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': 'any-session' };
    if (method === 'POST') headers['content-type'] = 'application/json';
    const res = await fetch(`${guardUrl}?project_ref=prod-project&read_only=false`, { method, headers, ...(method === 'POST' ? { body: SELECT } : {}) });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = JSON.parse(text) as { jsonrpc: string; id: unknown; error: { code: number; message: string; data: { code: string } } };
    expect(body.jsonrpc).toBe('2.0');
    expect(body.id).toBeNull();
    expect(body.error.data.code).toBe(GUARD_CODES.clientQuery);
    // Parameter names are shown, never their values (a query value may be a credential).
    expect(body.error.message).toContain('`project_ref`');
    expect(body.error.message).not.toContain('prod-project');
    expect((await received()).length).toBe(before);
    expect((await executed(record)).length).toBe(ran);
  });

  it('an SDK client configured with a query of its own is refused at connect, with the code', async () => {
    const before = (await received()).length;
    const transport = new StreamableHTTPClientTransport(new URL(`${guardUrl}?project_ref=prod-project`), { requestInit: { headers: AUTH } });
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await expect(client.connect(transport)).rejects.toThrow(GUARD_CODES.clientQuery);
    await client.close();
    expect((await received()).length).toBe(before);
  }, 60_000);

  it('an empty query (`/mcp?`) carries nothing: relayed with the pinned query', async () => {
    const before = (await received()).length;
    const res = await fetch(`${guardUrl}?`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }) });
    await res.text();
    expect(res.status).toBe(200);
    expect((await received()).slice(before)).toEqual([{ method: 'POST', url: `/mcp${PINNED}` }]);
  });
});
