// The egress proxy in front of a Railway-like GraphQL server on two real stacks: what the upstream
// executes is exactly what was decided, for every request form; denials forward nothing.
import { gzipSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DOMAINS_TOKEN, IDS } from './support.js';
import type { Stack } from './railway-upstream.js';
import { railwayBehindProxy } from './railway-suite.js';
import { send } from './send.js';

const ENDPOINT = '/graphql/v2';
const auth = { authorization: `Bearer ${DOMAINS_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const DOMAIN_INPUT = { domain: 'staging.pocketos.example', environmentId: IDS.staging, projectId: IDS.project, serviceId: IDS.service };
const CREATE = 'mutation CustomDomainCreate($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id domain } }';
const POCKETOS = `mutation { volumeDelete(volumeId: "${IDS.volume}") }`;

interface Form {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Expected: the root fields that run (and are decided), or 'refused' (nothing forwarded). */
  runs: readonly string[] | 'refused';
}

const FORMS: Form[] = [
  { name: 'a plain query', headers: json, body: JSON.stringify({ query: '{ projects { edges { node { id name } } } }' }), runs: ['projects'] },
  { name: 'aliases', headers: json, body: JSON.stringify({ query: '{ a: me { id } b: me { email } p: projects { edges { node { id } } } }' }), runs: ['me', 'me', 'projects'] },
  { name: 'fragments and inline fragments', headers: json, body: JSON.stringify({ query: 'query Q { ...F ... on Query { me { id } } } fragment F on Query { projects { edges { node { ...P } } } } fragment P on Project { id name } fragment Unused on Query { me { email } }' }), runs: ['projects', 'me'] },
  { name: 'the domains call with variables', headers: json, body: JSON.stringify({ query: CREATE, variables: { input: DOMAIN_INPUT }, operationName: 'CustomDomainCreate' }), runs: ['customDomainCreate'] },
  { name: 'operationName picks one of several operations', headers: json, body: JSON.stringify({ query: `query Read { me { id } } mutation Wipe { volumeDelete(volumeId: "${IDS.volume}") }`, operationName: 'Read' }), runs: ['me'] },
  { name: '@skip hides a destructive field that does not run', headers: json, body: JSON.stringify({ query: `mutation M($s: Boolean!, $input: CustomDomainCreateInput!) { volumeDelete(volumeId: "${IDS.volume}") @skip(if: $s) customDomainCreate(input: $input) { id } }`, variables: { s: true, input: DOMAIN_INPUT } }), runs: ['customDomainCreate'] },
  { name: '@skip(if: false) runs the destructive field', headers: json, body: JSON.stringify({ query: `mutation M($s: Boolean!) { volumeDelete(volumeId: "${IDS.volume}") @skip(if: $s) }`, variables: { s: false } }), runs: 'refused' },
  { name: '@include evaluated, unused variables dropped', headers: json, body: JSON.stringify({ query: 'query Q($i: Boolean = false, $j: Boolean!) { me @include(if: $i) { id } projects @include(if: $j) { edges { node { id } } } }', variables: { j: true } }), runs: ['projects'] },
  { name: 'GET with url parameters, forwarded as POST', method: 'GET', path: `${ENDPOINT}?query=${encodeURIComponent('query Q($id: String!) { project(id: $id) { id } }')}&variables=${encodeURIComponent(JSON.stringify({ id: IDS.project }))}`, headers: auth, runs: ['project'] },
  { name: 'a mutation sent with GET', method: 'GET', path: `${ENDPOINT}?query=${encodeURIComponent(POCKETOS)}`, headers: auth, runs: 'refused' },
  { name: 'application/graphql body', headers: { ...auth, 'content-type': 'application/graphql' }, body: '{ me { id } }', runs: ['me'] },
  { name: 'charset utf-8 with non-ascii text', headers: { ...auth, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ query: CREATE, variables: { input: { ...DOMAIN_INPUT, domain: 'bücher.pocketos.example' } } }), runs: ['customDomainCreate'] },
  { name: 'a latin-1 body', headers: { ...auth, 'content-type': 'application/json; charset=iso-8859-1' }, body: Buffer.from(JSON.stringify({ query: '{ me { email } }', variables: { x: 'b\u00fccher' } }), 'latin1'), runs: 'refused' },
  { name: 'url parameters next to a POST body', path: `${ENDPOINT}?query=${encodeURIComponent(POCKETOS)}`, headers: json, body: JSON.stringify({ query: '{ me { id } }' }), runs: 'refused' },
  { name: 'a gzip body, forwarded plain', headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify({ query: '{ me { id } }' })), runs: ['me'] },
  { name: 'a deflate body', headers: { ...json, 'content-encoding': 'deflate' }, body: deflateSync(JSON.stringify({ query: '{ me { id } }' })), runs: 'refused' },
  { name: 'duplicate keys', headers: json, body: `{"query":"{ me { id } }","query":${JSON.stringify(POCKETOS)}}`, runs: 'refused' },
  { name: 'an alias hiding volumeDelete', headers: json, body: JSON.stringify({ query: `mutation { domains: volumeDelete(volumeId: "${IDS.volume}") }` }), runs: 'refused' },
  { name: 'a batch with a destructive element', headers: json, body: JSON.stringify([{ query: '{ me { id } }' }, { query: POCKETOS }]), runs: 'refused' },
  { name: 'a method override header', headers: { ...json, 'x-http-method-override': 'GET' }, body: JSON.stringify({ query: '{ me { id } }' }), runs: 'refused' },
  // (An APQ hash alone is answered PersistedQueryNotFound instead: trusted-documents.test.ts.)
  { name: 'a stored document the manifest lacks', headers: json, body: JSON.stringify({ documentId: `sha256:${'ab'.repeat(32)}` }), runs: 'refused' },
  { name: 'a member spelled in another case', headers: json, body: JSON.stringify({ query: '{ me { id } }', Query: POCKETOS }), runs: 'refused' },
  { name: 'a fragment cycle', headers: json, body: JSON.stringify({ query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }), runs: 'refused' },
  { name: 'aliases past the limit', headers: json, body: JSON.stringify({ query: `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: me { id }`).join(' ')} }` }), runs: 'refused' },
  { name: 'depth past the limit', headers: json, body: JSON.stringify({ query: `{ ${'projects { edges { node { volumes { edges { node { id } } } } } } '.repeat(1)} ${'me { id } '} }`.replace('projects', `${'projects { edges { node { '.repeat(0)}projects`) + `# ${'x'.repeat(1)}` }), runs: ['projects', 'me'] },
];

describe.each<Stack>(['graphql-http', 'express'])('the proxy in front of %s', (stack) => {
  const suite = railwayBehindProxy(stack);

  it.each(FORMS)('$name: what runs upstream is what was decided', async (form) => {
    suite.upstream.executed.length = 0;
    suite.harness.decided.length = 0;
    const res = await send(suite.harness.proxy.url, { method: form.method ?? 'POST', path: form.path ?? ENDPOINT, headers: form.headers ?? {}, body: form.body });
    const decidedOps = suite.harness.decided.map((d) => (d.input['operation'] as { name: string } | undefined)?.name ?? null);
    if (form.runs === 'refused') {
      expect(res.status, res.text).toBe(403);
      expect(suite.upstream.executed).toEqual([]);
      const body = res.json() as { errors: { extensions: { code: string; rule: string; decision_id: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('BLASTGUARD_DENIED');
      expect(body.errors[0]!.extensions.decision_id).toMatch(/^[0-9a-f-]{36}$/);
      return;
    }
    expect(res.status, res.text).toBe(200);
    expect((res.json() as { errors?: unknown }).errors, res.text).toBeUndefined();
    expect(suite.upstream.executed.map((e) => e.name).sort()).toEqual([...form.runs].sort());
    expect(decidedOps.sort()).toEqual([...form.runs].sort());
  });

  it('refuses the PocketOS volumeDelete with the rule named, and forwards nothing', async () => {
    suite.upstream.executed.length = 0;
    const res = await send(suite.harness.proxy.url, { path: ENDPOINT, headers: json, body: JSON.stringify({ query: POCKETOS }) });
    expect(res.status).toBe(403);
    const [error] = (res.json() as { errors: { message: string; extensions: { code: string; rule: string; reasons: string[]; decision_id: string } }[] }).errors;
    expect(error!.extensions.code).toBe('BLASTGUARD_DENIED');
    expect(error!.extensions.rule).toMatch(/\S/);
    expect(error!.message).toContain(error!.extensions.rule);
    expect(error!.extensions.reasons.length).toBeGreaterThan(0);
    expect(suite.upstream.executed).toEqual([]);
  });

  it('forwards the domains call unchanged in meaning', async () => {
    suite.upstream.executed.length = 0;
    const res = await send(suite.harness.proxy.url, { path: ENDPOINT, headers: json, body: JSON.stringify({ query: CREATE, variables: { input: DOMAIN_INPUT }, operationName: 'CustomDomainCreate' }) });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ data: { customDomainCreate: { id: 'cd1', domain: DOMAIN_INPUT.domain } } });
    expect(suite.upstream.executed).toEqual([{ name: 'customDomainCreate', key: 'customDomainCreate', args: { input: DOMAIN_INPUT } }]);
    const last = suite.upstream.received[suite.upstream.received.length - 1]!;
    expect(last.method).toBe('POST');
    expect(last.contentType).toBe('application/json');
  });
});
