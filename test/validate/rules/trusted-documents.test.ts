// An Api's trusted-documents manifest: read by the loader inside the policy directory, checked by
// one rule per problem, and carried into the IR (and so the bundle's catalog.json).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/ir/build.js';
import { catalogOfIr } from '../../../src/ir/catalog.js';
import { checkPolicyDir } from '../../../src/validate/index.js';
import { yaml, writeTree } from '../../helpers/fs.js';

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const CODES = ['BG706', 'BG707', 'BG708', 'BG709', 'BG710', 'BG711'];

function api(extra: string[], protocol = 'graphql'): string {
  return yaml(
    'apiVersion: blastguard.dev/v1',
    'kind: Api',
    'metadata: { name: railway }',
    'spec:',
    `  protocol: ${protocol}`,
    '  hosts: [backboard.railway.com]',
    ...(protocol === 'http' ? [] : ['  endpoint: /graphql/v2']),
    '  environments: [production]',
    '  protectedEnvironments: [production]',
    '  defaults: { read: allow, write: shadow, destructive: deny }',
    ...extra,
    '  operations:',
    protocol === 'http' ? '    me: { class: read, http: { method: GET, path: /me } }' : '    volumeDelete: { class: destructive }',
  );
}

const op = (body: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id: sha(body), name: 'Op', type: body.startsWith('mutation') ? 'mutation' : 'query', body, ...extra });
const manifest = (operations: unknown[]): string => JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2);

async function check(tree: Record<string, string>) {
  const root = await writeTree(tree);
  const result = await checkPolicyDir('policies', { cwd: root });
  return { result, found: result.diagnostics.filter((d) => CODES.includes(d.code)).map((d) => `${d.code}@${d.file}:${d.line}:${d.column}`) };
}

const DECLARED = ['  trustedDocuments: { manifest: ../manifests/railway.json }'];

describe('trusted documents', () => {
  it('a valid manifest travels into the IR and the catalog, sorted by id', async () => {
    const bodies = ['query Me { me { id } }', 'mutation Wipe { volumeDelete(volumeId: "v") }'];
    const { result, found } = await check({ 'policies/apis/railway.yaml': api(DECLARED), 'policies/manifests/railway.json': manifest(bodies.map((b) => op(b))) });
    expect(found).toEqual([]);
    expect(result.errorCount).toBe(0);
    const railway = catalogOfIr(buildIr(result.set)).apis[0]!;
    expect(railway.trustedDocuments).toEqual(bodies.map((body) => ({ id: sha(body), body })).sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(railway.http).toBeUndefined();
    // The manifest's text is what code frames may show.
    expect(result.sources.has('policies/manifests/railway.json')).toBe(true);
  });

  it('an Api without one keeps its IR unchanged (no field)', async () => {
    const { result } = await check({ 'policies/apis/railway.yaml': api([]) });
    expect(Object.keys(buildIr(result.set).apis[0]!)).not.toContain('trustedDocuments');
  });

  it('a missing manifest, one outside the policy directory and one that is not json are BG706', async () => {
    expect((await check({ 'policies/apis/railway.yaml': api(DECLARED) })).found).toEqual(['BG706@policies/apis/railway.yaml:11:33']);
    const outside = await check({ 'policies/apis/railway.yaml': api(['  trustedDocuments: { manifest: ../../secret.json }']), 'secret.json': manifest([]) });
    expect(outside.found).toEqual(['BG706@policies/apis/railway.yaml:11:33']);
    expect(outside.result.diagnostics.find((d) => d.code === 'BG706')!.message).toMatch(/outside the policy directory/);
    const linked = await check({ 'policies/apis/railway.yaml': api(DECLARED), 'policies/manifests/railway.json': { symlink: path.join('..', '..', 'secret.json') } as never, 'secret.json': manifest([]) });
    expect(linked.found).toEqual(['BG706@policies/apis/railway.yaml:11:33']);
    expect((await check({ 'policies/apis/railway.yaml': api(DECLARED), 'policies/manifests/railway.json': '{\n  "format": oops\n}' })).found).toEqual(['BG706@policies/manifests/railway.json:2:13']);
  });

  it('a manifest in another format, version or shape is BG707, at the member in the manifest file', async () => {
    const at = (line: number, column: number): string[] => [`BG707@policies/manifests/railway.json:${line}:${column}`];
    for (const [text, where] of [
      [JSON.stringify({ format: 'relay', version: 1, operations: [] }), at(1, 2)],
      [JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }), at(1, 45)],
      [JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1 }), at(1, 1)],
      [manifest([{ id: sha('{ me }'), name: 'x', type: 'query' }]), at(5, 5)],
      [manifest([{ ...op('{ me }'), type: 'fetch' }]), at(8, 7)],
      ['[]', at(1, 1)],
    ] as const) {
      expect((await check({ 'policies/apis/railway.yaml': api(DECLARED), 'policies/manifests/railway.json': text })).found, text).toEqual(where);
    }
  });

  it('an id that is not the sha256 of its body is BG708; an id listed twice BG709; a body that is not one operation BG710: each at its member in the manifest file', async () => {
    const files = (operations: unknown[]) => ({ 'policies/apis/railway.yaml': api(DECLARED), 'policies/manifests/railway.json': manifest(operations) });
    const at = (code: string, line: number): string => `${code}@policies/manifests/railway.json:${line}:7`;
    // manifest(): `{`, format, version, `"operations": [`, then per operation `{`, id, name, type, body, `}`.
    expect((await check(files([op('{ me { id } }', { id: sha('mutation { volumeDelete(volumeId: "v") }') })]))).found).toEqual([at('BG708', 6)]);
    expect((await check(files([op('{ me { id } }'), op('{ me { id } }', { name: 'Again' })]))).found).toEqual([at('BG709', 12)]);
    const bad = await check(files([op('{ me { id }'), op('query A { me } query B { me }'), op('type Query { me: ID }'), op('mutation { volumeDelete(volumeId: "v") }', { type: 'query' })]));
    expect(bad.found).toEqual([9, 15, 21, 27].map((line) => at('BG710', line)));
    // The code frame shows the manifest's own line.
    const frame = bad.result.diagnostics.find((d) => d.code === 'BG710')!;
    expect(bad.result.sources.get(frame.file)!.split('\n')[frame.line - 1]).toMatch(/^\s*"body": "\{ me \{ id \}"/);
  });

  it('trustedDocuments off graphql and http.jsonLabelledAsForm off graphql, http and rest-json are BG711', async () => {
    expect((await check({ 'policies/apis/railway.yaml': api(DECLARED, 'http') })).found).toEqual(['BG711@policies/apis/railway.yaml:10:3']);
    expect((await check({ 'policies/apis/railway.yaml': api(['  http: { jsonLabelledAsForm: accept }'], 'mcp') })).found).toEqual(['BG711@policies/apis/railway.yaml:11:11']);
    const accepted = await check({ 'policies/apis/railway.yaml': api(['  http: { jsonLabelledAsForm: accept }'], 'http') });
    expect(accepted.found).toEqual([]);
    expect(buildIr(accepted.result.set).apis[0]!.http).toEqual({ jsonLabelledAsForm: true });
    const refused = await check({ 'policies/apis/railway.yaml': api(['  http: { jsonLabelledAsForm: refuse }']) });
    expect(buildIr(refused.result.set).apis[0]!.http).toBeUndefined();
  });
});
