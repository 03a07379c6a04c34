// Review legit2 #2: SIGTERM cut a `tools/call` in flight through `mcp-guard --listen` (empty reply)
// while the server still ran it, so the agent saw a failure for a write that happened. The guard
// now drains: the call in flight gets its answer, then the process exits 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CREDENTIAL, guardArgs, guardRepo, requireBuiltCli, startChild, type GuardRepo } from './support.js';

let repo: GuardRepo;
let upstream: Server;
const ran: string[] = [];

beforeAll(async () => {
  requireBuiltCli();
  repo = await guardRepo();
  // A JSON-response MCP endpoint whose tool takes 1.5 s: nothing is sent until it is done.
  upstream = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const message = JSON.parse(body) as { id: number; params: { arguments: { query: string } } };
      setTimeout(() => {
        ran.push(message.params.arguments.query);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text: `ran: ${message.params.arguments.query}` }] } }));
      }, 1_500);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
}, 120_000);

afterAll(async () => {
  upstream?.closeAllConnections();
  await new Promise<void>((r) => upstream?.close(() => r()));
});

describe('mcp-guard --listen drains on SIGTERM', () => {
  it('answers the call in flight, then exits 0', async () => {
    const endpoint = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`;
    const g = await startChild(process.execPath, guardArgs(repo, ['--listen', '127.0.0.1:0', '--upstream', endpoint]), /at (http:\/\/\S+)/, 'stderr');
    const exit = new Promise<number | null>((resolve) => g.child.once('exit', (code) => resolve(code)));
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 1' } } });
    const call = fetch(g.match[1]!, { method: 'POST', headers: { authorization: `Bearer ${CREDENTIAL}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' }, body });
    await new Promise((r) => setTimeout(r, 500));
    g.child.kill('SIGTERM');
    const res = await call;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 1, result: { content: [{ text: 'ran: SELECT 1' }] } });
    expect(res.headers.get('connection')).toBe('close');
    expect(await exit).toBe(0);
    expect(ran).toEqual(['SELECT 1']);
  }, 60_000);

  it('refuses `--shutdown-grace` in stdio mode, with the guard\'s code', async () => {
    const r = await runCli(['mcp-guard', '--bundle', repo.bundle, '--verification-key', repo.verificationKey, '--api', 'supabase-mcp', '--shutdown-grace', '5', '--', process.execPath, '-e', '0'], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shutdown-grace');
  });
});
