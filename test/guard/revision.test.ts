// The 2026-07-28 exchange through the HTTP guard (issue 11, MCP gaps): a multi round-trip call
// (`resultType: "input_required"`, then the retry carrying `inputResponses` and `requestState`)
// passes unchanged and each round is decided from its body; `MCP-Protocol-Version` must name the
// revision the body's `_meta` names. The SDK (1.x) does not speak 2026-07-28, so the upstream is a
// small loopback server answering as that revision's streamable-http.mdx and mrtr.mdx show.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIGNING_ALGORITHM } from '../../src/bundle/index.js';
import { createEnforcer, type Enforcer } from '../../src/enforce/index.js';
import { GUARD_CODES, McpGuard, serveHttpGuard, type HttpGuard } from '../../src/guard/index.js';
import type { Ir } from '../../src/ir/types.js';
import { loadVerificationKey, singleKeyConfig } from '../../src/verify/index.js';
import { CREDENTIAL, guardRepo } from './support.js';

const REVISION = '2026-07-28';
const META = { 'io.modelcontextprotocol/protocolVersion': REVISION, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' } };
const HEADERS = { authorization: `Bearer ${CREDENTIAL}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': REVISION, 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql' };
const INPUT_REQUESTS = { confirm: { method: 'elicitation/create', params: { mode: 'form', message: 'Run it?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } };

let enforcer: Enforcer;
let upstream: Server;
let served: HttpGuard;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  const repo = await guardRepo();
  const catalog = JSON.parse(await readFile(repo.catalog, 'utf8')).ir as Ir;
  enforcer = createEnforcer({ source: repo.bundle, verification: singleKeyConfig(loadVerificationKey(await readFile(repo.verificationKey), DEFAULT_SIGNING_ALGORITHM)), catalog, poll: false });
  await enforcer.refresh();
  // A stateless server whose `execute_sql` first asks for a confirmation, then runs.
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; params: { arguments: { query: string }; inputResponses?: unknown; requestState?: string } };
      received.push(message as unknown as Record<string, unknown>);
      const result =
        message.params.inputResponses === undefined
          ? { resultType: 'input_required', inputRequests: INPUT_REQUESTS, requestState: 'state-1' }
          : { resultType: 'complete', content: [{ type: 'text', text: `ran: ${message.params.arguments.query}` }] };
      const text = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const guard = new McpGuard({ decider: enforcer, catalog: () => catalog, api: 'supabase-mcp' });
  served = await serveHttpGuard({ guard, upstream: new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`), port: 0 });
}, 120_000);

afterAll(async () => {
  await served?.close();
  await new Promise<void>((resolve) => (upstream === undefined ? resolve() : upstream.close(() => resolve())));
  await enforcer?.close();
});

const call = (id: number, query: string, more: Record<string, unknown> = {}): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'proj-1', query }, _meta: META, ...more } });
const post = async (body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(served.url, { method: 'POST', headers: { ...HEADERS, ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('a 2026-07-28 multi round-trip call through the guard', () => {
  it('passes the input_required result unchanged, and decides the retry from its own body', async () => {
    const first = await post(call(1, 'SELECT 1'));
    expect(first).toMatchObject({ status: 200, body: { id: 1, result: { resultType: 'input_required', inputRequests: INPUT_REQUESTS, requestState: 'state-1' } } });
    const retry = await post(call(2, 'SELECT 1', { inputResponses: { confirm: { action: 'accept', content: { ok: true } } }, requestState: 'state-1' }));
    expect(retry).toMatchObject({ status: 200, body: { id: 2, result: { resultType: 'complete', content: [{ text: 'ran: SELECT 1' }] } } });
    // The retry reached the server as the client wrote it.
    expect(received.at(-1)).toMatchObject({ id: 2, params: { inputResponses: { confirm: { action: 'accept' } }, requestState: 'state-1' } });
    // A retry whose arguments became destructive is denied: answered by the guard, complete.
    const before = received.length;
    const swapped = await post(call(3, 'DROP TABLE users', { inputResponses: { confirm: { action: 'accept', content: { ok: true } } }, requestState: 'state-1' }));
    expect(swapped).toMatchObject({ status: 200, body: { id: 3, result: { isError: true, resultType: 'complete' } } });
    expect(received.length).toBe(before);
  });

  it('refuses an MCP-Protocol-Version that is not the revision `_meta` names, or is missing (400 BG763)', async () => {
    const before = received.length;
    for (const headers of [{ 'mcp-protocol-version': '2025-11-25' }, { 'mcp-protocol-version': '' }]) {
      const sent = Object.fromEntries(Object.entries({ ...HEADERS, ...headers }).filter(([, v]) => v !== ''));
      const res = await fetch(served.url, { method: 'POST', headers: sent, body: call(4, 'SELECT 4') });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { data: { code: GUARD_CODES.headerMismatch } } });
    }
    expect(received.length).toBe(before);
  });
});
