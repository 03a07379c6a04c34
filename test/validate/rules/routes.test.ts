import { describe, expect, it } from 'vitest';
import { where } from '../../helpers/diagnostics.js';
import { yaml } from '../../helpers/fs.js';
import { API_RAILWAY, docs, policy } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';

const ROUTES = ['BG063', 'BG064', 'BG066', 'BG067'];

function restApi(...operationLines: string[]): string {
  return yaml(
    'apiVersion: blastguard.dev/v1',
    'kind: Api',
    'metadata: { name: github }',
    'spec:',
    '  protocol: http',
    '  hosts: [api.github.com]',
    '  environments: [production, staging]',
    '  protectedEnvironments: [production]',
    '  defaults: { read: allow, write: shadow, destructive: deny }',
    '  operations:',
    ...operationLines,
  );
}

describe('duplicate-route', () => {
  it('is an error on the second operation with the same method and path shape', () => {
    const api = restApi(
      '    repos/delete:',
      '      class: destructive',
      '      http: { method: DELETE, path: "/repos/{owner}/{repo}" }',
      '    repos/remove:',
      '      class: destructive',
      '      http: { method: DELETE, path: "/repos/{o}/{r}/" }',
      '    repos/get:',
      '      class: read',
      '      http: { method: GET, path: "/repos/{owner}/{repo}" }',
    );
    const out = check({ 'api.yaml': api }, ROUTES);
    expect(where(out)).toEqual(['BG063@16:13']);
    expect(out[0]?.severity).toBe('error');
    expect(out[0]?.message).toBe('operations `repos/delete` and `repos/remove` of api `github` are both `DELETE /repos/{}/{}`; no request can tell them apart');
    expect(out[0]?.help).toMatch(/^`repos\/delete` is declared at api\.yaml:13/);
  });
});

describe('unknown-route-argument', () => {
  it('accepts path parameters and declared query and body parameters, dotted paths by their first member', () => {
    const api = restApi(
      '    refs/delete:',
      '      class: destructive',
      '      http: { method: DELETE, path: "/repos/{owner}/{repo}/git/refs/{ref+}" }',
      '      resource: { kind: ref, idArg: ref, projectArg: repo }',
      '    repos/update:',
      '      class: write',
      '      http: { method: PATCH, path: "/repos/{owner}/{repo}", query: [env], body: [input] }',
      '      resource: { kind: repository, idArg: input.id, environmentArg: env }',
    );
    expect(check({ 'api.yaml': api }, ROUTES)).toEqual([]);
  });

  it('is an error at the argument that names no parameter, with a suggestion', () => {
    const api = restApi(
      '    repos/delete:',
      '      class: destructive',
      '      http: { method: DELETE, path: "/repos/{owner}/{repo}" }',
      '      resource: { kind: repository, idArg: repos, environmentArg: environment }',
    );
    const out = check({ 'api.yaml': api }, ROUTES);
    expect(where(out)).toEqual(['BG064@14:44', 'BG064@14:67']);
    expect(out[0]?.message).toBe('`idArg: repos` of operation `repos/delete` names no parameter of its route `DELETE /repos/{owner}/{repo}`');
    expect(out[0]?.help).toBe('did you mean `repo`?');
    expect(out[1]?.help).toBe('use a path parameter of `/repos/{owner}/{repo}`, or declare the parameter under `http.query` or `http.body`');
  });

  it('leaves operations without a route alone', () => {
    expect(check({ 'api.yaml': API_RAILWAY.replace('volumeDelete: { class: destructive }', 'volumeDelete: { class: destructive, resource: { kind: volume, idArg: nope } }') }, ROUTES)).toEqual([]);
  });
});

describe('invalid-route-template', () => {
  it('rejects mixed segments, two multi-segment parameters and repeated names', () => {
    const api = restApi(
      '    a: { class: read, http: { method: GET, path: "/v{version}/a" } }',
      '    b: { class: read, http: { method: GET, path: "/b/{x+}/{y+}" } }',
      '    c: { class: read, http: { method: GET, path: "/c/{x}/{x}" } }',
      '    d: { class: read, http: { method: GET, path: "/d/{x}/{y+}/e" } }',
    );
    const out = check({ 'api.yaml': api }, ROUTES);
    expect(out.map((d) => d.code)).toEqual(['BG067', 'BG067', 'BG067']);
    expect(out.map((d) => d.message)).toEqual([
      'path `/v{version}/a` of operation `a` has segment `v{version}` that mixes text and a parameter',
      'path `/b/{x+}/{y+}` of operation `b` has more than one multi-segment parameter (`{name+}`)',
      'path `/c/{x}/{x}` of operation `c` names parameter `x` twice',
    ]);
  });
});

describe('unknown-operation in a closed catalog', () => {
  it('is an error (BG066), not a warning, for http apis', () => {
    const api = restApi('    repos/delete: { class: destructive, http: { method: DELETE, path: "/repos/{owner}/{repo}" } }');
    const p = policy('p', '    - id: r1', '      match: { operations: [repos/delet, "class:destructive"] }', '      mode: deny', '      reason: no').replace('api: railway', 'api: github');
    const out = check({ 'api.yaml': api, 'p.yaml': p }, ['BG044', 'BG066']);
    expect(where(out)).toEqual(['BG066@8:29']);
    expect(out[0]?.severity).toBe('error');
    expect(out[0]?.message).toBe('operation `repos/delet` is not in api `github`, whose calls are always one of its routes; this can never apply');
    expect(out[0]?.help).toBe('did you mean `repos/delete`?');
  });
});

describe('shared-host', () => {
  const graphql = (name: string, endpoint: string | null) =>
    API_RAILWAY.replace('name: railway', `name: ${name}`)
      .replace('hosts: [backboard.railway.com]', 'hosts: [api.github.com]')
      .replace('  environments:', endpoint === null ? '  environments:' : `  endpoint: ${endpoint}\n  environments:`);
  const rest = restApi('    repos/delete: { class: destructive, http: { method: DELETE, path: "/repos/{owner}/{repo}" } }');

  it('accepts apis told apart by their endpoints, with one api taking the other paths', () => {
    expect(check({ 'a.yaml': docs(rest, graphql('github-graphql', '/graphql'), graphql('mcp', '/mcp/')) }, ['BG065'])).toEqual([]);
  });

  it('is an error when two apis take the same paths', () => {
    const out = check({ 'a.yaml': docs(rest, graphql('github-graphql', null)), 'b.yaml': docs(graphql('one', '/graphql'), graphql('two', '/graphql/')) }, ['BG065']);
    expect(out.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(['a.yaml:18:11', 'b.yaml:22:11']);
    expect(out[0]?.message).toBe('host `api.github.com` is claimed by apis `github` and `github-graphql`, and neither is routed by an `endpoint` of its own');
    expect(out[1]?.message).toBe('host `api.github.com` is claimed by apis `one` and `two`, and both have endpoint `/graphql`');
  });
});
