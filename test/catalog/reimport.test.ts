import { describe, expect, it } from 'vitest';
import { OK, importText, openapi, operationsOf } from './helpers.js';

const v1 = openapi({
  '/volumes/{volumeId}': { get: { operationId: 'volumeGet', ...OK }, post: { operationId: 'volumeArchive', ...OK }, delete: { operationId: 'volumeDelete', ...OK } },
  '/volumes': { post: { operationId: 'volumeCreate', ...OK } },
  '/backups/{backupId}': { get: { operationId: 'backupGet', ...OK } },
});
const v2 = openapi({
  // volumeArchive became a DELETE; volumeCreate moved; backupGet is gone; two routes are new.
  '/volumes/{volumeId}': { get: { operationId: 'volumeGet', ...OK }, delete: { operationId: 'volumeDelete', ...OK } },
  '/volumes/{volumeId}/archive': { delete: { operationId: 'volumeArchive', ...OK } },
  '/v2/volumes': { post: { operationId: 'volumeCreate', ...OK } },
  '/snapshots/{snapshotId}': { delete: { operationId: 'snapshotDelete', ...OK } },
  '/snapshots': { get: { operationId: 'snapshotList', ...OK } },
});

function first(): string {
  return importText({ format: 'openapi', text: v1, file: 'v1.json', name: 'volumes' }).text;
}

describe('re-import', () => {
  it('changes nothing when the document did not change', () => {
    const text = first();
    const again = importText({ format: 'openapi', text: v1, file: 'v1.json', existing: { text, file: 'volumes.yaml' } });
    expect(again.text).toBe(text);
    expect(again.changes).toEqual([]);
  });

  it('reports added, removed, moved and reclassified operations', () => {
    const r = importText({ format: 'openapi', text: v2, file: 'v2.json', existing: { text: first(), file: 'volumes.yaml' } });
    expect(r.changes).toEqual([
      { kind: 'removed', name: 'backupGet', route: 'GET /backups/{backupId}' },
      { kind: 'added', name: 'snapshotDelete', class: 'destructive', route: 'DELETE /snapshots/{snapshotId}' },
      { kind: 'added', name: 'snapshotList', class: 'read', route: 'GET /snapshots' },
      { kind: 'route', name: 'volumeArchive', from: 'POST /volumes/{volumeId}', to: 'DELETE /volumes/{volumeId}/archive' },
      { kind: 'route', name: 'volumeCreate', from: 'POST /volumes', to: 'POST /v2/volumes' },
      { kind: 'class', name: 'volumeArchive', from: 'write', to: 'destructive' },
    ]);
    expect(Object.keys(operationsOf(r.text))).toEqual(['snapshotDelete', 'snapshotList', 'volumeArchive', 'volumeCreate', 'volumeDelete', 'volumeGet']);
    expect(r.text.split('\n')[0]).toContain('from `v2.json`');
  });

  it('keeps hand edits: a changed class, a resource, comments, other spec fields', () => {
    const edited = first()
      .replace('  environments: [ production ]', '  environments: [ production, staging ]')
      .replace('    volumeGet:\n      class: read', '    # reads secrets: treat as a write\n    volumeGet:\n      class: write # decided in review')
      .replace('resource: { kind: volume, idArg: volumeId } # review: guessed from the path parameters {volumeId}\n      description', 'X')
      .replace(/( {4}volumeDelete:\n {6}class: destructive\n {6}http: [^\n]*\n) {6}resource: [^\n]*\n/, '$1      reversible: false\n      resource: { kind: disk, idArg: volumeId } # checked\n');
    const r = importText({ format: 'openapi', text: v2, file: 'v2.json', existing: { text: edited, file: 'volumes.yaml' } });
    expect(r.text).toContain('    # reads secrets: treat as a write\n    volumeGet:\n      class: write # decided in review');
    expect(r.text).toContain('      reversible: false\n      resource: { kind: disk, idArg: volumeId } # checked\n');
    expect(r.text).toContain('  environments: [ production, staging ]');
    expect(r.changes).toContainEqual({ kind: 'class-kept', name: 'volumeGet', kept: 'write', guess: 'read' });
    expect(operationsOf(r.text)['volumeDelete']).toEqual({ class: 'destructive', http: { method: 'DELETE', path: '/volumes/{volumeId}' }, reversible: false, resource: { kind: 'disk', idArg: 'volumeId' } });
  });

  it('keeps the user\'s header lines and replaces only the import line', () => {
    const text = first().replace('# Imported by', '# Owned by @acme/platform.\n# Imported by');
    const r = importText({ format: 'openapi', text: v2, file: 'v2.json', existing: { text, file: 'volumes.yaml' } });
    const head = r.text.split('\n').slice(0, 5);
    expect(head[0]).toBe('# Owned by @acme/platform.');
    expect(head[1]).toMatch(/^# Imported by `blastguard import openapi` from `v2\.json` \(sha256:[0-9a-f]{64}\)\.$/);
    expect(r.text.match(/Imported by/g)).toHaveLength(1);
  });

  it('updates a GraphQL root type change as a route change', () => {
    const before = importText({ format: 'graphql', text: 'type Query { logs: String }', hosts: ['a.example'] }).text;
    const r = importText({ format: 'graphql', text: 'type Query { me: String }\ntype Mutation { logs: String }', existing: { text: before, file: 'a.yaml' } });
    expect(r.changes).toEqual([
      { kind: 'added', name: 'me', class: 'read', route: 'query' },
      { kind: 'route', name: 'logs', from: 'query', to: 'mutation' },
      { kind: 'class', name: 'logs', from: 'read', to: 'write' },
    ]);
  });
});
