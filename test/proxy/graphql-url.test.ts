// GraphQL members hidden in the URL (review of 757abe2): a server whose query parser reads
// `query[]=…`, `Query=…` or `variables[id]=…` as GraphQL members must never run what the proxy
// did not decide. The canonical request carries no query string, and URL parameters that some
// server may read as a member are refused so the client learns its request was not read as sent.
import { describe, expect, it } from 'vitest';
import { DOMAINS_TOKEN, IDS } from './support.js';
import type { Stack } from './railway-upstream.js';
import { railwayBehindProxy } from './railway-suite.js';
import { send } from './send.js';

const ENDPOINT = '/graphql/v2';
const auth = { authorization: `Bearer ${DOMAINS_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const POCKETOS = `mutation { volumeDelete(volumeId: "${IDS.volume}") }`;
const enc = encodeURIComponent;
const ME = JSON.stringify({ query: '{ me { id } }' });
const PROJECT = JSON.stringify({ query: 'query Q($id: String!) { project(id: $id) { id } }', variables: { id: IDS.project } });

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: string;
}

const REFUSED: Case[] = [
  { name: 'POST me + ?query[]=volumeDelete', path: `${ENDPOINT}?query[]=${enc(POCKETOS)}`, body: ME },
  { name: 'POST me + ?query[0]=volumeDelete', path: `${ENDPOINT}?query[0]=${enc(POCKETOS)}`, body: ME },
  { name: 'POST me + ?query%5B%5D=volumeDelete', path: `${ENDPOINT}?query%5B%5D=${enc(POCKETOS)}`, body: ME },
  { name: 'POST me + ?query%255B%255D= (encoded twice)', path: `${ENDPOINT}?query%255B%255D=${enc(POCKETOS)}`, body: ME },
  { name: 'POST me + ?Query= (case)', path: `${ENDPOINT}?Query=${enc(POCKETOS)}`, body: ME },
  { name: 'POST me + ?QUERY[]= (case and brackets)', path: `${ENDPOINT}?QUERY[]=${enc(POCKETOS)}`, body: ME },
  { name: 'POST project + ?variables[id]=another project', path: `${ENDPOINT}?variables[id]=OTHER-PROJECT`, body: PROJECT },
  { name: 'POST project + ?variables.id=another project', path: `${ENDPOINT}?variables.id=OTHER-PROJECT`, body: PROJECT },
  { name: 'POST me + ?operationname=', path: `${ENDPOINT}?operationname=X`, body: ME },
  { name: 'POST me + ?extensions[persistedQuery][sha256Hash]=', path: `${ENDPOINT}?extensions[persistedQuery][sha256Hash]=${'ab'.repeat(32)}`, body: ME },
  { name: 'GET me + &query[]=volumeDelete (converted to POST)', method: 'GET', path: `${ENDPOINT}?query=${enc('{ me { id } }')}&query[]=${enc(POCKETOS)}` },
  { name: 'GET project + &variables[id]=another project', method: 'GET', path: `${ENDPOINT}?query=${enc('query Q($id: String!) { project(id: $id) { id } }')}&variables=${enc(JSON.stringify({ id: IDS.project }))}&variables[id]=OTHER` },
  { name: 'GET me + &Query=volumeDelete', method: 'GET', path: `${ENDPOINT}?query=${enc('{ me { id } }')}&Query=${enc(POCKETOS)}` },
];

describe.each<Stack>(['express-qs', 'graphql-http'])('graphql members hidden in the url, upstream %s', (stack) => {
  const suite = railwayBehindProxy(stack);

  it.each(REFUSED)('$name: refused (BG417), nothing forwarded', async (c) => {
    suite.upstream.executed.length = 0;
    suite.upstream.received.length = 0;
    const res = await send(suite.harness.proxy.url, { method: c.method ?? 'POST', path: c.path, headers: c.method === 'GET' ? auth : json, body: c.body });
    expect(res.status, res.text).toBe(403);
    const body = res.json() as { errors: { extensions: { code: string; error_code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BLASTGUARD_DENIED');
    expect(body.errors[0]!.extensions.error_code).toBe('BG417');
    expect(suite.upstream.received).toEqual([]);
    expect(suite.upstream.executed).toEqual([]);
  });

  it('a POST with an unrelated url parameter runs what was decided, and no query string reaches the upstream', async () => {
    suite.upstream.executed.length = 0;
    suite.upstream.received.length = 0;
    const res = await send(suite.harness.proxy.url, { path: `${ENDPOINT}?trace=1&queryx=2`, headers: json, body: ME });
    expect(res.status, res.text).toBe(200);
    expect(suite.upstream.executed.map((e) => e.name)).toEqual(['me']);
    expect(suite.upstream.received.map((r) => r.url)).toEqual([ENDPOINT]);
  });

  it('a GET is forwarded as a POST to the bare endpoint', async () => {
    suite.upstream.executed.length = 0;
    suite.upstream.received.length = 0;
    const path = `${ENDPOINT}?query=${enc('query Q($id: String!) { project(id: $id) { id } }')}&variables=${enc(JSON.stringify({ id: IDS.project }))}&trace=1`;
    const res = await send(suite.harness.proxy.url, { method: 'GET', path, headers: auth });
    expect(res.status, res.text).toBe(200);
    expect(suite.upstream.executed).toEqual([{ name: 'project', key: 'project', args: { id: IDS.project } }]);
    expect(suite.upstream.received.map((r) => [r.method, r.url])).toEqual([['POST', ENDPOINT]]);
  });
});
