// Review findings on the proxy (second review): an argument a rule reads must read one way, and a
// `Connection` header must not hide an end-to-end header from the decision.
import { beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs, extractForwarding } from '../../src/extract/index.js';
import type { Ir } from '../../src/ir/types.js';
import { TIME, exampleIr } from './fixture.js';

let ir: Ir;
beforeAll(async () => {
  ir = await exampleIr();
});

const patch = (body: string, query = ''): Parameters<typeof extractDecisionInputs>[0] => ({
  method: 'PATCH',
  url: `https://api.github.com/repos/acme/billing-service${query}`,
  headers: { 'content-type': 'application/json', authorization: 'Bearer ghp_reviewTokenThatIsNotDeclared000000000000' },
  body,
});

describe('an argument a rule reads is spelled once', () => {
  it('reads `private: false` as the rule sees it (the baseline)', () => {
    const [op] = extractDecisionInputs(patch('{"private":false}'), ir, { time: TIME });
    expect(op!.operation).toBe('repos.update');
    expect(op!.input['arguments']).toEqual({ private: false });
  });

  it.each([
    ['another case beside it', '{"Private":true,"private":false}', ''],
    ['a bracket form beside it', '{"private[x]":1,"private":false}', ''],
    ['a repeat in the query string with another value', '{}', '?private=true&private=false'],
  ])('refuses it given in %s (BG417)', (_name, body, query) => {
    const [op] = extractDecisionInputs(patch(body, query), ir, { time: TIME });
    expect(op!.operation).toBeNull();
    expect(op!.error?.code).toBe(EXTRACT_CODES.ambiguousParameters);
  });

  it('refuses a nested member on an argument path spelled twice in different cases', () => {
    const request = {
      method: 'PATCH',
      url: 'https://api.cloudflare.com/client/v4/accounts/acc/addressing/prefixes/pfx/bgp/prefixes/bgp1',
      headers: { 'content-type': 'application/json' },
      body: '{"on_demand":{"advertised":true,"ADVERTISED":false}}',
    };
    const [op] = extractDecisionInputs(request, ir, { time: TIME });
    expect(op!.operation).toBeNull();
    expect(op!.error?.code).toBe(EXTRACT_CODES.ambiguousParameters);
  });
});

describe('Connection names only hop-by-hop headers', () => {
  it('refuses a request whose Connection header names an end-to-end header (BG702)', () => {
    const request = { ...patch('{"private":true}'), headers: { ...patch('').headers, connection: 'keep-alive, txn-token', 'txn-token': 'forged' } };
    const result = extractForwarding(request, ir, { time: TIME });
    expect(result.forward).toBeNull();
    expect(result.operations[0]!.error?.code).toBe(EXTRACT_CODES.notForwardable);
  });

  it('still accepts `Connection: keep-alive` and `close`', () => {
    const request = { ...patch('{"private":true}'), headers: { ...patch('').headers, connection: 'keep-alive, close' } };
    expect(extractForwarding(request, ir, { time: TIME }).operations[0]!.operation).toBe('repos.update');
  });
});
