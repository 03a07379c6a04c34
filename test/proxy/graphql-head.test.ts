// Issue 11, GraphQL `HEAD`: the proxy refuses it (BG403, no method but GET and POST carries a
// GraphQL operation). Kept, because real servers refuse it too: graphql-http (the GraphQL over
// HTTP reference implementation) answers any method but GET and POST with 405 `Allow: GET, POST`,
// as Apollo Server does ("Apollo Server supports only GET/POST requests."). Forwarding a HEAD
// as a GET would run a query the client never asked to run; forwarding it as HEAD, a call the
// server refuses. This pins both sides against the real graphql-http server.
import { describe, expect, it } from 'vitest';
import { EXTRACT_CODES, extractForwarding } from '../../src/extract/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import { DOMAINS_TOKEN, signedPolicies } from './support.js';
import { railwayBehindProxy } from './railway-suite.js';
import { send } from './send.js';

const auth = { authorization: `Bearer ${DOMAINS_TOKEN}` };
const path = `/graphql/v2?query=${encodeURIComponent('{ me { id } }')}`;

describe('graphql HEAD, upstream graphql-http', () => {
  const suite = railwayBehindProxy('graphql-http');

  it('graphql-http itself answers HEAD with 405 and runs nothing', async () => {
    suite.upstream.executed.length = 0;
    const res = await send(suite.upstream.url, { method: 'HEAD', path, headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, POST');
    expect(suite.upstream.executed).toEqual([]);
  });

  it('the proxy refuses it (BG403) and forwards nothing; the same query as GET is decided and runs', async () => {
    suite.upstream.executed.length = 0;
    suite.upstream.received.length = 0;
    suite.harness.decided.length = 0;
    const head = await send(suite.harness.proxy.url, { method: 'HEAD', path, headers: auth });
    expect(head.status).toBe(403);
    expect(suite.harness.decided.map((d) => d.input['error'] !== undefined)).toEqual([true]);
    expect(suite.upstream.received).toEqual([]);
    const get = await send(suite.harness.proxy.url, { method: 'GET', path, headers: auth });
    expect(get.status, get.text).toBe(200);
    expect(suite.upstream.executed.length).toBeGreaterThan(0);
  });

  it('the refusal carries its code (a HEAD answer has no body: read from the extraction the proxy runs)', async () => {
    const catalog = catalogOfIr((await signedPolicies()).ir);
    const x = extractForwarding({ method: 'HEAD', url: path, headers: { ...auth, host: 'backboard.railway.com' } }, catalog, { time: '2026-12-01T00:00:00Z' });
    expect(x.operations.map((o) => o.error?.code)).toEqual([EXTRACT_CODES.unsupportedMethod]);
    expect(x.forward).toBeNull();
  });
});
