import { describe, expect, it } from 'vitest';
import { whereIn } from '../../helpers/diagnostics.js';
import { yaml } from '../../helpers/fs.js';
import { API_RAILWAY } from '../../helpers/policies.js';
import { check, setFrom } from '../../helpers/validate.js';
import { buildIr } from '../../../src/ir/build.js';
import { bundleDataFromIr } from '../../../src/ir/data.js';

function inventory(name: string, api: string, ...resourceLines: string[]): string {
  return yaml('apiVersion: blastguard.dev/v1', 'kind: Inventory', `metadata: { name: ${name} }`, 'spec:', `  api: ${api}`, '  resources:', ...resourceLines);
}

describe('Inventory documents', () => {
  it('load, and repeat no id of one api across documents', () => {
    const a = inventory('a', 'railway', '    - { id: vol-1, kind: volume, environment: production, project: pocketos, labels: { tier: "1" } }', '    - { id: vol-2, kind: volume }');
    const b = inventory('b', 'railway', '    - { id: vol-1, kind: volume, environment: staging }', '    - { id: VOL-2, kind: volume }');
    const out = check({ 'api.yaml': API_RAILWAY, 'a.yaml': a, 'b.yaml': b }, ['BG068']);
    expect(whereIn(out)).toEqual(['b.yaml:BG068@7:13']);
    expect(out[0]?.message).toBe('resource `vol-1` of api `railway` is already listed at a.yaml:7');
    expect(out[0]?.severity).toBe('error');
  });

  it('compare ids without case when the api says so', () => {
    const api = API_RAILWAY.replace('  operations:', '  resourceIds: { caseInsensitive: true }\n  operations:');
    const a = inventory('a', 'railway', '    - { id: Acme/Web, kind: repository }', '    - { id: acme/web, kind: repository }');
    const out = check({ 'api.yaml': api, 'a.yaml': a }, ['BG068']);
    expect(out.map((d) => d.message)).toEqual(['resource `acme/web` of api `railway` is already listed at a.yaml:7 (ids of this api ignore case)']);
  });

  it('name a declared api and declared environments', () => {
    const a = inventory('a', 'railwya', '    - { id: x, kind: volume }');
    const b = inventory('b', 'railway', '    - { id: x, kind: volume, environment: prod }');
    const out = check({ 'api.yaml': API_RAILWAY, 'a.yaml': a, 'b.yaml': b }, ['BG040', 'BG046']);
    expect(whereIn(out)).toEqual(['a.yaml:BG040@5:8', 'b.yaml:BG046@7:43']);
    expect(out[1]?.help).toBe('did you mean `production`?');
  });

  it('are compiled into the IR, merged per api and sorted, and into the bundle data', () => {
    const a = inventory('a', 'railway', '    - { id: vol-2, kind: volume, labels: { b: "2", a: "1" } }');
    const b = inventory('b', 'railway', '    - { id: vol-1, kind: volume, environment: production, project: pocketos }');
    const ir = buildIr(setFrom({ 'api.yaml': API_RAILWAY, 'a.yaml': a, 'b.yaml': b }));
    expect(ir.inventories).toEqual([
      {
        api: 'railway',
        resources: [
          { id: 'vol-1', kind: 'volume', environment: 'production', project: 'pocketos', labels: {} },
          { id: 'vol-2', kind: 'volume', environment: null, project: null, labels: { a: '1', b: '2' } },
        ],
      },
    ]);
    expect(Object.keys(ir.inventories[0]!.resources[1]!.labels)).toEqual(['a', 'b']);
    expect(bundleDataFromIr(ir).blastguard.inventories).toEqual({
      railway: { 'vol-1': { kind: 'volume', environment: 'production', project: 'pocketos' }, 'vol-2': { kind: 'volume', environment: null, project: null } },
    });
    expect(bundleDataFromIr(buildIr(setFrom({ 'api.yaml': API_RAILWAY }))).blastguard).not.toHaveProperty('inventories');
  });
});

const GITHUB = yaml(
  'apiVersion: blastguard.dev/v1',
  'kind: Api',
  'metadata: { name: github }',
  'spec:',
  '  protocol: http',
  '  hosts: [api.github.com]',
  '  environments: [production]',
  '  protectedEnvironments: [production]',
  '  defaults: { read: allow, write: shadow, destructive: deny }',
  '  operations:',
  '    repos/delete:',
  '      class: destructive',
  '      http: { method: DELETE, path: "/repos/{owner}/{repo}" }',
  '      resource: { kind: repository, id: "{owner}/{repo}" }',
);

describe('composed resource ids', () => {
  it('reject `id` together with `idArg`, and check each template argument against the route', () => {
    const api = GITHUB.replace('id: "{owner}/{repo}"', 'id: "{owner}/{repository}"');
    const out = check({ 'api.yaml': api }, ['BG064']);
    expect(out.map((d) => d.message)).toEqual([
      'argument `repository` of `id: {owner}/{repository}` of operation `repos/delete` names no parameter of its route `DELETE /repos/{owner}/{repo}`',
    ]);
    expect(() => setFrom({ 'api.yaml': api.replace('id: "{owner}/{repository}"', 'id: "{owner}/{repo}", idArg: repo') })).toThrow(/BG027/);
  });

  it.each([
    ['{owner}{repo}', 'joins `{owner}` and `{repo}` with no separator'],
    ['{owner}/{owner}', 'names `{owner}` twice'],
    ['{owner}/{repo-name}', 'has `/{repo-name}`, a `{` or `}` that is no `{argument}`'],
    ['{{owner}}/{repo}', 'has `{`, a `{` or `}` that is no `{argument}`'],
  ])('refuse a template that does not read one way: `%s` (BG071, located at the template)', (template, problem) => {
    const api = GITHUB.replace('id: "{owner}/{repo}"', `id: "${template}"`);
    const out = check({ 'api.yaml': api }, ['BG071']);
    expect(whereIn(out)).toEqual(['api.yaml:BG071@14:41']);
    expect(out[0]?.message).toBe(`resource id \`${template}\` of operation \`repos/delete\` ${problem}`);
    expect(out[0]?.help).toBeTruthy();
  });

  it('refuse a template naming no argument as a schema error, located', () => {
    expect(() => setFrom({ 'api.yaml': GITHUB.replace('id: "{owner}/{repo}"', 'id: "owner/repo"') })).toThrow(/BG024@14:41 `spec\.operations\["repos\/delete"\]\.resource\.id` has invalid value `owner\/repo`/);
  });

  it('accept a well-formed template, and the example catalog', () => {
    expect(check({ 'api.yaml': GITHUB }, ['BG064', 'BG071'])).toEqual([]);
  });
});
