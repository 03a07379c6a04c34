import { describe, expect, test } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { Ir } from '../../src/ir/types.js';
import { TIME, TRACEPARENT } from './fixture.js';
import { inventory, ir } from './helpers.js';

describe('mcp over streamable http', () => {
  test('mcp tools/call is the tool; other methods are reads', () => {
    const mcp: Ir = structuredClone(ir);
    const api = mcp.apis.find((a) => a.name === 'railway');
    if (!api) throw new Error('no api');
    api.protocol = 'mcp';
    api.endpoint = '/mcp';
    api.operations.push({ name: 'remove_volume', class: 'destructive', type: 'tool', reversible: false, resource: { kind: 'volume', idArg: 'volume_id', idTemplate: null, environmentArg: null, projectArg: null }, http: null });
    const out = extractDecisionInputs(
      {
        method: 'POST',
        url: 'https://backboard.railway.com/mcp',
        body: JSON.stringify([
          { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'remove_volume', arguments: { volume_id: 'vol-prod', confirm: true } } },
          { jsonrpc: '2.0', id: 8, method: 'tools/list' },
          { jsonrpc: '2.0', id: 9, method: 'tools/call', params: {} },
        ]),
      },
      mcp,
      { time: TIME, inventory },
    );
    expect(out.map((o) => o.operation)).toEqual(['remove_volume', 'tools/list', null]);
    expect(out[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' });
    expect(out[1]?.input.operation?.type).toBe('query');
    // MCP carries W3C trace context in params._meta; headers win where both are given.
    const withMeta = extractDecisionInputs(
      {
        method: 'POST',
        url: 'https://backboard.railway.com/mcp',
        headers: { baggage: 'tenant=from-header' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'remove_volume', arguments: { volume_id: 'vol-prod' }, _meta: { traceparent: TRACEPARENT, baggage: 'originator=user%3Ajer,tenant=from-meta' } },
        }),
      },
      mcp,
      { time: TIME, inventory },
    );
    expect(withMeta[0]?.input.identity).toEqual({ originator: 'user:jer', tenant: 'from-header', causation: TRACEPARENT, verified: false });
  });
});
