import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeHeaders } from '../../src/core/headers.js';
import { GUARD_CODES, headerMismatch, readFrame } from '../../src/guard/index.js';
import { SseDataReader } from '../../src/guard/mcp/sse.js';
import { ToolHeaderMemory, declarationsOf } from '../../src/guard/mcp/tool-headers.js';

const schema = (properties: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'object', properties, ...more });
const paths = (s: unknown): Record<string, string[]> | null => {
  const d = declarationsOf(s);
  return d === null ? null : Object.fromEntries([...d.paths].map(([k, v]) => [k, [...v]]));
};

describe('x-mcp-header declarations of a tool', () => {
  it('reads top-level and nested (properties-only) declarations, names lowercased', () => {
    expect(
      paths(
        schema({
          region: { type: 'string', 'x-mcp-header': 'Region' },
          query: { type: 'string' },
          target: {
            type: 'object',
            properties: {
              tenant: { type: 'integer', 'x-mcp-header': 'Tenant-Id' },
            },
          },
        }),
      ),
    ).toEqual({
      region: ['region'],
      'tenant-id': ['target', 'tenant'],
    });
    expect(paths(schema({}))).toEqual({});
    expect(paths({ type: 'object' })).toEqual({});
    // A property named `x-mcp-header` is a property, not an annotation.
    expect(paths(schema({ 'x-mcp-header': { type: 'string' } }))).toEqual({});
  });

  it.each([
    ['an empty name', schema({ a: { type: 'string', 'x-mcp-header': '' } })],
    ['a name with a space', schema({ a: { type: 'string', 'x-mcp-header': 'My Region' } })],
    ['a name with a colon', schema({ a: { type: 'string', 'x-mcp-header': 'Region:Primary' } })],
    ['a non-ascii name', schema({ a: { type: 'string', 'x-mcp-header': 'Région' } })],
    ['a name that is not a string', schema({ a: { type: 'string', 'x-mcp-header': 7 } })],
    [
      'two names equal ignoring case',
      schema({
        a: { type: 'string', 'x-mcp-header': 'Region' },
        b: { type: 'string', 'x-mcp-header': 'REGION' },
      }),
    ],
    ['a `number` parameter', schema({ a: { type: 'number', 'x-mcp-header': 'A' } })],
    ['an object parameter', schema({ a: { type: 'object', 'x-mcp-header': 'A' } })],
    [
      'an annotation under items',
      schema({
        a: { type: 'array', items: { type: 'string', 'x-mcp-header': 'A' } },
      }),
    ],
    ['an annotation under anyOf', schema({ a: { anyOf: [{ type: 'string', 'x-mcp-header': 'A' }] } })],
    ['an annotation in $defs', schema({ a: { $ref: '#/$defs/x' } }, { $defs: { x: { type: 'string', 'x-mcp-header': 'A' } } })],
    ['an annotation on the root', { type: 'object', 'x-mcp-header': 'A' }],
  ])('declares nothing for a tool with %s (a conforming client drops it)', (_name, s) => {
    expect(declarationsOf(s)).toBeNull();
  });

  it('declares nothing for a schema too deep to read or declaring more than 64 headers', () => {
    let deep: Record<string, unknown> = {
      type: 'string',
      'x-mcp-header': 'Deep',
    };
    for (let i = 0; i < 40; i++) deep = schema({ next: deep });
    expect(declarationsOf(deep)).toBeNull();
    const many = (n: number): unknown => schema(Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string', 'x-mcp-header': `P${i}` }])));
    expect(declarationsOf(many(64))?.paths.size).toBe(64);
    expect(declarationsOf(many(65))).toBeNull();
  });
});

describe('the declarations learnt per scope', () => {
  const list = (...tools: { name: string; header: string; arg: string }[]): unknown => ({
    tools: tools.map((t) => ({
      name: t.name,
      inputSchema: schema({
        [t.arg]: { type: 'string', 'x-mcp-header': t.header },
      }),
    })),
  });

  it('replaces on a first page, adds on later pages, forgets everything on a change, and stays bounded', () => {
    const memory = new ToolHeaderMemory({ scopes: 2, toolsPerScope: 2 });
    memory.learn('a', list({ name: 't1', header: 'H', arg: 'x' }), true);
    memory.learn('a', list({ name: 't2', header: 'H', arg: 'y' }), false);
    expect(memory.declared('a', 't1')?.paths.get('h')).toEqual(['x']);
    expect(memory.declared('a', 't2')?.paths.get('h')).toEqual(['y']);
    expect(memory.declared('b', 't1')).toBeUndefined();
    memory.learn('a', list({ name: 't2', header: 'H', arg: 'z' }), true);
    expect(memory.declared('a', 't1')).toBeUndefined();
    expect(memory.declared('a', 't2')?.paths.get('h')).toEqual(['z']);
    // A tool whose declarations became invalid is forgotten (its headers are paired by name again).
    memory.learn(
      'a',
      {
        tools: [
          {
            name: 't2',
            inputSchema: schema({ z: { type: 'number', 'x-mcp-header': 'H' } }),
          },
        ],
      },
      false,
    );
    expect(memory.declared('a', 't2')).toBeUndefined();
    memory.learn('a', list({ name: 't1', header: 'H', arg: 'x' }, { name: 't2', header: 'H', arg: 'y' }, { name: 't3', header: 'H', arg: 'z' }), true);
    expect(memory.declared('a', 't3')).toBeUndefined();
    memory.learn('b', list({ name: 't1', header: 'H', arg: 'x' }), true);
    memory.learn('c', list({ name: 't1', header: 'H', arg: 'x' }), true);
    expect(memory.size).toBe(2);
    expect(memory.declared('a', 't1')).toBeUndefined();
    memory.learn('b', { not: 'a list' }, true);
    expect(memory.declared('b', 't1')).toBeDefined();
    memory.forgetAll();
    expect(memory.declared('b', 't1')).toBeUndefined();
  });
});

describe('Mcp-Param-* headers with declarations', () => {
  const v = {
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': 'get_weather',
  };
  const declared = declarationsOf(
    schema({
      location: { type: 'string', 'x-mcp-header': 'Region' },
      options: {
        type: 'object',
        properties: {
          units: { type: 'string', 'x-mcp-header': 'Units' },
          days: { type: 'integer', 'x-mcp-header': 'Days' },
        },
      },
    }),
  )!;
  const check = (headers: Record<string, string>, args: Record<string, unknown>, known = true): { code: string; message: string } | null =>
    headerMismatch(
      normalizeHeaders({ ...v, ...headers }),
      readFrame(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'get_weather', arguments: args },
        }),
      ),
      (tool) => (known && tool === 'get_weather' ? declared : undefined),
    );
  const args = {
    location: 'Seattle, WA',
    region: 'us-west1',
    options: { units: 'metric', days: 3 },
  };

  it('compares a declared header with the argument at its declared path', () => {
    expect(
      check(
        {
          'mcp-param-region': 'Seattle, WA',
          'mcp-param-units': 'metric',
          'mcp-param-days': '3',
        },
        args,
      ),
    ).toBeNull();
    expect(
      check(
        {
          'mcp-param-region': `=?base64?${Buffer.from('Zürich').toString('base64')}?=`,
        },
        { ...args, location: 'Zürich' },
      ),
    ).toBeNull();
  });

  it('refuses a declared header carrying another argument (even the one of its own name)', () => {
    expect(check({ 'mcp-param-region': 'us-west1' }, args)?.code).toBe(GUARD_CODES.headerMismatch);
    expect(check({ 'mcp-param-units': 'imperial' }, args)?.code).toBe(GUARD_CODES.headerMismatch);
    expect(check({ 'mcp-param-days': '3.0' }, args)?.code).toBe(GUARD_CODES.headerMismatch);
  });

  it('refuses a declared header for an argument with no value, absent or null', () => {
    expect(check({ 'mcp-param-units': 'metric' }, { location: 'x' })?.code).toBe(GUARD_CODES.headerMismatch);
    expect(check({ 'mcp-param-units': 'null' }, { location: 'x', options: { units: null } })?.code).toBe(GUARD_CODES.headerMismatch);
    expect(check({ 'mcp-param-units': 'metric' }, { location: 'x', options: 'metric' })?.code).toBe(GUARD_CODES.headerMismatch);
  });

  it('pairs an undeclared header by name, as without declarations', () => {
    expect(check({ 'mcp-param-location': 'Seattle, WA' }, args)).toBeNull();
    expect(check({ 'mcp-param-nope': 'x' }, args)?.code).toBe(GUARD_CODES.unpairedParamHeader);
    // Without declarations, `Region` pairs by name with `region`, never with `location`.
    expect(check({ 'mcp-param-region': 'Seattle, WA' }, args, false)?.code).toBe(GUARD_CODES.headerMismatch);
    expect(check({ 'mcp-param-region': 'us-west1' }, args, false)).toBeNull();
  });
});

describe('MCP-Protocol-Version against the body', () => {
  const meta = (version: string): Record<string, unknown> => ({
    'io.modelcontextprotocol/protocolVersion': version,
    'io.modelcontextprotocol/clientCapabilities': {},
  });
  const body = (version: string): unknown => ({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/list',
    params: { _meta: meta(version) },
  });
  const check = (headers: Record<string, string>, value: unknown): string | null => headerMismatch(normalizeHeaders(headers), readFrame(JSON.stringify(value)))?.code ?? null;

  it('refuses a header that names another revision than `_meta`, or none', () => {
    expect(check({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' }, body('2026-07-28'))).toBeNull();
    expect(check({ 'mcp-protocol-version': '2025-11-25', 'mcp-method': 'tools/list' }, body('2026-07-28'))).toBe(GUARD_CODES.headerMismatch);
    // Without the header, the 2026-07-28 routing headers would go unchecked: refused.
    expect(check({}, body('2026-07-28'))).toBe(GUARD_CODES.headerMismatch);
    // Earlier revisions carry no `_meta` revision.
    expect(check({ 'mcp-protocol-version': '2025-11-25' }, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).toBeNull();
  });
});

describe('server-sent event data read as a stream passes', () => {
  const events = (stream: string, cuts: number[], max = 1 << 20): string[] => {
    const out: string[] = [];
    const reader = new SseDataReader(max, (d) => out.push(d));
    const bytes = Buffer.from(stream, 'utf8');
    let at = 0;
    for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b)) {
      reader.push(bytes.subarray(at, cut));
      at = cut;
    }
    reader.push(bytes.subarray(at));
    return out;
  };

  it('joins data lines, ignores other fields and comments, and accepts CRLF, LF and CR', () => {
    expect(events('event: message\nid: 1\ndata: {"a":\ndata:1}\n\n: keep-alive\n\ndata: two\r\n\r\ndata:three\r\rdata\n\n', [])).toEqual(['{"a":\n1}', 'two', 'three', '']);
    expect(events('data: x'.padEnd(100, 'y') + '\n\ndata: small\n\n', [], 50)).toEqual(['small']);
  });

  it('reads the same events however the stream is cut (multi-byte characters and CRLF split included)', () => {
    const stream = 'event: message\r\ndata: {"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\r\n\r\ndata: prøj ✓\ndata: 2\n\n:c\n\ndata: end\r\r';
    const whole = events(stream, []);
    fc.assert(
      fc.property(fc.array(fc.nat(Buffer.byteLength(stream)), { maxLength: 12 }), (cuts) => {
        expect(events(stream, cuts)).toEqual(whole);
      }),
    );
  });
});
