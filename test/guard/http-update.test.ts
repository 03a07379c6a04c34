import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL, FREEZE_RULE, SERVER, eventually, executed, guardArgs, guardRepo, requireBuiltCli, startChild, stopChild, type GuardRepo } from './support.js';

// A bundle published while `mcp-guard` runs in front of a Streamable HTTP server reaches it
// without a restart (as test/guard/stdio.test.ts shows over stdio and test/proxy/runtime.test.ts
// for the proxy). Its own repository, server and guard: the freeze it publishes would change what
// the other HTTP tests see. Everything real: the CLI binary, an SDK server and the SDK's client.
let repo: GuardRepo;
let server: ChildProcess;
let guard: ChildProcess;
let guardUrl: string;
let record: string;
let client: Client;

const AUTH = { authorization: `Bearer ${CREDENTIAL}` };

beforeAll(async () => {
  requireBuiltCli();
  repo = await guardRepo();
  record = path.join(repo.dir, 'http-update-record.jsonl');
  const up = await startChild(process.execPath, [SERVER, '--record', record, '--http', '0'], /listening (\S+)/);
  server = up.child;
  const g = await startChild(process.execPath, guardArgs(repo, ['--listen', '127.0.0.1:0', '--upstream', up.match[1]!]), /at (http:\/\/\S+)/, 'stderr');
  guard = g.child;
  guardUrl = g.match[1]!;
  client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(guardUrl), { requestInit: { headers: AUTH } }));
}, 120_000);

afterAll(async () => {
  await client?.close();
  if (guard !== undefined) await stopChild(guard);
  if (server !== undefined) await stopChild(server);
});

describe('mcp-guard over streamable http, a bundle published while it runs', () => {
  it('decides the next call with the new bundle, in the same session, without a restart', async () => {
    const select = async (): Promise<{ isError?: boolean; content: { text: string }[] }> =>
      (await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 1' } })) as { isError?: boolean; content: { text: string }[] };
    const before = await select();
    expect(before.isError).toBeFalsy();
    expect(before.content[0]!.text).toBe('ran: SELECT 1');
    await repo.publish('r2', { file: 'mcp/guard-test-freeze.yaml', text: FREEZE_RULE });
    let last: { isError?: boolean; content: { text: string }[] } | undefined;
    await eventually(async () => {
      last = await select();
      return last.isError === true;
    }, 30_000);
    expect(last!.content[0]!.text).toContain('guard-test-freeze/no-reads-during-freeze');
    const ready = await fetch(new URL('/readyz', guardUrl));
    expect(ready.status).toBe(200);
    // The server ran the SELECTs decided before the freeze, none after it.
    const ran = (await executed(record)).filter((c) => c.query === 'SELECT 1').length;
    await select();
    expect((await executed(record)).filter((c) => c.query === 'SELECT 1').length).toBe(ran);
  }, 90_000);

  it('refuses a call whose arguments hold a number it cannot forward exactly (BG768), and never sends it', async () => {
    const body = '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_tables","arguments":{"project_id":"p","limit":9007199254740993}}}';
    const res = await fetch(guardUrl, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ id: null, error: { code: -32600, data: { code: 'BG768' } } });
    expect((await executed(record)).some((c) => c.tool === 'list_tables')).toBe(false);
  });
});
