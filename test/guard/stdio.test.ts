import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL, FREEZE_RULE, SERVER, eventually, executed, guardArgs, guardRepo, requireBuiltCli, type GuardRepo } from './support.js';

// A real MCP client (the official SDK) talks stdio to `blastguard mcp-guard`, which spawns a real
// SDK server: the client sees the guard as the server.
let repo: GuardRepo;
const env = (): Record<string, string> => ({ PATH: process.env['PATH'] ?? '', SUPABASE_ACCESS_TOKEN: CREDENTIAL });
const serverCommand = (record: string): string[] => ['--', process.execPath, SERVER, '--record', record];

beforeAll(async () => {
  requireBuiltCli();
  repo = await guardRepo();
}, 120_000);

describe('mcp-guard over stdio with the SDK client', () => {
  let client: Client;
  let transport: StdioClientTransport;
  let record: string;
  let stderr = '';

  beforeAll(async () => {
    record = path.join(repo.dir, 'stdio-record.jsonl');
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [...guardArgs(repo, ['--token-env', 'SUPABASE_ACCESS_TOKEN']), ...serverCommand(record)],
      env: env(),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'agent', version: '1.0.0' }, { capabilities: { roots: {} } });
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work/support-app', name: 'support-app' }] }));
    await client.connect(transport);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
  });

  it('lists the tools (passed through)', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['execute_sql', 'list_tables']);
  });

  it('refuses DROP TABLE with an isError result naming the rule; the server never runs it', async () => {
    const result = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'DROP TABLE users' } });
    expect(result.isError).toBe(true);
    const text = (result.content as { type: string; text: string }[])[0]!.text;
    expect(text).toMatch(/blastguard denied tool `execute_sql` \(operation `execute_sql.destructive`\) by policy: rule `supabase-mcp-agents\/agent-sql-is-read-only`/);
    expect(text).toMatch(/decision id [0-9a-f-]{36}/);
    expect((await executed(record)).some((c) => c.query === 'DROP TABLE users')).toBe(false);
    await eventually(async () => stderr.includes('BG766 denied tools/call'));
  });

  it('passes a SELECT, with the progress notifications the server sends', async () => {
    const progress: number[] = [];
    const result = await client.callTool({ name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT id FROM tickets' } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.isError).toBeFalsy();
    expect((result.content as { text: string }[])[0]!.text).toBe('ran: SELECT id FROM tickets');
    expect(progress).toEqual([1, 2]);
  });

  it("passes the server's own request to the client (roots) in the middle of a call", async () => {
    const result = await client.callTool({ name: 'list_tables', arguments: { project_id: 'proj-1' } });
    expect((result.content as { text: string }[])[0]!.text).toBe('tables: users, tickets; roots: file:///work/support-app');
  });
});

/** The guard as a child, spoken to line by line (batches and broken lines, which the SDK client never sends). */
class RawSession {
  readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  readonly lines: unknown[] = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, args, { env: env() });
    this.child.stdout.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      for (let i = this.buffer.indexOf('\n'); i !== -1; i = this.buffer.indexOf('\n')) {
        this.lines.push(JSON.parse(this.buffer.slice(0, i)));
        this.buffer = this.buffer.slice(i + 1);
      }
    });
  }

  send(text: string): void {
    this.child.stdin.write(text + '\n');
  }

  /** The next line that satisfies `match`. */
  async next(match: (line: unknown) => boolean): Promise<unknown> {
    let found: unknown;
    await eventually(async () => {
      const i = this.lines.findIndex(match);
      if (i === -1) return false;
      found = this.lines.splice(i, 1)[0];
      return true;
    });
    return found;
  }

  async initialize(): Promise<void> {
    this.send(JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
    await this.next((l) => (l as { id?: unknown }).id === 'init');
    this.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }
}

const call = (id: number, query: string): Record<string, unknown> => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query } } });

describe('mcp-guard over stdio, line by line', () => {
  it('answers a batch as one array in order, with the denied element never sent to the server', async () => {
    const record = path.join(repo.dir, 'raw-record.jsonl');
    const session = new RawSession([...guardArgs(repo, ['--token-env', 'SUPABASE_ACCESS_TOKEN']), ...serverCommand(record)]);
    await session.initialize();
    session.send(JSON.stringify([call(1, 'DROP TABLE users'), call(2, 'SELECT 1'), { jsonrpc: '2.0', id: 3, method: 'tools/list' }]));
    const batch = (await session.next(Array.isArray)) as { id: number; result: { isError?: boolean } }[];
    expect(batch.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(batch[0]!.result.isError).toBe(true);
    expect(batch[1]!.result.isError).toBeFalsy();
    // Broken lines are answered with an error and never reach the server.
    session.send('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"execute_sql","arguments":{"project_id":"p","query":"SELECT 1","query":"DROP TABLE users"}}}');
    expect(await session.next((l) => (l as { error?: unknown }).error !== undefined)).toMatchObject({ id: null, error: { code: -32600, data: { code: 'BG762' } } });
    session.send('not json at all');
    expect(await session.next((l) => (l as { error?: unknown }).error !== undefined)).toMatchObject({ id: null, error: { code: -32700 } });
    // The cancellation of the denied call stays with the guard; the server's answer to a later ping proves the order.
    session.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }));
    session.send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' }));
    await session.next((l) => (l as { id?: unknown }).id === 5);
    expect(await session.close()).toBe(0);
    expect((await executed(record)).map((c) => c.query)).toEqual(['SELECT 1']);
  }, 60_000);

  it('decides with a bundle published while it runs, without a restart', async () => {
    const record = path.join(repo.dir, 'update-record.jsonl');
    const session = new RawSession([...guardArgs(repo, ['--token-env', 'SUPABASE_ACCESS_TOKEN']), ...serverCommand(record)]);
    await session.initialize();
    let id = 100;
    const select = async (): Promise<{ result: { isError?: boolean; content: { text: string }[] } }> => {
      const mine = ++id;
      session.send(JSON.stringify(call(mine, 'SELECT 1')));
      return (await session.next((l) => (l as { id?: unknown }).id === mine)) as { result: { isError?: boolean; content: { text: string }[] } };
    };
    expect((await select()).result.isError).toBeFalsy();
    await repo.publish('r2', { file: 'mcp/guard-test-freeze.yaml', text: FREEZE_RULE });
    let last: { result: { isError?: boolean; content: { text: string }[] } } | undefined;
    await eventually(async () => {
      last = await select();
      return last.result.isError === true;
    }, 30_000);
    expect(last!.result.content[0]!.text).toContain('guard-test-freeze/no-reads-during-freeze');
    expect(await session.close()).toBe(0);
  }, 90_000);
});
