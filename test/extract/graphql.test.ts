import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { DOMAINS_FP, DOMAINS_TOKEN, TIME, URL_APP, URL_COM } from './fixture.js';
import { errorCode, ir, ops, post, run } from './helpers.js';

describe('graphql forms', () => {
  test('the PocketOS inline-literal mutation', () => {
    const out = run(post({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }, {}, URL_APP));
    expect(out).toHaveLength(1);
    expect(out[0]?.input).toEqual({
      api: 'railway',
      operation: { name: 'volumeDelete', type: 'mutation' },
      resource: { kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' },
      token: { fingerprint: DOMAINS_FP },
      identity: { verified: false },
      time: TIME,
    });
  });

  test('variables, operationName and the CLI body shape', () => {
    const out = run(
      post({
        query: 'mutation VolumeDelete($id: String!) {\n  volumeDelete(volumeId: $id)\n}',
        variables: { id: 'vol-staging' },
        operationName: 'VolumeDelete',
      }),
    );
    expect(out[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-staging', environment: 'staging', project: 'pocketos' });
  });

  test('aliases report the field name, every root field in document order', () => {
    const out = run(post({ query: 'mutation { tidy: volumeDelete(volumeId: "vol-prod") r: serviceInstanceRedeploy(serviceId: "svc-web", environmentId: "env-staging-uuid") }' }));
    expect(out.map((o) => o.operation)).toEqual(['volumeDelete', 'serviceInstanceRedeploy']);
    expect(out[0]?.alias).toBe('tidy');
    expect(out[1]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'staging', project: 'pocketos' });
  });

  test('the same field twice under two aliases is two operations', () => {
    expect(ops(post({ query: 'mutation { a: volumeDelete(volumeId: "vol-prod") b: volumeDelete(volumeId: "vol-staging") }' }))).toEqual([
      'volumeDelete',
      'volumeDelete',
    ]);
  });

  test('fragment spreads and inline fragments, nested, with a cycle', () => {
    const query = `
      mutation M { ...A ... on Mutation { inner: volumeDelete(volumeId: "vol-prod") } }
      fragment A on Mutation { customDomainDelete(id: "d1") ...B }
      fragment B on Mutation { ... { projectDelete(id: "p1") } ...A }`;
    expect(ops(post({ query }))).toEqual(['customDomainDelete', 'projectDelete', 'volumeDelete']);
  });

  test('fields merged by GraphQL (same key, same arguments) are one operation', () => {
    const query = 'mutation { volumeDelete(volumeId: "vol-prod") ... on Mutation { volumeDelete(volumeId: "vol-prod") } }';
    expect(ops(post({ query }))).toEqual(['volumeDelete']);
  });

  test('operationName selects one of several operations', () => {
    const query = 'query Look { me { id } } mutation Wipe { volumeDelete(volumeId: "vol-prod") }';
    expect(ops(post({ query, operationName: 'Wipe' }))).toEqual(['volumeDelete']);
    expect(ops(post({ query, operationName: 'Look' }))).toEqual(['me']);
  });

  test('queries yield read-typed inputs for every root field, introspection included', () => {
    const out = run(post({ query: '{ me { id } projects { edges { node { id } } } __schema { types { name } } __type(name: "Volume") { name } }' }));
    expect(out.map((o) => [o.operation, o.input.operation?.type])).toEqual([
      ['me', 'query'],
      ['projects', 'query'],
      ['__schema', 'query'],
      ['__type', 'query'],
    ]);
    for (const o of out) expect(evaluate(ir, o.input).class).toBe('read');
  });

  test('introspection inside a mutation document is still a read', () => {
    const out = run(post({ query: 'mutation { __typename }' }));
    expect(out[0]?.input.operation).toEqual({ name: '__typename', type: 'query' });
  });

  test('batched json arrays: every request in order; a bad member denies only itself', () => {
    const out = run(
      post([
        { query: 'query { me { id } }' },
        { query: 'mutation { volumeDelete(volumeId: "vol-prod") }' },
        { query: 'mutation {' },
      ]),
    );
    expect(out.map((o) => o.operation)).toEqual(['me', 'volumeDelete', null]);
    expect(out[2]?.error?.code).toBe(EXTRACT_CODES.graphqlSyntax);
  });

  test('GET with query, variables and operationName parameters', () => {
    const params = new URLSearchParams({
      query: 'query A { me { id } } mutation B($v: String!) { volumeDelete(volumeId: $v) }',
      variables: JSON.stringify({ v: 'vol-prod' }),
      operationName: 'B',
    });
    const out = run({ method: 'GET', url: `${URL_COM}?${params.toString()}`, headers: { authorization: `Bearer ${DOMAINS_TOKEN}` } });
    expect(out.map((o) => o.operation)).toEqual(['volumeDelete']);
    expect(out[0]?.input.resource?.environment).toBe('production');
  });

  test('application/graphql bodies and a missing content type', () => {
    expect(ops({ method: 'POST', url: URL_COM, headers: { 'content-type': 'application/graphql' }, body: '{ me { id } }' })).toEqual(['me']);
    expect(ops({ method: 'POST', url: URL_COM, body: JSON.stringify({ query: '{ me { id } }' }) })).toEqual(['me']);
    expect(ops({ method: 'POST', url: URL_COM, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"query":"{ me { id } }"}' })).toEqual([
      'me',
    ]);
  });

  test('bytes bodies are decoded as utf-8', () => {
    const body = new TextEncoder().encode(JSON.stringify({ query: '{ me { id } }' }));
    expect(ops({ method: 'POST', url: URL_COM, body })).toEqual(['me']);
  });
});

describe('graphql documents a server could run another way', () => {
  test('two operations of one name, or an anonymous operation next to others, are unparseable (BG409)', () => {
    // graphql-js `execute` runs the last `A`; a first-match lookup runs the first.
    const duplicate = post({ query: 'query A { me { id } } mutation A { volumeDelete(volumeId: "vol-prod") }', operationName: 'A' });
    expect(errorCode(duplicate)).toBe(EXTRACT_CODES.operationNotFound);
    expect(run(duplicate)[0]?.error?.message).toBe('the graphql document defines operation `A` more than once');
    expect(errorCode(post({ query: 'query A { me { id } } query A { me { id } }' }))).toBe(EXTRACT_CODES.operationNotFound);
    expect(errorCode(post({ query: '{ me { id } } mutation { volumeDelete(volumeId: "vol-prod") }' }))).toBe(EXTRACT_CODES.operationNotFound);
    expect(errorCode(post({ query: '{ me { id } } mutation B { volumeDelete(volumeId: "vol-prod") }', operationName: 'B' }))).toBe(EXTRACT_CODES.operationNotFound);
    expect(errorCode(post({ query: 'query A { me { id } } { volumeDelete(volumeId: "vol-prod") }', operationName: 'A' }))).toBe(EXTRACT_CODES.operationNotFound);
    // Distinct names still select.
    expect(ops(post({ query: 'query A { me { id } } mutation B { volumeDelete(volumeId: "vol-prod") }', operationName: 'B' }))).toEqual(['volumeDelete']);
  });

  test('a stored-document id next to `query` is unparseable (BG417): the server may run the stored one', () => {
    const query = '{ me { id } }';
    for (const extra of [
      { documentId: 'sha256:abc' },
      { doc_id: '123' },
      { doc_id: 123 },
      { id: 'abc' },
      { queryId: 'q1' },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } },
    ]) {
      expect(errorCode(post({ query, ...extra })), JSON.stringify(extra)).toBe(EXTRACT_CODES.ambiguousParameters);
    }
    const q = encodeURIComponent(query);
    for (const extra of ['documentId=x', 'doc_id=1', 'id=abc', 'queryId=q', `extensions=${encodeURIComponent('{"persistedQuery":{"version":1,"sha256Hash":"ab"}}')}`]) {
      expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${q}&${extra}` }), extra).toBe(EXTRACT_CODES.ambiguousParameters);
      expect(errorCode({ method: 'POST', url: `${URL_COM}?${extra}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }), extra).toBe(
        EXTRACT_CODES.ambiguousParameters,
      );
    }
    // Other extensions or a null member are not stored documents (a numeric `id` is: see below).
    expect(ops(post({ query, extensions: { tracing: true }, documentId: null }))).toEqual(['me']);
    expect(ops({ method: 'GET', url: `${URL_COM}?query=${q}&extensions=${encodeURIComponent('{"tracing":true}')}` })).toEqual(['me']);
    // In a batch, only the element that has both is denied.
    expect(run(post([{ query }, { query, documentId: 'x' }])).map((r) => r.error?.code ?? r.operation)).toEqual(['me', EXTRACT_CODES.ambiguousParameters]);
  });
});

describe('reviewer fail-opens: requests a server could read more dangerously', () => {
  test('a fragment name defined twice is unparseable (BG408)', () => {
    const query =
      'mutation { ...F } fragment F on Mutation { volumeDelete(volumeId: "vol-staging") } fragment F on Mutation { volumeDelete(volumeId: "vol-prod") }';
    expect(errorCode(post({ query }))).toBe(EXTRACT_CODES.graphqlSyntax);
    const once = 'mutation { ...F } fragment F on Mutation { volumeDelete(volumeId: "vol-staging") } fragment G on Mutation { volumeDelete(volumeId: "vol-prod") }';
    expect(ops(post({ query: once }))).toEqual(['volumeDelete']);
  });

  test('a numeric `id` next to `query` names a stored document too (BG417)', () => {
    const query = 'query { me { id } }';
    expect(errorCode(post({ query, id: 42 }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query, id: 0 }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query, id: 'doc' }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(ops(post({ query, id: null }))).toEqual(['me']);
  });
});
