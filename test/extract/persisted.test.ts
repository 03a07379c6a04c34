// Stored documents (persisted queries, trusted documents) expanded from the Api's manifest, JSON
// bodies labelled as forms, and JSON numbers a JavaScript number cannot hold.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs, extractForwarding } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import type { Ir } from '../../src/ir/types.js';
import { DOMAINS_TOKEN, TIME, URL_COM } from './fixture.js';
import { errorCode, inventory, ir, ops, post } from './helpers.js';

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const READ = 'query Me { me { id } }';
const WIPE = 'mutation Wipe($id: String!) { volumeDelete(volumeId: $id) }';
const FRAGMENTED = 'query P { ...F } fragment F on Query { project(id: "proj-uuid") { id } }';

/** The example IR with the Railway api declaring these trusted documents. */
function withDocuments(bodies: readonly string[], http?: { jsonLabelledAsForm: boolean }): Ir {
  const out = structuredClone(ir);
  const api = out.apis.find((a) => a.name === 'railway')!;
  api.trustedDocuments = bodies.map((body) => ({ id: sha(body), body })).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (http !== undefined) api.http = http;
  return out;
}

const TRUSTED = withDocuments([READ, WIPE, FRAGMENTED]);

function run(request: HttpRequest, catalog: Ir = TRUSTED) {
  return extractDecisionInputs(request, catalog, { time: TIME, inventory });
}
function forward(request: HttpRequest, catalog: Ir = TRUSTED) {
  return extractForwarding(request, catalog, { time: TIME, inventory });
}
const apq = (hash: string): Record<string, unknown> => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
const codes = (out: ReturnType<typeof run>): (string | null)[] => out.map((o) => o.error?.code ?? o.operation);

describe('stored documents from the trusted-documents manifest', () => {
  test('an Apollo APQ hash, a documentId (sha256: prefixed or custom), doc_id, id and queryId expand to the manifest body', () => {
    expect(codes(run(post(apq(sha(READ)))))).toEqual(['me']);
    expect(codes(run(post({ documentId: `sha256:${sha(READ)}` })))).toEqual(['me']);
    expect(codes(run(post({ documentId: sha(READ) })))).toEqual(['me']);
    for (const member of ['doc_id', 'id', 'queryId']) expect(codes(run(post({ [member]: sha(READ) }))), member).toEqual(['me']);
    // Variables and operationName travel with the id, and the decision is on the stored document.
    const wipe = run(post({ ...apq(sha(WIPE)), variables: { id: 'vol-prod' }, operationName: 'Wipe' }));
    expect(wipe.map((o) => o.operation)).toEqual(['volumeDelete']);
    expect(wipe[0]!.input.resource).toMatchObject({ id: 'vol-prod', environment: 'production' });
    expect(codes(run(post(apq(sha(FRAGMENTED)))))).toEqual(['project']);
  });

  test('a GET with documentId or an extensions parameter expands too; a stored mutation sent with GET is not forwarded', () => {
    const get = (search: string): HttpRequest => ({ method: 'GET', url: `${URL_COM}?${search}`, headers: { Authorization: `Bearer ${DOMAINS_TOKEN}` } });
    expect(codes(run(get(`documentId=sha256:${sha(READ)}`)))).toEqual(['me']);
    expect(codes(run(get(`extensions=${encodeURIComponent(JSON.stringify(apq(sha(READ)).extensions))}`)))).toEqual(['me']);
    const out = forward(get(`documentId=sha256:${sha(WIPE)}&variables=${encodeURIComponent('{"id":"vol-prod"}')}`));
    expect(out.forward).toBeNull();
    expect(out.operations[0]!.error?.code).toBe(EXTRACT_CODES.notForwardable);
    expect(codes(run(get(`documentId=a&documentId=b`)))).toEqual([EXTRACT_CODES.ambiguousParameters]);
  });

  test('the proxy forwards the expanded document printed, with no id left for the upstream to look up', () => {
    const out = forward(post({ ...apq(sha(WIPE)), variables: { id: 'vol-staging' } }));
    expect(out.operations.map((o) => o.operation)).toEqual(['volumeDelete']);
    expect(JSON.parse(Buffer.from(out.forward!.body).toString('utf8'))).toEqual({
      query: 'mutation Wipe($id: String!) {\n  volumeDelete(volumeId: $id)\n}',
      operationName: 'Wipe',
      variables: { id: 'vol-staging' },
    });
    const batch = forward(post([{ documentId: `sha256:${sha(READ)}` }, { query: '{ me { email } }' }]));
    const sent = JSON.parse(Buffer.from(batch.forward!.body).toString('utf8')) as { query: string }[];
    expect(sent.map((r) => Object.keys(r))).toEqual([['query', 'operationName'], ['query']]);
    expect(sent[0]!.query).toBe('query Me {\n  me {\n    id\n  }\n}');
  });

  test('an id the manifest lacks is refused (BG703), alone in a batch; two ids naming different documents too', () => {
    // An APQ hash alone is a cache probe with a fallback (the client then sends the query): BG705.
    expect(codes(run(post(apq('ab'.repeat(32)))))).toEqual([EXTRACT_CODES.persistedQueryNotFound]);
    expect(codes(run(post({ documentId: `sha256:${sha(READ).toUpperCase()}` })))).toEqual([EXTRACT_CODES.unknownStoredDocument]);
    expect(codes(run(post({ documentId: `md5:${sha(READ)}` })))).toEqual([EXTRACT_CODES.unknownStoredDocument]);
    expect(codes(run(post([{ documentId: sha(READ) }, { documentId: 'nope' }])))).toEqual(['me', EXTRACT_CODES.unknownStoredDocument]);
    expect(codes(run(post({ documentId: sha(READ), ...apq(sha(WIPE)) })))).toEqual([EXTRACT_CODES.unknownStoredDocument]);
    expect(forward(post(apq('ab'.repeat(32)))).forward).toBeNull();
  });

  test('a query next to its own hash is read (Apollo registers so); next to another hash it is refused (BG417)', () => {
    const query = '{ me { email } }';
    expect(codes(run(post({ query, ...apq(sha(query)) })))).toEqual(['me']);
    expect(codes(run(post({ query, documentId: `sha256:${sha(query)}` })))).toEqual(['me']);
    const registered = forward(post({ query, ...apq(sha(query)) }));
    expect(JSON.parse(Buffer.from(registered.forward!.body).toString('utf8'))).toEqual({ query: '{\n  me {\n    email\n  }\n}' });
    // The hash of a stored mutation next to a harmless query: the server may run the stored one.
    expect(codes(run(post({ query, ...apq(sha(WIPE)) })))).toEqual([EXTRACT_CODES.ambiguousParameters]);
    expect(codes(run(post({ query: READ, documentId: 'custom-id' })))).toEqual([EXTRACT_CODES.ambiguousParameters]);
  });

  test('without a manifest a stored-document id stays refused (BG407), and a member in another case before anything is dropped', () => {
    const bare = structuredClone(ir);
    delete bare.apis.find((a) => a.name === 'railway')!.trustedDocuments;
    expect(codes(run(post({ documentId: sha(READ) }), bare))).toEqual([EXTRACT_CODES.missingQuery]);
    // An APQ hash alone, with or without a manifest, is answered as not stored (BG705): the client sends the query.
    expect(codes(run(post(apq(sha(READ))), bare))).toEqual([EXTRACT_CODES.persistedQueryNotFound]);
    // The example catalog declares Railway's manifest: an id it lacks is BG703, and the policy denies it.
    expect(errorCode(post({ documentId: sha(READ) }))).toBe(EXTRACT_CODES.unknownStoredDocument);
    expect(errorCode(post(apq(sha(READ))))).toBe(EXTRACT_CODES.persistedQueryNotFound);
    expect(codes(run(post({ documentId: sha(READ), Query: WIPE })))).toEqual([EXTRACT_CODES.ambiguousParameters]);
    expect(codes(run(post({ documentId: 42.5 })))).toEqual([EXTRACT_CODES.invalidBody]);
    expect(codes(run(post({ extensions: { persistedQuery: { version: 1 } } })))).toEqual([EXTRACT_CODES.invalidBody]);
  });
});

describe('a JSON body labelled as a form', () => {
  const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const DECLARED = withDocuments([], { jsonLabelledAsForm: true });

  test('is refused for a graphql api that does not declare it (BG404)', () => {
    expect(errorCode(post({ query: '{ me { id } }' }, FORM))).toBe(EXTRACT_CODES.unsupportedContentType);
  });

  test('is read as JSON, and forwarded as application/json, for an api that declares its server reads it', () => {
    expect(codes(run(post({ query: READ }, FORM), DECLARED))).toEqual(['me']);
    const out = forward(post({ query: `mutation { volumeDelete(volumeId: "vol-staging") }` }, FORM), DECLARED);
    expect(out.operations.map((o) => o.operation)).toEqual(['volumeDelete']);
    expect(out.forward!.headers['content-type']).toBe('application/json');
    // A body that is not JSON is not read as a form instead: the server would read it as JSON.
    expect(codes(run(post('query=%7B%20me%20%7B%20id%20%7D%20%7D', FORM), DECLARED))).toEqual([EXTRACT_CODES.invalidBody]);
  });
});

describe('JSON numbers a JavaScript number cannot hold', () => {
  test('beyond 2^53, past a double\'s digits or range: refused (BG704) in a body and in GET variables', () => {
    const query = 'mutation($n: Int) { volumeDelete(volumeId: "vol-staging", n: $n) }';
    for (const n of ['9007199254740993', '-9007199254740993', '12345678901234567890', '0.1000000000000000055511151231257827', '1e400', '1e-400']) {
      expect(errorCode(post(`{"query":${JSON.stringify(query)},"variables":{"n":${n}}}`)), n).toBe(EXTRACT_CODES.inexactNumber);
      expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${encodeURIComponent('{ me { id } }')}&variables=${encodeURIComponent(`{"n":${n}}`)}` }), n).toBe(EXTRACT_CODES.inexactNumber);
    }
  });

  test('other spellings of a value a double holds pass', () => {
    for (const n of ['9007199254740991', '1.0', '1e3', '-0', '0.1', '1.5e-7', '1234500000000000000000e-5', '3.141592653589793']) {
      expect(ops(post(`{"query":"{ me { id } }","variables":{"n":${n}}}`)), n).toEqual(['me']);
    }
  });
});

describe('inexact JSON numbers in the other bodies the proxy re-serializes', () => {
  const big = '9007199254740993';
  test('an AWS JSON body (ECS) and a REST JSON body (GitHub) are refused (BG704), in decisions and in forwarding', () => {
    const ecs: HttpRequest = {
      method: 'POST',
      url: 'https://ecs.us-east-1.amazonaws.com/',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonEC2ContainerServiceV20141113.ListClusters', Authorization: 'AWS4-HMAC-SHA256 Credential=fake/20250717/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=fake' },
      body: `{"maxResults":${big}}`,
    };
    expect(codes(run(ecs, ir))).toEqual([EXTRACT_CODES.inexactNumber]);
    expect(codes(run({ ...ecs, body: '{"maxResults":10}' }, ir))).toEqual(['ListClusters']);
    const github: HttpRequest = { method: 'PATCH', url: 'https://api.github.com/repos/acme/web', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer fake-github-token' }, body: `{"description":"x","team_id":${big}}` };
    expect(codes(run(github, ir))).toEqual([EXTRACT_CODES.inexactNumber]);
    const forwarded = forward(github, ir);
    expect(forwarded.forward).toBeNull();
    expect(forwarded.operations[0]!.error?.code).toBe(EXTRACT_CODES.inexactNumber);
    expect(codes(run({ ...github, body: '{"description":"x","team_id":12}' }, ir))).toEqual(['repos.update']);
  });
});
