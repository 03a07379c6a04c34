import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir } from '../../src/ir/types.js';
import { DOMAINS_FP, DOMAINS_TOKEN, TIME, URL_COM } from './fixture.js';
import { errorCode, httpIr, inventory, ir, ops, post, run } from './helpers.js';

describe('unparseable requests yield exactly one input the policy denies', () => {
  const cases: [string, HttpRequest, string][] = [
    ['bad json', post('{"query": '), EXTRACT_CODES.invalidBody],
    ['json that is not an object', post('"mutation { volumeDelete(volumeId: \\"x\\") }"'), EXTRACT_CODES.invalidBody],
    ['graphql syntax error', post({ query: 'mutation { volumeDelete(volumeId: "x" }' }), EXTRACT_CODES.graphqlSyntax],
    ['unknown operationName', post({ query: 'mutation A { me } ', operationName: 'B' }), EXTRACT_CODES.operationNotFound],
    ['several operations and no name', post({ query: 'query A { me } mutation B { volumeDelete(volumeId: "x") }' }), EXTRACT_CODES.operationNotFound],
    ['missing query', post({ variables: {} }), EXTRACT_CODES.missingQuery],
    ['empty query', post({ query: '  ' }), EXTRACT_CODES.missingQuery],
    ['persisted query hash only', post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } }), EXTRACT_CODES.unknownStoredDocument],
    ['empty body', post(''), EXTRACT_CODES.missingQuery],
    ['query not a string', post({ query: 42 }), EXTRACT_CODES.invalidBody],
    ['operationName not a string', post({ query: '{ me }', operationName: 1 }), EXTRACT_CODES.invalidBody],
    ['variables not an object', post({ query: '{ me }', variables: [1] }), EXTRACT_CODES.missingVariable],
    ['required variable missing', post({ query: 'mutation D($id: String!) { volumeDelete(volumeId: $id) }' }), EXTRACT_CODES.missingVariable],
    ['required variable null', post({ query: 'mutation D($id: String!) { volumeDelete(volumeId: $id) }', variables: { id: null } }), EXTRACT_CODES.missingVariable],
    ['undeclared variable', post({ query: 'mutation { volumeDelete(volumeId: $id) }', variables: { id: 'x' } }), EXTRACT_CODES.missingVariable],
    ['unknown fragment', post({ query: 'mutation { ...Nope }' }), EXTRACT_CODES.unknownFragment],
    ['fragments only', post({ query: 'fragment F on Mutation { me }' }), EXTRACT_CODES.noOperation],
    ['type definitions', post({ query: 'type Q { a: Int } query { me }' }), EXTRACT_CODES.graphqlSyntax],
    ['empty batch', post([]), EXTRACT_CODES.noOperation],
    ['unsupported content type', post({ query: '{ me }' }, { 'content-type': 'application/x-www-form-urlencoded' }), EXTRACT_CODES.unsupportedContentType],
    ['wrong path', post({ query: '{ me }' }, {}, 'https://backboard.railway.com/graphql/v1'), EXTRACT_CODES.wrongEndpoint],
    ['unknown host', post({ query: '{ me }' }, {}, 'https://api.example.com/graphql/v2'), EXTRACT_CODES.unknownHost],
    ['bad url', post({ query: '{ me }' }, {}, 'not a url'), EXTRACT_CODES.invalidUrl],
    ['ftp url', post({ query: '{ me }' }, {}, 'ftp://backboard.railway.com/graphql/v2'), EXTRACT_CODES.invalidUrl],
    ['origin-form without host', post({ query: '{ me }' }, {}, '/graphql/v2'), EXTRACT_CODES.invalidUrl],
    ['origin-form opening with // (another authority to url parsers)', post({ query: '{ me }' }, { host: 'api.github.com' }, '//backboard.railway.com/graphql/v2'), EXTRACT_CODES.invalidUrl],
    ['origin-form opening with /\\', post({ query: '{ me }' }, { host: 'api.github.com' }, '/\\backboard.railway.com/graphql/v2'), EXTRACT_CODES.invalidUrl],
    ['origin-form opening with /<tab>/', post({ query: '{ me }' }, { host: 'api.github.com' }, '/\t/backboard.railway.com/graphql/v2'), EXTRACT_CODES.invalidUrl],
    ['PUT', { method: 'PUT', url: URL_COM, body: '{"query":"{ me }"}' }, EXTRACT_CODES.unsupportedMethod],
    ['GET without query', { method: 'GET', url: URL_COM }, EXTRACT_CODES.missingQuery],
    ['invalid utf-8', { method: 'POST', url: URL_COM, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, EXTRACT_CODES.invalidBody],
  ];
  test.each(cases)('%s', (_name, request, code) => {
    expect(errorCode(request)).toBe(code);
  });

  test('graphql parameters in the url of a POST, or repeated in the url of a GET', () => {
    const q = (query: string) => encodeURIComponent(query);
    const benign = q('{ me { id } }');
    const wipe = q('mutation { volumeDelete(volumeId: "vol-prod") }');
    const body = JSON.stringify({ query: '{ me { id } }' });
    // Some servers let url parameters win over the body, others ignore them.
    for (const url of [`${URL_COM}?query=${wipe}`, `${URL_COM}?operationName=B`, `${URL_COM}?variables=%7B%7D`]) {
      expect(errorCode({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body }), url).toBe(EXTRACT_CODES.ambiguousParameters);
      expect(errorCode({ method: 'POST', url, headers: { 'content-type': 'application/graphql' }, body: '{ me { id } }' }), url).toBe(
        EXTRACT_CODES.ambiguousParameters,
      );
    }
    // Servers differ on which copy of a repeated parameter they read.
    for (const search of [`query=${benign}&query=${wipe}`, `query=${benign}&operationName=A&operationName=B`, `query=${benign}&variables=%7B%7D&variables=%7B%7D`]) {
      expect(errorCode({ method: 'GET', url: `${URL_COM}?${search}` }), search).toBe(EXTRACT_CODES.ambiguousParameters);
    }
    // A GET with a body: some servers read the body.
    expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${benign}`, body: JSON.stringify({ query: 'mutation { volumeDelete(volumeId: "vol-prod") }' }) })).toBe(
      EXTRACT_CODES.ambiguousParameters,
    );
    // Other url parameters are not graphql's.
    expect(ops({ method: 'POST', url: `${URL_COM}?trace=1`, body })).toEqual(['me']);
    expect(ops({ method: 'GET', url: `${URL_COM}?query=${benign}&trace=1&trace=2` })).toEqual(['me']);
  });

  test('an http method override, in a header or a _method parameter, makes any request unparseable', () => {
    const body = JSON.stringify({ query: '{ me { id } }' });
    for (const header of ['X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override']) {
      for (const value of ['DELETE', 'POST', '']) {
        expect(errorCode({ method: 'POST', url: URL_COM, headers: { [header]: value }, body }), `${header}: ${value}`).toBe(EXTRACT_CODES.methodOverride);
      }
      expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${encodeURIComponent('{ me { id } }')}`, headers: { [header]: 'POST' } })).toBe(
        EXTRACT_CODES.methodOverride,
      );
    }
    // CGI-style servers read `_` as `-` in header names.
    expect(errorCode({ method: 'POST', url: URL_COM, headers: { X_HTTP_Method_Override: 'DELETE' }, body })).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode({ method: 'POST', url: `${URL_COM}?_method=DELETE`, body })).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${encodeURIComponent('{ me { id } }')}&_METHOD=POST` })).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode(post({ query: '{ me { id } }', _method: 'DELETE' }))).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode(post([{ query: '{ me { id } }' }, { query: '{ me { id } }', _method: 'PUT' }]))).toBe(EXTRACT_CODES.methodOverride);
    expect(errorCode(post('query=x&_method=DELETE', { 'Content-Type': 'application/x-www-form-urlencoded' }))).toBe(EXTRACT_CODES.methodOverride);
    expect(
      errorCode(post('--b\r\nContent-Disposition: form-data; name="_method"\r\n\r\nDELETE\r\n--b--', { 'Content-Type': 'multipart/form-data; boundary=b' })),
    ).toBe(EXTRACT_CODES.methodOverride);
    // A `_method` deeper in the document is an argument, not an override.
    expect(ops(post({ query: '{ me { id } }', variables: { _method: 'x' } }))).toEqual(['me']);
  });

  test('a header some stacks read as the real path, host or method makes any request unparseable', () => {
    const body = JSON.stringify({ query: '{ me { id } }' });
    for (const header of ['X-Original-URL', 'x-rewrite-url', 'X-Original-URI', 'X-Forwarded-Uri', 'X-Forwarded-Path', 'X-Envoy-Original-Path', 'X-Forwarded-Prefix', 'X-Forwarded-Host', 'X-Original-Host', 'X_Original_URL', 'X_Rewrite_Url']) {
      expect(errorCode({ method: 'POST', url: URL_COM, headers: { [header]: '/graphql/internal' }, body }), header).toBe(EXTRACT_CODES.targetOverride);
    }
    // Values other than the request's own target and host: agreeing ones say nothing else (test/extract/edge-headers.test.ts).
    for (const value of ['host=railway.app', 'for=192.0.2.1;Host="x.example"', 'for=a, for=b;proto=https;host=x']) {
      expect(errorCode({ method: 'POST', url: URL_COM, headers: { Forwarded: value }, body }), value).toBe(EXTRACT_CODES.targetOverride);
    }
    expect(errorCode({ method: 'POST', url: URL_COM, headers: { 'X-Original-Method': 'DELETE' }, body })).toBe(EXTRACT_CODES.methodOverride);
    // The client's own address and scheme change no call.
    expect(ops({ method: 'POST', url: URL_COM, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DOMAINS_TOKEN}`, Forwarded: 'for=192.0.2.1;proto=https', 'X-Forwarded-For': '192.0.2.1', 'X-Forwarded-Proto': 'https' }, body })).toEqual(['me']);
  });

  test('a json member repeated in one object: parsers differ on which copy they keep', () => {
    const body = '{"query":"mutation { volumeDelete(volumeId: \\"vol-prod\\") }","query":"{ me { id } }"}';
    expect(errorCode(post(body))).toBe(EXTRACT_CODES.invalidBody);
    expect(run(post(body))[0]?.error?.message).toBe('the json body repeats the member `query` in one object: parsers differ on which copy they keep');
    // Through escapes, inside variables, inside batches; and in GET variables.
    expect(errorCode(post('{"query":"{ me { id } }","\\u0071uery":"{ me { id } }"}'))).toBe(EXTRACT_CODES.invalidBody);
    expect(errorCode(post('{"query":"mutation D($id: String!) { volumeDelete(volumeId: $id) }","variables":{"id":"vol-prod","id":"vol-staging"}}'))).toBe(
      EXTRACT_CODES.invalidBody,
    );
    expect(errorCode(post('[{"query":"{ me { id } }"},{"query":"{ me { id } }","operationName":"A","operationName":"B"}]'))).toBe(EXTRACT_CODES.invalidBody);
    const variables = encodeURIComponent('{"id":"vol-prod","id":"vol-staging"}');
    const query = encodeURIComponent('mutation D($id: String!) { volumeDelete(volumeId: $id) }');
    expect(errorCode({ method: 'GET', url: `${URL_COM}?query=${query}&variables=${variables}` })).toBe(EXTRACT_CODES.invalidBody);
    // The same name in different objects, or as a value, is fine.
    expect(ops(post('{"query":"query Q($a: String, $b: String) { me { id } }","variables":{"a":"query","b":{"a":1}},"extensions":{"query":1}}'))).toEqual(['me']);
    expect(ops(post('[{"query":"{ me { id } }"},{"query":"{ me { id } }"}]'))).toEqual(['me', 'me']);
  });

  test('graphql names repeated where a server without validation could keep either copy', () => {
    expect(errorCode(post({ query: 'mutation { volumeDelete(volumeId: "vol-staging", volumeId: "vol-prod") }' }))).toBe(EXTRACT_CODES.graphqlSyntax);
    expect(
      errorCode(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-web", serviceId: "svc-other", domain: "x" }) { id } }' })),
    ).toBe(EXTRACT_CODES.graphqlSyntax);
    expect(errorCode(post({ query: 'mutation D($id: String = "vol-staging", $id: String = "vol-prod") { volumeDelete(volumeId: $id) }' }))).toBe(
      EXTRACT_CODES.graphqlSyntax,
    );
  });

  test('a body over the size limit', () => {
    const body = JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(200)}` });
    expect(errorCode(post(body), { maxBodyBytes: 100 })).toBe(EXTRACT_CODES.bodyTooLarge);
  });

  test('a GET query string over the size limit', () => {
    const url = `${URL_COM}?query=${encodeURIComponent(`{ me { id } } # ${'x'.repeat(200)}`)}`;
    expect(errorCode({ method: 'GET', url }, { maxBodyBytes: 100 })).toBe(EXTRACT_CODES.bodyTooLarge);
  });

  test('a hostile, deeply nested document', () => {
    const query = `mutation { ${'... on Mutation { '.repeat(5000)}volumeDelete(volumeId: "x")${' }'.repeat(5000)} }`;
    const out = run(post({ query }));
    expect(out).toHaveLength(1);
    expect(evaluate(ir, out[0]?.input).mode).toBe('deny');
  });

  test('the error input keeps the token fingerprint and identity for the decision log', () => {
    const out = run(post('nope', { baggage: 'originator=user:jer' }));
    expect(out[0]?.input).toMatchObject({ api: 'railway', token: { fingerprint: DOMAINS_FP }, identity: { originator: 'user:jer' }, time: TIME });
  });
});

test('a Date time is serialized as RFC 3339 UTC', () => {
  const out = run(post({ query: '{ me { id } }' }), { time: new Date(Date.UTC(2026, 3, 24, 21, 0, 0)) });
  expect(out[0]?.input.time).toBe('2026-04-24T21:00:00.000Z');
});

describe('reviewer fail-opens: requests a server could read more dangerously', () => {
  test('a body with a content encoding other than identity is unparseable (BG404)', () => {
    const body = { query: 'query { me { id } }' };
    for (const encoding of ['gzip', 'deflate', 'br', 'GZIP', 'identity, gzip']) {
      expect(errorCode(post(body, { 'Content-Encoding': encoding })), encoding).toBe(EXTRACT_CODES.unsupportedContentType);
    }
    expect(ops(post(body, { 'Content-Encoding': 'identity' }))).toEqual(['me']);
    expect(ops(post(body))).toEqual(['me']);
  });

  test('several Host headers, a Host disagreeing with the url, or userinfo is unparseable (BG412)', () => {
    const body = { query: 'mutation { volumeDelete(volumeId: "vol-staging") }' };
    const withHeaders = (headers: HttpRequest['headers'], url = URL_COM): HttpRequest => ({ ...post(body, {}, url), headers: { ...post(body).headers, ...headers } });
    expect(errorCode(withHeaders({ Host: ['backboard.railway.com', 'evil.example'] }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'backboard.railway.com, evil.example' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'evil.example' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'backboard.railway.com:8443' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'user@backboard.railway.com' }))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({ Host: 'user@backboard.railway.com' }, '/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({}, 'https://evil.example@backboard.railway.com/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({}, 'https://user:pw@backboard.railway.com/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    expect(errorCode(withHeaders({}, 'https://backboard.railway.com\\@evil.example/graphql/v2'))).toBe(EXTRACT_CODES.invalidUrl);
    // The same host, in another case, with a trailing dot or the default port, agrees.
    for (const host of ['backboard.railway.com', 'Backboard.Railway.COM', 'backboard.railway.com.', 'backboard.railway.com:443']) {
      expect(ops(withHeaders({ Host: host })), host).toEqual(['volumeDelete']);
    }
    expect(ops(withHeaders({ Host: 'backboard.railway.com' }, '/graphql/v2'))).toEqual(['volumeDelete']);
  });

  test('member names a Go server folds onto a guarded member are unparseable (BG417)', () => {
    const mutation = 'mutation { volumeDelete(volumeId: "vol-prod") }';
    const harmless = 'query { me { id } }';
    // gqlgen matches `Query` to `query` (the last one wins); `ſ` folds to `s`, the Kelvin sign to `k`.
    expect(errorCode(post(`{"query":${JSON.stringify(harmless)},"Query":${JSON.stringify(mutation)}}`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ QUERY: mutation }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: mutation, OperationName: 'X' }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: harmless, ID: 'stored' }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: harmless, variableſ: {} }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: harmless, Key: 1, key: 2 }))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post([{ query: harmless, Query: mutation }]))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(ops(post({ query: harmless, other: 1 }))).toEqual(['me']);

    const mcp = (message: unknown): HttpRequest => ({
      method: 'POST',
      url: 'https://mcp.railway.com/mcp',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
    const mcpCode = (message: unknown): string | undefined => {
      const rest: Ir = structuredClone(ir);
      const api = rest.apis.find((a) => a.name === 'railway');
      if (!api) throw new Error('no api');
      api.protocol = 'mcp';
      const out = extractDecisionInputs({ ...mcp(message), url: URL_COM }, rest, { time: TIME, inventory });
      expect(out).toHaveLength(1);
      return out[0]?.error?.code;
    };
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'volumeDelete', arguments: { volumeId: 'vol-prod' } } };
    expect(mcpCode(call)).toBeUndefined();
    expect(mcpCode({ ...call, Method: 'tools/list' })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, PARAMS: {} })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, params: { ...call.params, Name: 'me' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, params: { ...call.params, Arguments: { volumeId: 'vol-staging' } } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(mcpCode({ ...call, params: { ...call.params, _Meta: {} } })).toBe(EXTRACT_CODES.ambiguousParameters);
  });

  test('a `;` in the parameters, or parameter names padded with whitespace, are unparseable (BG417)', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', idTemplate: null, environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/volumes/delete' } },
    ]);
    const code = (query: string, body?: string): string | undefined => {
      const out = extractDecisionInputs(
        {
          method: 'POST',
          url: `https://backboard.railway.com/v1/volumes/delete${query}`,
          headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
          ...(body === undefined ? {} : { body }),
        },
        rest,
        { time: TIME, inventory },
      );
      expect(out).toHaveLength(1);
      if (out[0]?.error) expect(evaluate(rest, out[0].input).rule).toBe('input:invalid');
      return out[0]?.error?.code ?? out[0]?.input.resource?.id ?? undefined;
    };
    expect(code('?id=vol-staging')).toBe('vol-staging');
    expect(code('', 'id=vol-staging&note=a%3Bb')).toBe('vol-staging');
    // Rack 2 reads `id=vol-prod` as a parameter of its own.
    expect(code('?note=x;id=vol-prod&id=vol-staging')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('', 'note=x;id=vol-prod&id=vol-staging')).toBe(EXTRACT_CODES.ambiguousParameters);
    // Names some servers trim, or whose inner whitespace they drop.
    expect(code('?id=vol-staging&id%20=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('?%20id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('', 'id=vol-staging&id+=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('', 'id=vol-staging&i%09d=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('?note%20x=1&id=vol-staging')).toBe('vol-staging');
    // A graphql GET reads its parameters from the query string too.
    const get = (search: string): HttpRequest => ({ method: 'GET', url: `${URL_COM}${search}`, headers: { Authorization: `Bearer ${DOMAINS_TOKEN}` } });
    expect(ops(get(`?query=${encodeURIComponent('query { me { id } }')}`))).toEqual(['me']);
    expect(errorCode(get(`?query=${encodeURIComponent('query { me { id } }')};query=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(get(`?query=${encodeURIComponent('query { me { id } }')}&query%20=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    // A graphql POST whose url a Rack 2 server would read as carrying `query`.
    expect(errorCode(post({ query: 'query { me { id } }' }, {}, `${URL_COM}?a=1;query=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(errorCode(post({ query: 'query { me { id } }' }, {}, `${URL_COM}?query%20=x`))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(ops(post({ query: 'query { me { id } }' }, {}, `${URL_COM}?trace=1`))).toEqual(['me']);
  });
});
