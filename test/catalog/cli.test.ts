import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import { checkPolicies } from '../../src/toolchain/index.js';
import { copyExampleRepo, runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/fs.js';
import { FIXTURES, fixture } from './helpers.js';

const GITHUB = path.join(FIXTURES, 'github-rest.yaml');
const RAILWAY = path.join(FIXTURES, 'railway.graphql');

async function exampleRepo(): Promise<string> {
  return copyExampleRepo(await writeTree({}));
}

describe('blastguard import (end to end)', () => {
  it('imports OpenAPI and GraphQL next to the example catalog, and the repository validates with 0 errors', async () => {
    const root = await exampleRepo();
    // Its own host: the example repository's `github-rest` Api already claims api.github.com (BG065).
    const gh = await runCli(['import', 'openapi', GITHUB, '--name', 'github', '--host', 'api.github.example', '--out', 'policies/apis/github.yaml'], { cwd: root });
    expect(gh.code).toBe(0);
    expect(gh.stdout).toBe('wrote policies/apis/github.yaml: api `github`, 11 operations (4 destructive, 5 write, 2 read); check each class and every `review:` comment\n');
    expect(gh.stderr.split('\n').filter((l) => l !== '')).toEqual([]);
    const gql = await runCli(['import', 'graphql', RAILWAY, '--name', 'railway-imported', '--host', 'backboard.railway.example', '--endpoint', '/graphql/v2', '--out', 'policies/apis/railway-imported.yaml'], { cwd: root });
    expect(gql.code).toBe(0);
    expect(gql.stderr).toBe('');

    const validated = await runCli(['validate', '--dir', 'policies'], { cwd: root });
    expect(validated.stdout).toMatch(/^policies: \d+ valid documents, 0 errors/);
    expect(validated.code).toBe(0);

    // The routes are the ones the extractor matches: a real GitHub call finds its operation and resource.
    const checked = await checkPolicies({ dir: 'policies', cwd: root });
    expect(checked.ir).not.toBeNull();
    const call = (method: string, url: string) => extractDecisionInputs({ method, url, headers: { authorization: 'Bearer x' } }, checked.ir!, { time: '2026-04-25T21:14:03Z' })[0]!;
    const deleteRepo = call('DELETE', 'https://api.github.example/repos/acme/web');
    expect(deleteRepo.operation).toBe('repos/delete');
    expect(deleteRepo.input.resource).toMatchObject({ kind: 'repo', id: 'acme/web' });
    expect(call('DELETE', 'https://api.github.example/repos/acme/web/git/refs/v1.0').operation).toBe('git/delete-ref');
    // `x-multi-segment` refs are imported as `{ref+}`: a ref with a slash is one argument.
    const branchRef = call('DELETE', 'https://api.github.example/repos/acme/web/git/refs/heads/feature-x');
    expect(branchRef.operation).toBe('git/delete-ref');
  });

  it('prints the catalog on stdout without --out, and reads `-` from stdin', async () => {
    const dir = await writeTree({});
    const r = await runCli(['import', 'graphql', '-', '--host', 'api.example.com'], { cwd: dir, stdin: 'type Mutation { volumeDelete(volumeId: ID!): Boolean }' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Imported by `blastguard import graphql` from `<stdin>`');
    expect(r.stdout).toContain('    volumeDelete:\n      class: destructive\n');
    expect(await readdir(dir)).toEqual([]);
  });

  it('re-imports in place and reports what changed', async () => {
    const dir = await writeTree({ 'api.yaml': fixture('github-rest.yaml') });
    expect((await runCli(['import', 'openapi', 'api.yaml', '--name', 'github', '--out', 'github.yaml'], { cwd: dir })).code).toBe(0);
    const changed = fixture('github-rest.yaml')
      .replace('    patch:\n      operationId: repos/update', '    put:\n      operationId: repos/update')
      .replace(/ {2}\/user\/repos:\n( {4}.*\n| {6}.*\n)+?(?= {2}\/orgs)/, '');
    await writeFile(path.join(dir, 'api.yaml'), changed);
    const r = await runCli(['import', 'openapi', 'api.yaml', '--out', 'github.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'updated github.yaml: 1 removed, 1 route changed; 10 operations (4 destructive, 4 write, 2 read)',
        '  - repos/create-for-authenticated-user (POST /user/repos)',
        '  ~ repos/update: route PATCH /repos/{owner}/{repo} -> PUT /repos/{owner}/{repo}',
        '',
      ].join('\n'),
    );
    expect(await readdir(dir)).toEqual(['api.yaml', 'github.yaml']);
    const again = await runCli(['import', 'openapi', 'api.yaml', '--out', 'github.yaml'], { cwd: dir });
    expect(again.stdout).toBe('up to date github.yaml: no changes; 10 operations (4 destructive, 4 write, 2 read)\n');
  });

  it('fails with a located, coded error and writes nothing (BG661), leaving an existing catalog as it was', async () => {
    const dir = await writeTree({ 'bad.yaml': 'openapi: 3.1.0\npaths:\n  /a: [\n', 'out.yaml': 'kind: Api\n' });
    const r = await runCli(['import', 'openapi', 'bad.yaml', '--out', 'out.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.yaml:4:1: error BG661 `bad\.yaml` is not well-formed json or yaml: [^\n]+\n {2}help: [^\n]+\n$/);
    expect(await readFile(path.join(dir, 'out.yaml'), 'utf8')).toBe('kind: Api\n');
    expect(await readdir(dir)).toEqual(['bad.yaml', 'out.yaml']);
  });

  it('BG660: a file that cannot be read', async () => {
    const r = await runCli(['import', 'openapi', 'missing.yaml'], { cwd: await writeTree({}) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^missing\.yaml: error BG660 cannot read `missing\.yaml`: [^\n]+\n {2}help: /);
  });

  it('BG669: a catalog that cannot be written leaves no temporary file', async () => {
    const dir = await writeTree({ 'api.yaml': fixture('github-rest.yaml'), 'file': 'x' });
    const r = await runCli(['import', 'openapi', 'api.yaml', '--out', 'file/github.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^file\/github\.yaml: error BG669 cannot write `file\/github\.yaml`/m);
    expect(await readdir(dir)).toEqual(['api.yaml', 'file']);
  });

  it('BG667: an invalid option is a usage error (exit 2)', async () => {
    const dir = await writeTree({ 'api.yaml': fixture('github-rest.yaml') });
    const r = await runCli(['import', 'openapi', 'api.yaml', '--name', 'GitHub'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error BG667 --name `GitHub` is not a valid api name\n {2}help: /);
  });

  it('an unknown format is a usage error', async () => {
    const r = await runCli(['import', 'raml', 'x.raml'], { cwd: await writeTree({}) });
    expect(r.code).toBe(2);
  });
});
