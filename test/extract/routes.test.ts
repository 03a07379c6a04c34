import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs } from '../../src/extract/index.js';
import type { Ir, IrApi, IrOperation } from '../../src/ir/types.js';
import { TIME } from './fixture.js';
import { httpIr, inventory, ir } from './helpers.js';

const route = (name: string, method: string, path: string, idArg: string | null = null): IrOperation => ({
  name,
  class: method === 'DELETE' ? 'destructive' : method === 'GET' ? 'read' : 'write',
  type: 'request',
  reversible: null,
  resource: idArg === null ? null : { kind: 'ref', idArg, idTemplate: null, environmentArg: null, projectArg: null },
  http: { method, path },
});

const call = (rest: Ir, method: string, path: string) =>
  extractDecisionInputs({ method, url: `https://backboard.railway.com${path}` }, rest, { time: TIME, inventory })[0];

describe('multi-segment path parameters', () => {
  const rest = httpIr([
    route('git/delete-ref', 'DELETE', '/repos/{owner}/{repo}/git/refs/{ref+}', 'ref'),
    route('git/get-ref', 'GET', '/repos/{owner}/{repo}/git/refs/{ref+}/details', 'ref'),
    route('git/delete-main', 'DELETE', '/repos/{owner}/{repo}/git/refs/heads/main'),
    route('files/get', 'GET', '/files/{path+}', 'path'),
    route('files/get-one', 'GET', '/files/{name}', 'name'),
  ]);

  test('`{name+}` takes one or more segments, each decoded, joined with /', () => {
    const out = call(rest, 'DELETE', '/repos/acme/web/git/refs/heads/feature-x');
    expect(out?.operation).toBe('git/delete-ref');
    expect(out?.input.resource?.id).toBe('heads/feature-x');
    expect(call(rest, 'DELETE', '/repos/acme/web/git/refs/tags/v1%2E0')?.input.resource?.id).toBe('tags/v1.0');
  });

  test('segments after the multi-segment parameter stay literal', () => {
    const out = call(rest, 'GET', '/repos/acme/web/git/refs/heads/a/b/details');
    expect(out?.operation).toBe('git/get-ref');
    expect(out?.input.resource?.id).toBe('heads/a/b');
    expect(call(rest, 'GET', '/repos/acme/web/git/refs/details')?.error?.code).toBe(EXTRACT_CODES.wrongEndpoint);
  });

  test('it never matches zero segments', () => {
    expect(call(rest, 'DELETE', '/repos/acme/web/git/refs')?.error?.code).toBe(EXTRACT_CODES.wrongEndpoint);
  });

  test('more literal segments win, then a one-segment parameter over a multi-segment one', () => {
    expect(call(rest, 'DELETE', '/repos/acme/web/git/refs/heads/main')?.operation).toBe('git/delete-main');
    expect(call(rest, 'GET', '/files/readme')?.operation).toBe('files/get-one');
    expect(call(rest, 'GET', '/files/docs/readme')?.operation).toBe('files/get');
  });
});

describe('apis sharing a host', () => {
  function shared(): Ir {
    const rest = httpIr([route('repos/delete', 'DELETE', '/repos/{owner}/{repo}')]);
    const base = rest.apis.find((a) => a.name === 'railway')!;
    const graphql: IrApi = { ...structuredClone(ir.apis.find((a) => a.name === 'railway')!), name: 'zz-graphql', endpoint: '/graphql' };
    graphql.hosts = [...base.hosts];
    return { ...rest, apis: [{ ...base, name: 'aa-rest' }, graphql] };
  }

  test('a graphql api is chosen by its endpoint, the http api takes the other paths', () => {
    const set = shared();
    const gql = extractDecisionInputs(
      { method: 'POST', url: 'https://backboard.railway.com/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { volumeDelete(volumeId: "v") }' }) },
      set,
      { time: TIME },
    );
    expect(gql[0]?.input.api).toBe('zz-graphql');
    expect(gql[0]?.operation).toBe('volumeDelete');
    const rest = extractDecisionInputs({ method: 'DELETE', url: 'https://backboard.railway.com/repos/acme/web' }, set, { time: TIME });
    expect(rest[0]?.input.api).toBe('aa-rest');
    expect(rest[0]?.operation).toBe('repos/delete');
  });
});

describe('HEAD and OPTIONS', () => {
  const rest = httpIr([
    route('repos/get', 'GET', '/repos/{owner}/{repo}', 'repo'),
    route('repos/delete', 'DELETE', '/repos/{owner}/{repo}', 'repo'),
    route('files/head', 'HEAD', '/files/{name}', 'name'),
    route('files/get', 'GET', '/files/{name}', 'name'),
    route('files/options', 'OPTIONS', '/files/{name}', 'name'),
  ]);

  test('HEAD without a route of its own is decided as the GET route, as servers run it', () => {
    const out = call(rest, 'HEAD', '/repos/acme/web');
    expect(out?.operation).toBe('repos/get');
    expect(out?.input.resource?.id).toBe('web');
  });

  test('a declared HEAD route wins over the GET route', () => {
    expect(call(rest, 'HEAD', '/files/a')?.operation).toBe('files/head');
  });

  test('HEAD where no GET route matches is not a known route (BG402)', () => {
    expect(call(rest, 'HEAD', '/nowhere')?.error?.code).toBe(EXTRACT_CODES.wrongEndpoint);
  });

  test('OPTIONS is decided only where the catalog declares it; elsewhere it is refused (BG717)', () => {
    expect(call(rest, 'OPTIONS', '/files/a')?.operation).toBe('files/options');
    expect(call(rest, 'OPTIONS', '/repos/acme/web')?.error?.code).toBe(EXTRACT_CODES.undeclaredOptions);
    expect(EXTRACT_CODES.undeclaredOptions).toBe('BG717');
  });
});
