// Review legit2 #7: `blastguard proxy` relays MCP apis by the mcp-guard's code but gave them its own
// 30 s upstream time-out, so a tool call to a JSON-response server (nothing is sent until the tool
// is done) got 504 at 30 s through the proxy and 200 through mcp-guard (300 s). MCP apis now get
// the mcp-guard's default unless `--upstream-timeout` is given. The built CLI runs as a user runs it.
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from '../guard/support.js';
import { startCli, stopCli } from './cli-process.js';
import { signedBundleDir } from './support.js';

const TOKEN = 'fake-supabase-mcp-support-agent-token';

describe('blastguard proxy: the upstream time-out of MCP apis', () => {
  let dir: string;
  let upstream: Server;
  let base: string[];
  let delayMs = 0;
  beforeAll(async () => {
    requireBuiltCli();
    dir = await signedBundleDir('bg-proxy-mcp-timeout-');
    // A JSON-response MCP endpoint: the answer (headers included) comes when the tool is done.
    upstream = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'done' }] } })), delayMs);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    base = ['proxy', '--bundle', 'bundle.tar.gz', '--verification-key', 'key.pem', '--signing-alg', 'ES256', '--listen', '127.0.0.1:0', '--upstream', `supabase-mcp=http://127.0.0.1:${(upstream.address() as AddressInfo).port}`];
  }, 60_000);
  afterAll(async () => {
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (url: string): Promise<Response> =>
    fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query: 'SELECT 1' } } }),
    });

  it('waits past the proxy\'s 30 s for a tool call when no `--upstream-timeout` is given', async () => {
    delayMs = 31_000;
    const { child, url } = await startCli(base, dir);
    try {
      const res = await call(url);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ id: 3, result: { content: [{ text: 'done' }] } });
    } finally {
      await stopCli(child);
    }
  }, 90_000);

  it('keeps `--upstream-timeout` when it is given: 504 BG765 past it', async () => {
    delayMs = 2_000;
    const { child, url } = await startCli([...base, '--upstream-timeout', '0.5'], dir);
    try {
      const res = await call(url);
      expect(res.status).toBe(504);
      expect(JSON.stringify(await res.json())).toContain('BG765');
    } finally {
      await stopCli(child);
    }
  }, 60_000);
});
