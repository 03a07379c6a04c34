// The proxy in front of a Railway-like server on two real stacks, once the published bundle's
// catalog declares trusted documents and that the server reads JSON labelled as a form: stored
// ids are expanded from the bundle alone and the expanded document is what runs upstream.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogOfIr } from '../../src/ir/catalog.js';
import { DOMAINS_TOKEN, IDS, signedPolicies } from './support.js';
import type { Stack } from './railway-upstream.js';
import { railwayBehindProxy } from './railway-suite.js';
import { send } from './send.js';

const ENDPOINT = '/graphql/v2';
const auth = { authorization: `Bearer ${DOMAINS_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const ME = 'query Me { me { id email } }';
const CREATE = 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }';
const POCKETOS = `mutation VolumeDelete { volumeDelete(volumeId: "${IDS.volume}") }`;
const DOMAIN_INPUT = { domain: 'staging.pocketos.example', environmentId: IDS.staging, projectId: IDS.project, serviceId: IDS.service };
const apq = (body: string): Record<string, unknown> => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha(body) } } });

describe.each<Stack>(['graphql-http', 'express'])('trusted documents through the proxy in front of %s', (stack) => {
  const suite = railwayBehindProxy(stack);

  async function call(headers: Record<string, string>, body: unknown) {
    suite.upstream.executed.length = 0;
    suite.upstream.received.length = 0;
    return send(suite.harness.proxy.url, { path: ENDPOINT, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }

  it('before the bundle declares them, a stored id and a form-labelled body are refused and nothing runs', async () => {
    expect((await call(json, { documentId: `sha256:${sha(ME)}` })).status).toBe(403);
    // An APQ hash alone is answered as a server that has not stored it answers: the client sends the query.
    const probe = await call(json, apq(ME));
    expect(probe.status).toBe(200);
    expect((probe.json() as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await call(form, { query: ME })).status).toBe(403);
    expect(suite.upstream.executed).toEqual([]);
  });

  it('after a bundle declaring them is published: ids expand from the bundle, the expanded document is what runs', async () => {
    const signed = await signedPolicies();
    const catalog = structuredClone(catalogOfIr(signed.ir));
    const railway = catalog.apis.find((a) => a.name === 'railway')!;
    railway.trustedDocuments = [ME, CREATE, POCKETOS].map((body) => ({ id: sha(body), body })).sort((a, b) => (a.id < b.id ? -1 : 1));
    railway.http = { jsonLabelledAsForm: true };
    await suite.harness.publish(await signed.bundle('r2', 2, 'normal', catalog));
    await suite.harness.enforcer.refresh();
    expect(suite.harness.enforcer.status().active_revision).toBe('r2');

    const read = await call(json, apq(ME));
    expect(read.status, read.text).toBe(200);
    expect(suite.upstream.executed.map((e) => e.name)).toEqual(['me']);
    // No id reaches the upstream: it runs the printed document, whatever it stores under the id.
    expect(JSON.parse(suite.upstream.received[0]!.body)).toEqual({ query: 'query Me {\n  me {\n    id\n    email\n  }\n}', operationName: 'Me' });

    const created = await call(json, { documentId: `sha256:${sha(CREATE)}`, variables: { input: DOMAIN_INPUT } });
    expect(created.status, created.text).toBe(200);
    expect(suite.upstream.executed).toEqual([{ name: 'customDomainCreate', key: 'customDomainCreate', args: { input: DOMAIN_INPUT } }]);

    const wiped = await call(json, apq(POCKETOS));
    expect(wiped.status).toBe(403);
    expect((wiped.json() as { errors: { extensions: { rule: string } }[] }).errors[0]!.extensions.rule).toBe('railway-production/no-destructive-in-production');
    expect(suite.upstream.executed).toEqual([]);

    // Apollo Client's APQ flow for a query the manifest lacks: the hash alone is answered
    // PersistedQueryNotFound (nothing runs), the query sent next to its hash is decided and runs.
    const other = 'query Again { me { id } }';
    const miss = await call(json, apq(other));
    expect(miss.status).toBe(200);
    expect(miss.json()).toMatchObject({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', error_code: 'BG705' } }] });
    expect(suite.upstream.executed).toEqual([]);
    const resent = await call(json, { query: other, ...apq(other) });
    expect(resent.status, resent.text).toBe(200);
    expect(suite.upstream.executed.map((e) => e.name)).toEqual(['me']);
    const wipeProbe = await call(json, { query: 'mutation W { volumeDelete(volumeId: "x") }', ...apq('mutation W { volumeDelete(volumeId: "x") }') });
    expect(wipeProbe.status).toBe(403);

    const unknown = await call(json, { documentId: `sha256:${'ab'.repeat(32)}` });
    expect(unknown.status).toBe(403);
    expect(suite.harness.decided[suite.harness.decided.length - 1]!.input['error']).toMatch(/not in the api's trusted documents/);
    expect(suite.upstream.executed).toEqual([]);
  });

  it('a JSON body labelled as a form (curl -d) is read as JSON and forwarded as application/json', async () => {
    const res = await call(form, { query: ME });
    expect(res.status, res.text).toBe(200);
    expect(suite.upstream.executed.map((e) => e.name)).toEqual(['me']);
    expect(suite.upstream.received[0]!.contentType).toBe('application/json');
    expect((await call(form, 'query=%7B%20me%20%7B%20id%20%7D%20%7D')).status).toBe(403);
    expect(suite.upstream.executed).toEqual([]);
  });

  it('a JSON number a JavaScript number cannot hold is refused; one it holds passes unchanged', async () => {
    const sent = (port: string): string => `{"query":${JSON.stringify(CREATE)},"variables":{"input":{"domain":"a.pocketos.example","environmentId":"${IDS.staging}","projectId":"${IDS.project}","serviceId":"${IDS.service}","targetPort":${port}}}}`;
    expect((await call(json, sent('9007199254740993'))).status).toBe(403);
    expect(suite.harness.decided[suite.harness.decided.length - 1]!.input['error']).toMatch(/does not hold exactly/);
    expect(suite.upstream.executed).toEqual([]);
    const ok = await call(json, sent('8080'));
    expect(ok.status, ok.text).toBe(200);
    expect((suite.upstream.executed[0]!.args['input'] as { targetPort: number }).targetPort).toBe(8080);
  });
});
