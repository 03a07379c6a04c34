// Issue 11, MCP guard gaps: `x-mcp-header` names that differ from the argument's (learnt from the
// `tools/list` results the guard relays, forgotten on `tools/list_changed`), and an https upstream
// trusted through `--upstream-ca`. The CLI binary and SDK servers (fixtures/header-server.mjs) run
// as child processes on loopback; the SDK client speaks to the guard, mirroring the headers its
// listed tools declare (mirror.ts).
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_CODES } from '../../src/guard/index.js';
import { REPO, runCli } from '../helpers/cli.js';
import { mirroringFetch, type ListedTool, type MirrorState } from './mirror.js';
import { CREDENTIAL, eventually, executed, guardArgs, guardRepo, requireBuiltCli, startChild, stopChild, type GuardRepo } from './support.js';
import { loopbackTls, type TestTls } from './tls.js';

export const HEADER_SERVER = path.join(REPO, 'test', 'guard', 'fixtures', 'header-server.mjs');
const AUTH = { authorization: `Bearer ${CREDENTIAL}` };

/** The definitions a client may hold from elsewhere (a cache): the guard has not relayed them. */
const KNOWN_TOOLS: ListedTool[] = [
  {
    name: 'execute_sql',
    inputSchema: {
      type: 'object',
      properties: {
        project_id: { type: 'string', 'x-mcp-header': 'Project' },
        query: { type: 'string' },
        target: {
          type: 'object',
          properties: { region: { type: 'string', 'x-mcp-header': 'Region' } },
        },
      },
    },
  },
];

let repo: GuardRepo;
let tls: TestTls;
const children: ChildProcess[] = [];
const records: Record<'sse' | 'json' | 'tls', string> = {
  sse: '',
  json: '',
  tls: '',
};
const urls: Record<'sse' | 'json' | 'tls' | 'untrusted', string> = {
  sse: '',
  json: '',
  tls: '',
  untrusted: '',
};
const clients: Client[] = [];

async function server(kind: 'sse' | 'json' | 'tls', extra: string[]): Promise<string> {
  records[kind] = path.join(repo.dir, `headers-${kind}.jsonl`);
  const up = await startChild(process.execPath, [HEADER_SERVER, '--record', records[kind], '--http', '0', ...extra], /listening (\S+)/);
  children.push(up.child);
  return up.match[1]!;
}

async function guardFor(upstream: string, extra: string[] = []): Promise<string> {
  const g = await startChild(process.execPath, guardArgs(repo, ['--listen', '127.0.0.1:0', '--upstream', upstream, ...extra]), /at (http:\/\/\S+)/, 'stderr');
  children.push(g.child);
  return g.match[1]!;
}

async function agent(url: string, state: MirrorState, headers: Record<string, string> = AUTH): Promise<Client> {
  const client = new Client({ name: 'mirroring-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers },
      fetch: mirroringFetch(state),
    }),
  );
  clients.push(client);
  return client;
}

const text = (result: unknown): string => ((result as { content?: { text: string }[] }).content ?? [])[0]?.text ?? '';
const sql = (query: string, more: Record<string, unknown> = {}): { name: string; arguments: Record<string, unknown> } => ({
  name: 'execute_sql',
  arguments: { project_id: 'proj-1', query, target: { region: 'eu' }, ...more },
});
const refused = (code: string): Record<string, unknown> => ({
  code: 400,
  message: expect.stringContaining(code),
});

beforeAll(async () => {
  requireBuiltCli();
  repo = await guardRepo();
  tls = await loopbackTls(repo.dir);
  const [sse, json, secure] = await Promise.all([server('sse', []), server('json', ['--stateless', '--json']), server('tls', ['--tls-key', tls.keyFile, '--tls-cert', tls.certFile])]);
  [urls.sse, urls.json, urls.tls, urls.untrusted] = await Promise.all([guardFor(sse), guardFor(json), guardFor(secure, ['--upstream-ca', tls.caFile]), guardFor(secure)]);
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(children.map((c) => stopChild(c)));
});

describe('Mcp-Param-* headers under x-mcp-header names other than the argument names', () => {
  it('pairs a header with the argument its tool declares it for, once the guard has relayed the tools/list', async () => {
    const state: MirrorState = { tools: KNOWN_TOOLS, extra: {} };
    const client = await agent(urls.sse, state);
    // Not listed through the guard in this session: `Project` is paired by name, as before, and names no argument.
    await expect(client.callTool(sql('SELECT 1'))).rejects.toMatchObject(refused(GUARD_CODES.unpairedParamHeader));
    state.tools = (await client.listTools()).tools;
    expect(text(await client.callTool(sql('SELECT 2')))).toBe('ran: SELECT 2');
    // A non-ASCII value travels base64-encoded and is compared decoded.
    expect(text(await client.callTool(sql('SELECT 3', { project_id: 'prøj-1' })))).toBe('ran: SELECT 3');
    // Disagreeing with the declared argument (top-level or nested), or sent for one with no value: refused.
    state.extra = { 'Mcp-Param-Project': 'proj-2' };
    await expect(client.callTool(sql('SELECT 4'))).rejects.toMatchObject(refused(GUARD_CODES.headerMismatch));
    state.extra = { 'Mcp-Param-Project': 'SELECT 5' };
    await expect(client.callTool(sql('SELECT 5'))).rejects.toMatchObject(refused(GUARD_CODES.headerMismatch));
    state.extra = { 'Mcp-Param-Region': 'us' };
    await expect(client.callTool(sql('SELECT 6'))).rejects.toMatchObject(refused(GUARD_CODES.headerMismatch));
    state.extra = { 'Mcp-Param-Region': 'eu' };
    await expect(
      client.callTool({
        name: 'execute_sql',
        arguments: { project_id: 'proj-1', query: 'SELECT 7' },
      }),
    ).rejects.toMatchObject(refused(GUARD_CODES.headerMismatch));
    // A header the tool does not declare is paired by name, as before.
    state.extra = { 'Mcp-Param-Query': 'SELECT 8' };
    expect(text(await client.callTool(sql('SELECT 8')))).toBe('ran: SELECT 8');
    state.extra = { 'Mcp-Param-Nope': 'x' };
    await expect(client.callTool(sql('SELECT 9'))).rejects.toMatchObject(refused(GUARD_CODES.unpairedParamHeader));
    // Agreeing headers change nothing about the decision, made from the body.
    state.extra = {};
    const drop = await client.callTool(sql('DROP TABLE users'));
    expect(drop.isError).toBe(true);
    expect(text(drop)).toContain('agent-sql-is-read-only');
    const ran = (await executed(records.sse)).map((c) => c.query);
    expect(ran).toEqual(expect.arrayContaining(['SELECT 2', 'SELECT 3', 'SELECT 8']));
    expect(ran.filter((q) => ['SELECT 1', 'SELECT 4', 'SELECT 5', 'SELECT 6', 'SELECT 7', 'SELECT 9', 'DROP TABLE users'].includes(q ?? ''))).toEqual([]);
  });

  it('forgets what it learnt when the server announces tools/list_changed, on a call stream or the GET stream', async () => {
    const state: MirrorState = { tools: [], extra: {} };
    const client = await agent(urls.sse, state);
    state.tools = (await client.listTools()).tools;
    const stale = state.tools;
    expect(text(await client.callTool(sql('SELECT 10')))).toBe('ran: SELECT 10');
    // The server renames `Project` to `Scope` and says so on this call's own stream.
    expect(
      text(
        await client.callTool({
          name: 'list_tables',
          arguments: { project_id: 'rotate' },
        }),
      ),
    ).toBe('tables of rotate');
    await expect(client.callTool(sql('SELECT 11'))).rejects.toMatchObject(refused(GUARD_CODES.unpairedParamHeader));
    state.tools = (await client.listTools()).tools;
    expect(text(await client.callTool(sql('SELECT 12')))).toBe('ran: SELECT 12');
    // The old name is no declaration of the new list: paired by name, it names no argument.
    state.extra = { 'Mcp-Param-Project': 'proj-1' };
    await expect(client.callTool(sql('SELECT 13'))).rejects.toMatchObject(refused(GUARD_CODES.unpairedParamHeader));
    state.extra = {};
    // Renamed back, announced on every session's GET stream (which the guard relays).
    expect(
      text(
        await client.callTool({
          name: 'list_tables',
          arguments: { project_id: 'rotate-get' },
        }),
      ),
    ).toBe('tables of rotate-get');
    await eventually(async () => {
      try {
        await client.callTool(sql('SELECT 14'));
        return false;
      } catch (e) {
        return String((e as Error).message).includes(GUARD_CODES.unpairedParamHeader);
      }
    });
    state.tools = (await client.listTools()).tools;
    expect(state.tools).toEqual(stale);
    expect(text(await client.callTool(sql('SELECT 15')))).toBe('ran: SELECT 15');
    const ran = (await executed(records.sse)).map((c) => c.query);
    expect(ran.filter((q) => q === 'SELECT 11' || q === 'SELECT 13')).toEqual([]);
  });

  it('learns from a JSON answer of a stateless server, per caller (no session)', async () => {
    const state: MirrorState = { tools: [], extra: {} };
    const client = await agent(urls.json, state);
    state.tools = (await client.listTools()).tools;
    expect(text(await client.callTool(sql('SELECT 20')))).toBe('ran: SELECT 20');
    // Another caller never listed the tools through the guard: its `Project` header pairs with nothing.
    const other: MirrorState = { tools: state.tools, extra: {} };
    const stranger = await agent(urls.json, other, {
      authorization: 'Bearer someone-else',
    });
    await expect(stranger.callTool(sql('SELECT 21'))).rejects.toMatchObject(refused(GUARD_CODES.unpairedParamHeader));
    // Once it has, its headers pass the check, and its call is decided as its own credential says.
    await stranger.listTools();
    const denied = await stranger.callTool(sql('SELECT 22'));
    expect(denied.isError).toBe(true);
    const ran = (await executed(records.json)).map((c) => c.query);
    expect(ran).toContain('SELECT 20');
    expect(ran.filter((q) => q === 'SELECT 21' || q === 'SELECT 22')).toEqual([]);
  });
});

describe('mcp-guard --upstream-ca', () => {
  it('reaches an https upstream whose CA --upstream-ca adds, and fails closed (502 BG765) on one it does not trust', async () => {
    const state: MirrorState = { tools: [], extra: {} };
    const client = await agent(urls.tls, state);
    state.tools = (await client.listTools()).tools;
    expect(text(await client.callTool(sql('SELECT 30')))).toBe('ran: SELECT 30');
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    });
    const untrusted = await fetch(urls.untrusted, {
      method: 'POST',
      headers: {
        ...AUTH,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: init,
    });
    expect(untrusted.status).toBe(502);
    expect(await untrusted.json()).toMatchObject({
      error: { data: { code: GUARD_CODES.upstreamFailed } },
    });
    expect((await executed(records.tls)).map((c) => c.query)).toEqual(['SELECT 30']);
  });

  it.each([
    ['in stdio mode', ['--upstream-ca', 'ca.pem', '--', 'node', 'x.mjs'], 2, 'is for http mode'],
    ['a missing file', ['--listen', '127.0.0.1:0', '--upstream', 'https://127.0.0.1:1/mcp', '--upstream-ca', 'no-such-ca.pem'], 1, 'cannot read upstream ca'],
    ['a file with no certificate', ['--listen', '127.0.0.1:0', '--upstream', 'https://127.0.0.1:1/mcp', '--upstream-ca', 'catalog.json'], 1, 'holds no pem certificate'],
  ])('refuses --upstream-ca %s (BG760)', async (_name, args, code, message) => {
    const r = await runCli(['mcp-guard', '--bundle', repo.bundle, '--verification-key', repo.verificationKey, '--api', 'supabase-mcp', ...args], { cwd: repo.dir });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(GUARD_CODES.invalidConfig);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('help:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
