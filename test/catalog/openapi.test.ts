import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OK, fixture, importText, openapi, operationsOf } from './helpers.js';

describe('import openapi: a GitHub-like REST description', () => {
  const text = fixture('github-rest.yaml');
  const result = importText({ format: 'openapi', text, file: 'test/catalog/fixtures/github-rest.yaml' });
  const ops = operationsOf(result.text);

  it('writes one operation per method and path, named by operationId made schema-valid', () => {
    expect(Object.keys(ops)).toEqual([
      'actions/cancel-workflow-run',
      'delete.orgs.by-org.hooks.by-hook_id',
      'git/create-ref',
      'git/delete-ref',
      'git/update-ref',
      'repos/create-for-authenticated-user',
      'repos/delete',
      'repos/delete-branch-protection',
      'repos/download-tarball-archive',
      'repos/get',
      'repos/update',
    ]);
    expect(ops['repos/delete']?.http).toEqual({ method: 'DELETE', path: '/repos/{owner}/{repo}' });
    expect(ops['git/delete-ref']?.http).toEqual({ method: 'DELETE', path: '/repos/{owner}/{repo}/git/refs/{ref+}' });
    expect(ops['repos/create-for-authenticated-user']?.http).toEqual({ method: 'POST', path: '/user/repos' });
  });

  it('guesses classes from the method and the name (core/classify)', () => {
    const classes = Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, op.class]));
    expect(classes).toEqual({
      'actions/cancel-workflow-run': 'write',
      'delete.orgs.by-org.hooks.by-hook_id': 'destructive',
      'git/create-ref': 'write',
      'git/delete-ref': 'destructive',
      'git/update-ref': 'write',
      'repos/create-for-authenticated-user': 'write',
      'repos/delete': 'destructive',
      'repos/delete-branch-protection': 'destructive',
      'repos/download-tarball-archive': 'read',
      'repos/get': 'read',
      'repos/update': 'write',
    });
    expect(result.classes).toEqual({ destructive: 4, write: 5, read: 2 });
  });

  it('guesses the resource from the path and marks every guess for review', () => {
    // A repository is named within its owner: the id is composed, not the name alone.
    expect(ops['repos/delete']?.resource).toEqual({ kind: 'repo', id: '{owner}/{repo}' });
    expect(result.text).toContain('resource: { kind: repo, id: "{owner}/{repo}" } # review: guessed from the path parameters {owner} {repo}; `{repo}` is named within `{owner}`');
    expect(ops['repos/delete-branch-protection']?.resource).toEqual({ kind: 'branch', idArg: 'branch' });
    expect(ops['delete.orgs.by-org.hooks.by-hook_id']?.resource).toEqual({ kind: 'hook', idArg: 'hook_id' });
    expect(ops['repos/create-for-authenticated-user']?.resource).toBeUndefined();
    const resourceLines = result.text.split('\n').filter((l) => l.trimStart().startsWith('resource:'));
    expect(resourceLines.length).toBe(10);
    for (const line of resourceLines) expect(line).toMatch(/ # review: guessed from the path parameters/);
  });

  it('says where names are derived, and writes `x-multi-segment` refs as multi-segment `{ref+}`', () => {
    expect(result.text).toContain('\n    repos/delete:');
    expect(result.text).not.toContain('# review: operationId `repos/delete`');
    expect(result.text).toContain('# review: no operationId: name derived from the route\n    delete.orgs.by-org.hooks.by-hook_id:');
    expect(result.notes).toEqual([]);
    expect(ops['git/delete-ref']?.http).toEqual({ method: 'DELETE', path: '/repos/{owner}/{repo}/git/refs/{ref+}' });
    // A `{ref}` declared without `x-multi-segment` (the tarball route) is one segment, as written.
    expect(ops['repos/download-tarball-archive']?.http?.path).toMatch(/\{ref\}$/);
  });

  it('spells RFC 6570 and Smithy multi-segment parameters `{name+}`, and notes a second one in a route (BG670)', () => {
    const doc = (path: string): string =>
      JSON.stringify({ openapi: '3.1.0', info: { title: 'T', version: '1' }, servers: [{ url: 'https://api.example.com' }], paths: { [path]: { get: { operationId: 'get', responses: { '200': { description: 'OK' } } } } } });
    for (const p of ['/files/{+path}', '/files/{path*}', '/files/{path+}']) {
      expect(operationsOf(importText({ format: 'openapi', text: doc(p), file: 'x.json' }).text)['get']?.http?.path).toBe('/files/{path+}');
    }
    const two = importText({ format: 'openapi', text: doc('/a/{+x}/b/{+y}'), file: 'x.json' });
    expect(operationsOf(two.text)['get']?.http?.path).toBe('/a/{x+}/b/{y}');
    expect(two.notes.map((n) => n.code)).toEqual(['BG670']);
  });

  it('takes hosts from servers, token headers from security schemes, the name from the title', () => {
    const doc = parse(result.text) as { metadata: { name: string }; spec: Record<string, unknown> };
    expect(doc.metadata.name).toBe('github-v3-rest-api');
    expect(doc.spec['protocol']).toBe('http');
    expect(doc.spec['hosts']).toEqual(['api.github.com']);
    expect(doc.spec['tokens']).toEqual({ headers: [{ name: 'Authorization', scheme: 'Bearer' }] });
    expect(doc.spec['defaults']).toEqual({ read: 'allow', write: 'shadow', destructive: 'deny' });
  });

  it('heads the catalog with the file it came from, its sha256, and that guesses need review', () => {
    const sha = createHash('sha256').update(text).digest('hex');
    const lines = result.text.split('\n');
    expect(lines[0]).toBe(`# Imported by \`blastguard import openapi\` from \`github-rest.yaml\` (sha256:${sha}).`);
    expect(lines.slice(0, 4).join('\n')).toContain('check each class and every `review:` comment');
  });

  it('is deterministic: the same text for the same input, and for its JSON form', () => {
    expect(importText({ format: 'openapi', text, file: 'x/github-rest.yaml' }).text).toBe(importText({ format: 'openapi', text, file: 'y/github-rest.yaml' }).text);
    const json = JSON.stringify(parse(text));
    const fromJson = importText({ format: 'openapi', text: json, file: 'github-rest.json' });
    expect(operationsOf(fromJson.text)).toEqual(ops);
    expect(fromJson.notes).toEqual([]);
  });
});

describe('import openapi: routes as the extractor matches them', () => {
  it('joins the server base path (variables filled with defaults) and drops empty segments', () => {
    const text = openapi({ '/volumes//{volumeId}/': { delete: { operationId: 'volumeDelete', ...OK } } }, {
      servers: [{ url: 'https://{region}.example.com/v1/', variables: { region: { default: 'eu' } } }],
    });
    const r = importText({ format: 'openapi', text });
    expect(operationsOf(r.text)['volumeDelete']?.http).toEqual({ method: 'DELETE', path: '/v1/volumes/{volumeId}' });
    expect(parse(r.text).spec.hosts).toEqual(['eu.example.com']);
  });

  it('keeps every host of several servers, and notes a second base path it cannot use (BG674)', () => {
    const text = openapi({ '/a': { get: { operationId: 'a', ...OK } } }, {
      servers: [{ url: 'https://api.example.com/v1' }, { url: 'https://API.example.org/v2' }, { url: 'https://api.example.com/v1' }],
    });
    const r = importText({ format: 'openapi', text });
    expect(parse(r.text).spec.hosts).toEqual(['api.example.com', 'api.example.org']);
    expect(operationsOf(r.text)['a']?.http?.path).toBe('/v1/a');
    expect(r.notes.map((n) => n.code)).toEqual(['BG674']);
  });

  it('writes `{Key+}` and `{+path}` as multi-segment parameters, without a note', () => {
    const text = openapi({ '/{Bucket}/{Key+}': { delete: { operationId: 'DeleteObject', ...OK } }, '/files/{+path}': { get: { operationId: 'getFile', ...OK } } });
    const r = importText({ format: 'openapi', text });
    expect(operationsOf(r.text)['DeleteObject']?.http?.path).toBe('/{Bucket}/{Key+}');
    expect(operationsOf(r.text)['getFile']?.http?.path).toBe('/files/{path+}');
    expect(r.notes).toEqual([]);
  });

  it('notes a segment mixing text and parameters, which routes match literally (BG671)', () => {
    const r = importText({ format: 'openapi', text: openapi({ '/files/{name}.json': { get: { operationId: 'getJson', ...OK } } }) });
    expect(operationsOf(r.text)['getJson']?.http?.path).toBe('/files/{name}.json');
    expect(r.notes.map((n) => n.code)).toEqual(['BG671']);
    expect(r.text).toContain('# review: segment `{name}.json` is matched literally');
  });

  it('notes two operations on one method and template (BG672), and renames a name collision (BG673)', () => {
    const text = openapi({
      '/items/{id}': { delete: { operationId: 'items/delete', ...OK } },
      '/items/{itemId}': { delete: { operationId: 'items/delete', ...OK } },
    });
    const r = importText({ format: 'openapi', text });
    expect(Object.keys(operationsOf(r.text))).toEqual(['items/delete', 'items/delete-2']);
    expect(r.notes.map((n) => n.code).sort()).toEqual(['BG672', 'BG672', 'BG673']);
  });

  it('derives a name without operationId, and a class from DELETE whatever the name', () => {
    const r = importText({ format: 'openapi', text: openapi({ '/orgs/{org}/members/{username}': { delete: OK, get: OK, put: OK } }) });
    const ops = operationsOf(r.text);
    expect(Object.fromEntries(Object.entries(ops).map(([n, o]) => [n, o.class]))).toEqual({
      'delete.orgs.by-org.members.by-username': 'destructive',
      'get.orgs.by-org.members.by-username': 'read',
      'put.orgs.by-org.members.by-username': 'write',
    });
    expect(ops['put.orgs.by-org.members.by-username']?.resource).toEqual({ kind: 'member', idArg: 'username' });
  });

  it('guesses environment and project arguments among path parameters', () => {
    const r = importText({ format: 'openapi', text: openapi({ '/projects/{projectId}/environments/{environmentId}/services/{serviceId}': { post: { operationId: 'serviceRedeploy', ...OK } } }) });
    expect(operationsOf(r.text)['serviceRedeploy']?.resource).toEqual({ kind: 'service', idArg: 'serviceId', environmentArg: 'environmentId', projectArg: 'projectId' });
  });

  it('leaves out what a catalog cannot hold, with a note each (BG674)', () => {
    const text = openapi(
      {
        '/a': { options: OK, trace: OK, get: { operationId: 'a', ...OK } },
        '/b': { $ref: 'other.yaml#/paths/~1b' },
      },
      { components: { securitySchemes: { key: { type: 'apiKey', in: 'query', name: 'key' }, basic: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } } } },
    );
    const r = importText({ format: 'openapi', text });
    expect(Object.keys(operationsOf(r.text))).toEqual(['a']);
    expect(r.notes.map((n) => n.code)).toEqual(['BG674', 'BG674', 'BG674', 'BG674', 'BG674']);
    expect(parse(r.text).spec.tokens).toEqual({ headers: [{ name: 'Authorization', scheme: 'Basic' }] });
  });

  it('reads an API key header scheme', () => {
    const text = openapi({ '/a': { get: { operationId: 'a', ...OK } } }, { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } } });
    expect(parse(importText({ format: 'openapi', text }).text).spec.tokens).toEqual({ headers: [{ name: 'X-Api-Key' }] });
  });
});

describe('import openapi: Swagger 2.0', () => {
  it('reads host, basePath and security definitions', () => {
    const r = importText({ format: 'openapi', text: fixture('petstore-swagger2.json'), file: 'petstore-swagger2.json' });
    const doc = parse(r.text) as { metadata: { name: string }; spec: { hosts: string[]; tokens: unknown } };
    expect(doc.metadata.name).toBe('swagger-petstore');
    expect(doc.spec.hosts).toEqual(['petstore.swagger.io']);
    expect(doc.spec.tokens).toEqual({ headers: [{ name: 'Authorization', scheme: 'Bearer' }] });
    const ops = operationsOf(r.text);
    expect(ops['deletePet']).toMatchObject({ class: 'destructive', http: { method: 'DELETE', path: '/v2/pet/{petId}' }, resource: { kind: 'pet', idArg: 'petId' } });
    expect(ops['getPetById']?.class).toBe('read');
    expect(ops['addPet']?.class).toBe('write');
    // `api_key` is not a header name the schema allows: noted, not written.
    expect(r.notes.map((n) => [n.code, n.at?.line])).toEqual([['BG674', 8]]);
  });
});
