import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, InventoryFileError, extractDecisionInputs, parseInventoryFile } from '../../src/extract/index.js';
import type { Ir, IrOperation } from '../../src/ir/types.js';
import { TIME } from './fixture.js';
import { httpIr } from './helpers.js';

const reposDelete: IrOperation = {
  name: 'repos/delete',
  class: 'destructive',
  type: 'request',
  reversible: false,
  resource: { kind: 'repository', idArg: null, idTemplate: '{owner}/{repo}', environmentArg: null, projectArg: null },
  http: { method: 'DELETE', path: '/repos/{owner}/{repo}' },
};

function github(caseInsensitive: boolean): Ir {
  const ir = httpIr([reposDelete]);
  ir.apis.find((a) => a.name === 'railway')!.resourceIds = { caseInsensitive };
  ir.inventories = [
    {
      api: ir.apis.find((a) => a.name === 'railway')!.name,
      resources: [
        { id: 'Acme/Web', kind: 'repository', environment: 'production', project: 'web', labels: {} },
        { id: 'acme/sandbox', kind: 'repository', environment: 'staging', project: null, labels: {} },
      ],
    },
  ];
  return ir;
}

const del = (ir: Ir, path: string, options: Parameters<typeof extractDecisionInputs>[2] = { time: TIME }) =>
  extractDecisionInputs({ method: 'DELETE', url: `https://backboard.railway.com${path}` }, ir, options)[0]?.input.resource;

describe('inventories in extraction', () => {
  test('a composed id is looked up in the inventory the policy repository declares', () => {
    expect(del(github(false), '/repos/Acme/Web')).toEqual({ kind: 'repository', id: 'Acme/Web', environment: 'production', project: 'web' });
    expect(del(github(false), '/repos/acme/web')).toEqual({ kind: 'repository', id: 'acme/web' });
  });

  test('an api whose ids ignore case finds the resource whatever the case, and names it as the inventory spells it', () => {
    expect(del(github(true), '/repos/ACME/web')).toEqual({ kind: 'repository', id: 'Acme/Web', environment: 'production', project: 'web' });
    expect(del(github(true), '/repos/unknown/x')).toEqual({ kind: 'repository', id: 'unknown/x' });
  });

  test("a replay's own inventory replaces the declared one; a runtime one replaces it for its api", () => {
    const ir = github(false);
    expect(del(ir, '/repos/Acme/Web', { time: TIME, inventory: {} })).toEqual({ kind: 'repository', id: 'Acme/Web' });
    const runtime = parseInventoryFile(
      ['apiVersion: blastguard.dev/v1', 'kind: Inventory', 'metadata: { name: live }', 'spec:', `  api: ${ir.apis.find((a) => a.name === 'railway')!.name}`, '  resources:', '    - { id: Acme/Web, kind: repository, environment: staging }'].join('\n'),
      ir,
      'live.yaml',
    );
    expect(del(ir, '/repos/Acme/Web', { time: TIME, inventories: runtime })).toEqual({ kind: 'repository', id: 'Acme/Web', environment: 'staging' });
    expect(del(ir, '/repos/Acme/Web', { time: TIME, inventories: { other: {} } })?.environment).toBe('production');
  });
});

describe('parseInventoryFile', () => {
  const ir = github(true);
  const api = ir.apis.find((a) => a.name === 'railway')!.name;
  const doc = (...resources: string[]) => JSON.stringify({ apiVersion: 'blastguard.dev/v1', kind: 'Inventory', metadata: { name: 'live' }, spec: { api, resources: resources.map((r) => JSON.parse(r) as unknown) } });

  test('reads json and several yaml documents into inventories by api', () => {
    const out = parseInventoryFile(`${doc('{"id":"a","kind":"environment","environment":"staging"}')}\n---\n${doc('{"id":"p1","kind":"project","project":"web"}')}`, ir);
    const inv = out.get(api);
    expect(inv?.environments).toEqual(new Map([['a', 'staging']]));
    expect(inv?.projects).toEqual(new Map([['p1', 'web']]));
  });

  test.each([
    ['not yaml', '{', /cannot be parsed/],
    ['a wrong kind', doc().replace('"Inventory"', '"Api"'), /`kind` must be `Inventory`/],
    ['an unknown api', doc().replace(`"api":"${api}"`, '"api":"nope"'), /`spec.api` names no api of the bundle/],
    ['an undeclared environment', doc('{"id":"a","kind":"x","environment":"prod"}'), /`spec.resources\[0\].environment` is not an environment of api/],
    ['an extra property', doc('{"id":"a","kind":"x","env":"staging"}'), /`spec.resources\[0\].env` is not a property/],
    ['a repeated id (without case for this api)', doc('{"id":"a/B","kind":"x"}', '{"id":"A/b","kind":"x"}'), /`spec.resources\[1\].id` repeats an id/],
    ['an alias', 'a: &x 1\nb: *x', /aliases/],
  ])('rejects %s with BG400, all or nothing', (_, text, message) => {
    let error: unknown;
    try {
      parseInventoryFile(text, ir, 'live.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InventoryFileError);
    expect((error as InventoryFileError).code).toBe(EXTRACT_CODES.invalidInventory);
    expect((error as InventoryFileError).file).toBe('live.yaml');
    expect((error as Error).message).toMatch(message);
  });
});
