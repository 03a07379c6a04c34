import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, introspectionFromSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixture, importText, operationsOf } from './helpers.js';
import type { CatalogOperation } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const sdl = fixture('railway.graphql');
const imported = importText({ format: 'graphql', text: sdl, file: 'railway.graphql', hosts: ['backboard.railway.com'], endpoint: '/graphql/v2' });
const ops = operationsOf(imported.text);
/** The hand-written catalog of the example repository: what a reviewer decided. */
const reviewed = (parse(readFileSync(path.join(REPO, 'policies/apis/railway.yaml'), 'utf8')) as { spec: { operations: Record<string, CatalogOperation> } }).spec.operations;

describe('import graphql: the Railway schema', () => {
  it('makes every Mutation and Query field an operation, queries typed', () => {
    expect(Object.keys(ops)).toHaveLength(26);
    expect(ops['volumeDelete']).toEqual({ class: 'destructive', resource: { kind: 'volume', idArg: 'volumeId' }, description: 'Delete a persistent volume in a project' });
    expect(ops['project']).toMatchObject({ class: 'read', type: 'query', resource: { kind: 'project', idArg: 'id' } });
    expect(ops['me']).toEqual({ class: 'read', type: 'query', description: 'Gets the authenticated user.' });
    const doc = parse(imported.text) as { metadata: { name: string }; spec: Record<string, unknown> };
    expect(doc.metadata.name).toBe('railway');
    expect(doc.spec['protocol']).toBe('graphql');
    expect(doc.spec['endpoint']).toBe('/graphql/v2');
    expect(doc.spec['hosts']).toEqual(['backboard.railway.com']);
  });

  it('agrees with the reviewed catalog on every class but the ones only a human can know', () => {
    const differ = Object.keys(ops).filter((name) => ops[name]?.class !== reviewed[name]?.class);
    // Transferring a project away and restoring over newer backups lose access or data; their names do not say so.
    expect(differ).toEqual(['projectTransfer', 'volumeInstanceBackupRestore']);
  });

  it('guesses the resource arguments the reviewed catalog names, input fields included', () => {
    const same = Object.keys(ops).filter((name) => JSON.stringify(ops[name]?.resource ?? null) === JSON.stringify(reviewed[name]?.resource ?? null));
    expect(Object.keys(ops).filter((n) => !same.includes(n))).toEqual(['environmentCreate', 'variableDelete', 'volumeCreate', 'volumeInstanceBackupList', 'volumeInstanceBackupRestore', 'workspaceUserRemove']);
    expect(same).toHaveLength(20);
    expect(ops['customDomainCreate']?.resource).toEqual(reviewed['customDomainCreate']?.resource);
    // A variable lives in a service of an environment: the guess names the service, a reviewer chose the environment.
    expect(ops['variableDelete']?.resource).toEqual({ kind: 'service', idArg: 'input.serviceId', environmentArg: 'input.environmentId', projectArg: 'input.projectId' });
    expect(imported.text).toContain('resource: { kind: volume, idArg: volumeId } # review: guessed from the arguments of `volumeDelete`');
  });

  it('reads an introspection result (as a server answers it) to the same catalog', () => {
    const introspection = JSON.stringify({ data: introspectionFromSchema(buildSchema(sdl)) });
    const fromJson = importText({ format: 'graphql', text: introspection, file: 'railway.json', hosts: ['backboard.railway.com'] });
    expect(operationsOf(fromJson.text)).toEqual(ops);
  });

  it('keeps one entry for a field in two root types: the riskier one (BG673)', () => {
    const r = importText({ format: 'graphql', text: 'type Query { project(id: ID!): Boolean }\ntype Mutation { project(id: ID!): Boolean }', hosts: ['a.example'] });
    expect(operationsOf(r.text)).toEqual({ project: { class: 'write', resource: { kind: 'project', idArg: 'id' } } });
    expect(r.notes.map((n) => [n.code, n.at?.line])).toEqual([['BG673', 1]]);
  });

  it('types a subscription, and a destructive-named query keeps `type: query`', () => {
    const r = importText({ format: 'graphql', text: 'type Query { purgeStatus: Boolean }\ntype Subscription { logs(deploymentId: ID!): String }', hosts: ['a.example'] });
    expect(operationsOf(r.text)).toEqual({
      logs: { class: 'write', type: 'subscription', resource: { kind: 'deployment', idArg: 'deploymentId' } },
      purgeStatus: { class: 'destructive', type: 'query' },
    });
  });
});
