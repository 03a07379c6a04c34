import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeHeaders } from '../../src/core/headers.js';
import { createEnforcer, type Enforcer } from '../../src/enforce/index.js';
import { DECISION_META_KEY, GUARD_CODES, McpGuard, headerMismatch, mergeResponses, readFrame, type GuardEvent, type Plan } from '../../src/guard/index.js';
import { DEFAULT_SIGNING_ALGORITHM } from '../../src/bundle/index.js';
import type { Ir } from '../../src/ir/types.js';
import { loadVerificationKey, singleKeyConfig } from '../../src/verify/index.js';
import { CREDENTIAL, guardRepo, type GuardRepo } from './support.js';

const AUTH = { authorization: `Bearer ${CREDENTIAL}` };
const call = (id: number | string | null, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Record<string, unknown> => ({
  jsonrpc: '2.0',
  ...(id === null ? {} : { id }),
  method: 'tools/call',
  params: { name, arguments: args, ...(meta === undefined ? {} : { _meta: meta }) },
});
const DROP = { project_id: 'proj-1', query: 'DROP TABLE users' };
const SELECT = { project_id: 'proj-1', query: 'SELECT id FROM tickets' };

let repo: GuardRepo;
let enforcer: Enforcer;
let catalog: Ir;
const logged: string[] = [];
const events: GuardEvent[] = [];
let guard: McpGuard;

beforeAll(async () => {
  repo = await guardRepo();
  catalog = JSON.parse(await readFile(repo.catalog, 'utf8')).ir as Ir;
  enforcer = createEnforcer({
    source: repo.bundle,
    verification: singleKeyConfig(loadVerificationKey(await readFile(repo.verificationKey), DEFAULT_SIGNING_ALGORITHM)),
    catalog,
    poll: false,
    decisionLogs: { console: (line) => logged.push(line), flushIntervalMs: 3_600_000 },
  });
  await enforcer.refresh();
  guard = new McpGuard({ decider: enforcer, catalog: () => catalog, api: 'supabase-mcp', onEvent: (e) => events.push(e) });
}, 120_000);

afterAll(async () => {
  await enforcer?.close();
});

const plan = (message: unknown, headers: Record<string, string> = AUTH, session = 's1'): Plan => guard.plan(typeof message === 'string' ? message : JSON.stringify(message), { headers, session });
const reply = (p: Plan, i = 0): Record<string, unknown> => {
  const slot = p.slots[i]!;
  if (!('reply' in slot)) throw new Error(`slot ${i} is not a reply: ${JSON.stringify(slot)}`);
  return slot.reply;
};

describe('tools/call decisions', () => {
  it('answers a destructive execute_sql with an isError tool result naming the rule, the reason and the decision id', async () => {
    const p = plan(call(7, 'execute_sql', DROP));
    const answer = reply(p) as { id: number; result: { isError: boolean; content: { type: string; text: string }[]; _meta: Record<string, { decision_id: string; rule: string; operation: string }> } };
    expect(answer.id).toBe(7);
    expect(answer.result.isError).toBe(true);
    const decision = answer.result._meta[DECISION_META_KEY]!;
    expect(decision.rule).toBe('supabase-mcp-agents/agent-sql-is-read-only');
    expect(decision.operation).toBe('execute_sql.destructive');
    const text = answer.result.content[0]!.text;
    expect(text).toContain('supabase-mcp-agents/agent-sql-is-read-only');
    expect(text).toContain('An agent reading untrusted rows');
    expect(text).toContain(decision.decision_id);
    // The denial's id is the id of the decision-log event.
    await enforcer.flushLogs();
    const ids = logged.map((l) => (JSON.parse(l) as { decision_id: string }).decision_id);
    expect(ids).toContain(decision.decision_id);
  });

  // Review of 3e80953 (legitimate traffic item 12): a call over extraction's own 1 MiB default was
  // denied as policy (`input:invalid`, "ask the person you act for") though the transport read it.
  it('decides a call larger than 1 MiB on its content, as the transport read it', () => {
    const padding = 'x'.repeat(1_500_000);
    const allowed = plan(call(13, 'execute_sql', { project_id: 'proj-1', query: `SELECT id FROM tickets WHERE note = '${padding}'` }));
    expect('reply' in allowed.slots[0]!).toBe(false);
    const denied = reply(plan(call(14, 'execute_sql', { project_id: 'proj-1', query: `DROP TABLE users; -- ${padding}` }))) as { result: { _meta: Record<string, { rule: string }> } };
    expect(denied.result._meta[DECISION_META_KEY]!.rule).toBe('supabase-mcp-agents/agent-sql-is-read-only');
  });

  // Review of 3bb7baa (legitimate traffic item 11): an unreadable call's denial led with the
  // policy's `input:invalid` reason (a missing `operation`), not why the call could not be read.
  it('leads an unreadable call\'s denial with the reading\'s error, not the missing operation', () => {
    const answer = reply(plan(call(12, 'execute_sql', { project_id: 'proj-1', query: 'SELEC id FRM' }))) as { result: { content: { text: string }[]; _meta: Record<string, { operation: string | null; reasons: string[]; error?: { code: string; message: string } }> } };
    const decision = answer.result._meta[DECISION_META_KEY]!;
    expect(decision.operation).toBeNull();
    expect(decision.error?.code).toBe('BG419');
    const text = answer.result.content[0]!.text;
    expect(text).toContain(`${decision.error!.code} ${decision.error!.message}`);
    for (const reason of decision.reasons) expect(text).not.toContain(reason);
  });

  it('forwards a SELECT re-serialized from what was read, and passes other methods undecided', () => {
    const sent = '{ "jsonrpc" : "2.0", "id":8, "method":"tools/call", "params":{"name":"execute_sql","arguments":{"project_id":"proj-1","query":"SELECT id FROM tickets"}}}';
    const p = plan(sent);
    const slot = p.slots[0]!;
    expect('forward' in slot && slot.forward.text).toBe(JSON.stringify(JSON.parse(sent)));
    const list = plan({ jsonrpc: '2.0', id: 9, method: 'tools/list' });
    expect('forward' in list.slots[0]!).toBe(true);
  });

  it('denies without a credential (the token is required), and for an api the catalog lacks', () => {
    const p = plan(call(10, 'execute_sql', SELECT), {});
    expect((reply(p) as { result: { _meta: Record<string, { rule: string }> } }).result._meta[DECISION_META_KEY]!.rule).toBe('token:missing');
    const other = new McpGuard({ decider: enforcer, catalog: () => catalog, api: 'no-such-api' });
    const q = other.plan(JSON.stringify(call(11, 'list_tables', { project_id: 'p' })), { headers: AUTH, session: 's' });
    expect(JSON.stringify(q.slots[0])).toContain('api:unknown');
  });

  it('refuses a write whose originator is only claimed in `_meta.baggage` (the agent writes baggage itself)', () => {
    const p = plan(call(12, 'execute_sql', { project_id: 'proj-1', query: "INSERT INTO notes VALUES ('x')" }, { baggage: 'originator=user%3Aalice' }));
    expect('forward' in p.slots[0]!).toBe(false);
    expect((reply(p) as { result: { _meta: Record<string, { rule: string }> } }).result._meta[DECISION_META_KEY]!.rule).toBe('supabase-mcp-agents/agent-sql-is-read-only');
  });

  it('forwards a call a shadow rule matches (would deny), logged as such', () => {
    events.length = 0;
    const p = plan(call(15, 'list_tables', { project_id: 'proj-1' }));
    expect('forward' in p.slots[0]!).toBe(true);
    expect(events.map((e) => e.kind)).toEqual(['shadow']);
  });

  it('marks a denial `resultType: complete` for a 2026-07-28 request', () => {
    const p = plan(call(13, 'execute_sql', DROP, { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} }));
    expect((reply(p) as { result: { resultType: string } }).result.resultType).toBe('complete');
    expect((reply(plan(call(14, 'execute_sql', DROP))) as { result: Record<string, unknown> }).result['resultType']).toBeUndefined();
  });

  it('drops a denied tools/call sent as a notification: nothing to answer, nothing forwarded', () => {
    expect(plan(call(null, 'execute_sql', DROP)).slots).toEqual([{ drop: 'a denied tools/call notification' }]);
  });

  it('reads an unreadable call through extraction: denied with its reason, not forwarded', () => {
    const p = plan({ jsonrpc: '2.0', id: 15, method: 'tools/call', params: { name: 'execute_sql', arguments: { project_id: 'p' } } });
    const text = JSON.stringify(reply(p));
    expect(text).toContain('input:invalid');
    expect(text).toContain('isError');
  });
});

describe('batches, cancellations and responses', () => {
  it('decides each element, forwards only the allowed ones and merges the answers in order', () => {
    const p = plan([call(1, 'execute_sql', DROP), call(2, 'execute_sql', SELECT), { jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', id: 3, method: 'tools/list' }]);
    expect(p.batch).toBe(true);
    expect(p.slots.map((s) => Object.keys(s)[0])).toEqual(['reply', 'forward', 'forward', 'forward']);
    const server = new Map<string, unknown>([
      ['number:3', { jsonrpc: '2.0', id: 3, result: { tools: [] } }],
      ['number:2', { jsonrpc: '2.0', id: 2, result: { content: [] } }],
    ]);
    expect(mergeResponses(p, server).map((r) => (r as { id: number }).id)).toEqual([1, 2, 3]);
  });

  it('keeps the cancellation of a denied call from the server; other cancellations pass', () => {
    plan(call('c-1', 'execute_sql', DROP), AUTH, 'cancel');
    const cancel = (requestId: string): Plan => plan({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'user' } }, AUTH, 'cancel');
    expect(cancel('c-1').slots[0]).toHaveProperty('drop');
    expect(cancel('c-2').slots[0]).toHaveProperty('forward');
    // Another session's denied ids are its own.
    plan(call('c-3', 'execute_sql', DROP), AUTH, 'other');
    expect(cancel('c-3').slots[0]).toHaveProperty('forward');
  });

  it("passes the client's responses to server requests (roots, sampling, elicitation)", () => {
    const p = plan({ jsonrpc: '2.0', id: 0, result: { roots: [{ uri: 'file:///work' }] } });
    expect(p.slots[0]).toHaveProperty('forward');
  });
});

describe('unreadable messages fail closed', () => {
  const refusal = (text: string): { id: unknown; error: { code: number; data: { code: string } } } => {
    const p = guard.plan(text, { headers: AUTH, session: 'bad' });
    expect(p.slots).toHaveLength(1);
    return reply(p) as { id: unknown; error: { code: number; data: { code: string } } };
  };

  it.each([
    ['not json', '{"jsonrpc":"2.0",', -32700],
    ['a repeated member', '{"jsonrpc":"2.0","id":1,"method":"tools/list","method":"tools/call","params":{"name":"execute_sql","arguments":{"query":"DROP TABLE users"}}}', -32600],
    ['a repeated argument', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"execute_sql","arguments":{"project_id":"p","query":"SELECT 1","query":"DROP TABLE users"}}}', -32600],
    ['an empty batch', '[]', -32600],
    ['a batch repeating an id', JSON.stringify([call(1, 'list_tables', { project_id: 'p' }), call(1, 'execute_sql', SELECT)]), -32600],
  ])('%s', (_name, text, rpc) => {
    const r = refusal(text);
    expect(r.error.code).toBe(rpc);
    expect([GUARD_CODES.unreadableMessage, GUARD_CODES.duplicateId]).toContain(r.error.data.code);
  });

  it.each([
    ['a case variant of `method`', { jsonrpc: '2.0', id: 1, method: 'tools/list', Method: 'tools/call' }],
    ['a case variant of `params.name`', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_tables', Name: 'execute_sql', arguments: {} } }],
    ['an id JavaScript cannot keep exactly', '{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/list"}'],
    ['a fractional id', { jsonrpc: '2.0', id: 1.5, method: 'tools/list' }],
    ['no jsonrpc version', { id: 1, method: 'tools/list' }],
    ['non-object params', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: ['execute_sql'] }],
    ['a request that is also a response', { jsonrpc: '2.0', id: 1, method: 'tools/list', result: {} }],
  ])('%s', (_name, message) => {
    const r = refusal(typeof message === 'string' ? message : JSON.stringify(message));
    expect(r.error.data.code).toBe(GUARD_CODES.unreadableMessage);
  });

  it('answers an unreadable batch element alone and still decides the others', () => {
    const p = plan([{ jsonrpc: '2.0', id: 1, method: 5 }, call(2, 'execute_sql', SELECT)]);
    expect(p.slots.map((s) => Object.keys(s)[0])).toEqual(['reply', 'forward']);
    expect((reply(p) as { id: number }).id).toBe(1);
  });
});

describe('2026-07-28 routing headers', () => {
  const check = (headers: Record<string, string | string[]>, body: unknown): string | null => headerMismatch(normalizeHeaders(headers), readFrame(JSON.stringify(body)))?.message ?? null;
  const v = { 'mcp-protocol-version': '2026-07-28' };
  const dropCall = call(1, 'execute_sql', DROP);

  it('accepts headers that agree with the body, plain or base64-encoded', () => {
    expect(check({ ...v, 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql' }, dropCall)).toBeNull();
    expect(check({ ...v, 'mcp-method': 'tools/call', 'mcp-name': `=?base64?${Buffer.from('execute_sql').toString('base64')}?=` }, dropCall)).toBeNull();
    expect(check({ ...v, 'mcp-method': 'tools/list' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).toBeNull();
    expect(check({ ...v, 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql', 'mcp-param-project_id': 'proj-1' }, dropCall)).toBeNull();
    // Header names compare case-insensitively; numbers in decimal, booleans as `true`/`false`.
    const typed = call(1, 'execute_sql', { ...DROP, Limit: 10, dry_run: false });
    expect(check({ ...v, 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql', 'Mcp-Param-Project_ID': 'proj-1', 'mcp-param-limit': '10', 'mcp-param-DRY_RUN': 'false' }, typed)).toBeNull();
    // A comma is part of a value: a resource URI may hold one.
    expect(check({ ...v, 'mcp-method': 'resources/read', 'mcp-name': 'file:///a,b' }, { jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'file:///a,b' } })).toBeNull();
    // Earlier revisions send none.
    expect(check({ 'mcp-protocol-version': '2025-11-25' }, dropCall)).toBeNull();
  });

  it.each([
    ['a different tool name', { ...v, 'mcp-method': 'tools/call', 'mcp-name': 'list_tables' }, dropCall],
    ['a different method', { ...v, 'mcp-method': 'tools/list', 'mcp-name': 'execute_sql' }, dropCall],
    ['no Mcp-Method', { ...v, 'mcp-name': 'execute_sql' }, dropCall],
    ['no Mcp-Name for tools/call', { ...v, 'mcp-method': 'tools/call' }, dropCall],
    ['Mcp-Name for a method naming nothing', { ...v, 'mcp-method': 'tools/list', 'mcp-name': 'x' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
    ['headers over a batch', { ...v, 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql' }, [dropCall]],
    ['a parameter header matching no argument', { ...v, 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql', 'mcp-param-project_id': 'proj-2' }, dropCall],
    ['a disagreeing header under an earlier revision', { 'mcp-protocol-version': '2025-11-25', 'mcp-name': 'list_tables', 'mcp-method': 'tools/call' }, dropCall],
    ['Mcp-Name sent twice', { ...v, 'mcp-method': 'tools/call', 'mcp-name': ['execute_sql', 'list_tables'] }, dropCall],
    ['a bad base64 value', { ...v, 'mcp-method': 'tools/call', 'mcp-name': `=?base64?${Buffer.from([0xff, 0xfe]).toString('base64')}?=` }, dropCall],
  ])('refuses %s', (_name, headers, body) => {
    expect(check(headers, body)).toMatch(/\S/);
  });
});

describe('Mcp-Param-* headers are compared with the argument they mirror', () => {
  const v = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'execute_sql' };
  const result = (headers: Record<string, string>, args: Record<string, unknown>): { code: string; message: string } | null =>
    headerMismatch(normalizeHeaders({ ...v, ...headers }), readFrame(JSON.stringify(call(1, 'execute_sql', args))));

  it('refuses a value another argument holds (review finding: any argument was accepted)', () => {
    expect(result({ 'mcp-param-project_id': 'DROP TABLE users' }, DROP)?.code).toBe(GUARD_CODES.headerMismatch);
    expect(result({ 'mcp-param-query': 'proj-1' }, DROP)?.code).toBe(GUARD_CODES.headerMismatch);
    expect(result({ 'mcp-param-project_id': 'proj-2' }, { ...DROP, other: 'proj-2' })?.code).toBe(GUARD_CODES.headerMismatch);
  });

  it('refuses an argument that is not a string, number or boolean, and a number spelled otherwise', () => {
    expect(result({ 'mcp-param-filter': '[object Object]' }, { ...DROP, filter: {} })?.code).toBe(GUARD_CODES.headerMismatch);
    expect(result({ 'mcp-param-limit': '10.0' }, { ...DROP, limit: 10 })?.code).toBe(GUARD_CODES.headerMismatch);
    expect(result({ 'mcp-param-dry_run': 'False' }, { ...DROP, dry_run: false })?.code).toBe(GUARD_CODES.headerMismatch);
  });

  it('refuses a header that pairs with no argument, or with several, by name (BG734)', () => {
    expect(result({ 'mcp-param-project': 'proj-1' }, DROP)).toMatchObject({ code: GUARD_CODES.unpairedParamHeader });
    expect(result({ 'mcp-param-region': 'eu' }, { ...DROP, region: 'eu', Region: 'eu' })).toMatchObject({ code: GUARD_CODES.unpairedParamHeader });
  });
});

describe('the http relay in-process', () => {
  it('answers 502 (BG765) when the upstream is down, and refuses a header disagreement before any upstream contact', async () => {
    const { createServer } = await import('node:net');
    const { serveHttpGuard } = await import('../../src/guard/index.js');
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const served = await serveHttpGuard({ guard, upstream: new URL(`http://127.0.0.1:${closed}/mcp`), port: 0 });
    try {
      const post = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
        fetch(served.url, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const down = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(down.status).toBe(502);
      expect(await down.json()).toMatchObject({ error: { data: { code: GUARD_CODES.upstreamFailed } } });
      const mismatch = await post(call(2, 'execute_sql', DROP), { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' });
      expect(mismatch.status).toBe(400);
      expect(await mismatch.json()).toMatchObject({ error: { data: { code: GUARD_CODES.headerMismatch } } });
      // A denied call is answered by the guard itself: the upstream being down does not matter.
      const denied = await post(call(3, 'execute_sql', DROP));
      expect(denied.status).toBe(200);
      expect(await denied.json()).toMatchObject({ id: 3, result: { isError: true } });
      expect((await fetch(new URL('/elsewhere', served.url))).status).toBe(404);
    } finally {
      await served.close();
    }
  });

  it('answers 504 (BG765) when a slow upstream passes `upstreamTimeoutMs`, each forwarded call with its own id', async () => {
    const { createServer } = await import('node:http');
    const { serveHttpGuard } = await import('../../src/guard/index.js');
    // A json-response server still running the tool call: it has read the request and answers nothing yet.
    const slow = createServer((req) => req.resume());
    const port = await new Promise<number>((resolve) => slow.listen(0, '127.0.0.1', () => resolve((slow.address() as { port: number }).port)));
    const served = await serveHttpGuard({ guard, upstream: new URL(`http://127.0.0.1:${port}/mcp`), port: 0, upstreamTimeoutMs: 300 });
    const before = events.length;
    try {
      const post = (body: unknown): Promise<Response> => fetch(served.url, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const one = await post(call(41, 'execute_sql', SELECT));
      expect(one.status).toBe(504);
      expect(await one.json()).toMatchObject({ id: 41, error: { data: { code: GUARD_CODES.upstreamFailed } } });
      // A batch: the guard's denial keeps its place, the two forwarded calls each get a timeout with their id.
      const batch = await post([call(42, 'execute_sql', SELECT), call(43, 'execute_sql', DROP), call('x', 'execute_sql', SELECT)]);
      expect(batch.status).toBe(504);
      const answers = (await batch.json()) as { id: unknown; error?: { data: { code: string } }; result?: { isError: boolean } }[];
      expect(answers.map((a) => [a.id, a.error?.data.code ?? (a.result?.isError === true ? 'denied' : 'result')])).toEqual([
        [42, GUARD_CODES.upstreamFailed],
        [43, 'denied'],
        ['x', GUARD_CODES.upstreamFailed],
      ]);
      const refused = events.slice(before).filter((e) => e.kind === 'refused');
      expect(refused.map((e) => e.id)).toEqual([41, 42, 'x']);
    } finally {
      await served.close();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

describe('forward what was decided (property)', () => {
  it('forwards exactly the text it decided on, and deciding that text again gives the same verdict', async () => {
    const fc = (await import('fast-check')).default;
    const queries = ['SELECT 1', 'DROP TABLE users', "INSERT INTO t VALUES ('a')", 'DELETE FROM t', 'DELETE FROM t WHERE id = 1', 'TRUNCATE t', 'select * from "users"', 'not sql at all ((', ''];
    const tools = ['execute_sql', 'list_tables', 'apply_migration', 'unknown_tool'];
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true }));
    const message = fc.record({
      id: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.string({ maxLength: 8 })),
      tool: fc.constantFrom(...tools),
      query: fc.constantFrom(...queries),
      extra: fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 3 }),
      meta: fc.option(fc.constantFrom('originator=user%3Aalice', 'tenant=acme', ''), { nil: undefined }),
      spaces: fc.boolean(),
    });
    const verdictOf = (p: Plan): string => {
      const slot = p.slots[0]!;
      if ('forward' in slot) return 'forward';
      if ('drop' in slot) return 'drop';
      const r = slot.reply as { result?: { _meta?: Record<string, { rule: string }> }; error?: unknown };
      return r.error !== undefined ? 'error' : `deny:${r.result?._meta?.[DECISION_META_KEY]?.rule ?? ''}`;
    };
    fc.assert(
      fc.property(message, (m) => {
        const body = { jsonrpc: '2.0', id: m.id, method: 'tools/call', params: { name: m.tool, arguments: { ...m.extra, project_id: 'proj-1', query: m.query }, ...(m.meta === undefined ? {} : { _meta: { baggage: m.meta } }) } };
        const text = m.spaces ? JSON.stringify(body, null, 1) : JSON.stringify(body);
        const first = plan(text);
        const slot = first.slots[0]!;
        if ('forward' in slot) {
          expect(JSON.parse(slot.forward.text)).toEqual(JSON.parse(text));
          expect(slot.forward.text).toBe(JSON.stringify(JSON.parse(text)));
          expect(verdictOf(plan(slot.forward.text))).toBe('forward');
        } else {
          expect(verdictOf(plan(JSON.stringify(JSON.parse(text))))).toBe(verdictOf(first));
        }
      }),
      { numRuns: 150 },
    );
  });
});
