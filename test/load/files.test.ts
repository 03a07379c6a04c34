import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, loadDocumentsFromFile, loadPolicySet } from '../../src/load/index.js';
import { whereIn } from '../helpers/diagnostics.js';
import { writeTree } from '../helpers/fs.js';
import { API_RAILWAY, policy, token } from '../helpers/policies.js';

const RULE = ['    - id: r1', '      match: { operations: [volumeDelete] }', '      mode: deny', '      reason: no'];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('loadPolicySet', () => {
  it('reads every yaml file recursively, sorted, with paths relative to cwd', async () => {
    const root = await writeTree({
      'policies/tokens/b.yml': token('b'),
      'policies/apis/railway.yaml': API_RAILWAY,
      'policies/team/z.yaml': policy('z', ...RULE),
      'policies/team/a.YAML': policy('a', ...RULE),
      'policies/README.md': '# not yaml',
      'policies/.hidden/x.yaml': 'not: [valid',
      'policies/node_modules/x.yaml': 'not: [valid',
    });
    const { set, diagnostics } = await loadPolicySet('policies', { cwd: root });
    expect(diagnostics).toEqual([]);
    expect(set.root).toBe('policies');
    expect(set.apis.map((d) => d.file)).toEqual(['policies/apis/railway.yaml']);
    expect(set.policies.map((d) => d.file)).toEqual(['policies/team/a.YAML', 'policies/team/z.yaml']);
    expect(set.tokens.map((d) => `${d.file}#${d.name}`)).toEqual(['policies/tokens/b.yml#b']);
  });

  it('accepts an absolute directory and reports paths relative to cwd', async () => {
    const root = await writeTree({ 'p/api.yaml': API_RAILWAY.replace('graphql', 'grpc') });
    const { diagnostics } = await loadPolicySet(path.join(root, 'p'), { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/api.yaml:BG023@5:13']);
  });

  it('keeps valid documents and drops invalid ones', async () => {
    const root = await writeTree({ 'p/all.yaml': `${API_RAILWAY}---\n${token('t').replace('api: railway', 'api: 7')}` });
    const { set, diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(set.apis).toHaveLength(1);
    expect(set.tokens).toHaveLength(0);
    expect(whereIn(diagnostics)).toEqual(['p/all.yaml:BG022@20:8']);
  });

  it('reports a directory that does not exist', async () => {
    const root = await writeTree({});
    const { diagnostics } = await loadPolicySet('nope', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['nope:BG001@1:1']);
  });

  it('reports a file passed as the directory', async () => {
    const root = await writeTree({ 'p/api.yaml': API_RAILWAY });
    const { diagnostics } = await loadPolicySet('p/api.yaml', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/api.yaml:BG002@1:1']);
    expect(diagnostics[0]?.help).toBe('pass the directory that contains it: `p`');
  });

  it('reports a directory without yaml files', async () => {
    const root = await writeTree({ 'p/notes.txt': 'x' });
    const { diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p:BG003@1:1']);
  });

  it('reports invalid UTF-8 at the offending byte', async () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]);
    const root = await writeTree({ 'p/x.yaml': bytes });
    const { diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/x.yaml:BG007@2:8']);
  });

  it('refuses files over the size limit', async () => {
    const root = await writeTree({ 'p/big.yaml': `# ${'x'.repeat(MAX_FILE_BYTES)}\n` });
    const { diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/big.yaml:BG005@1:1']);
  });

  it('reports symbolic link loops and self-referencing links', async () => {
    const root = await writeTree({
      'p/api.yaml': API_RAILWAY,
      'p/sub/back': { symlink: '..' },
      'p/self.yaml': { symlink: 'self.yaml' },
    });
    const { set, diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/self.yaml:BG006@1:1', 'p/sub/back:BG006@1:1']);
    expect(set.apis).toHaveLength(1);
  });

  it('reads a linked directory once', async () => {
    const root = await writeTree({ 'p/apis/api.yaml': API_RAILWAY, 'p/again': { symlink: 'apis' } });
    const { set, diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(diagnostics).toEqual([]);
    expect(set.apis).toHaveLength(1);
  });

  it('reports a broken link to a yaml file', async () => {
    const root = await writeTree({ 'p/api.yaml': API_RAILWAY, 'p/gone.yaml': { symlink: 'missing.yaml' } });
    const { diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/gone.yaml:BG004@1:1']);
  });

  it.skipIf(isRoot)('reports an unreadable file', async () => {
    const root = await writeTree({ 'p/api.yaml': API_RAILWAY, 'p/secret.yaml': 'a: 1\n' });
    await chmod(path.join(root, 'p/secret.yaml'), 0o000);
    const { diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/secret.yaml:BG004@1:1']);
  });

  it('refuses links that lead outside the directory, at the link, without reading the target', async () => {
    const root = await writeTree({
      'outside/secret.yaml': 'password: hunter2-do-not-print\n',
      'outside/dir/x.yaml': API_RAILWAY,
      'outside/notes.txt': 'x',
      'p/api.yaml': API_RAILWAY,
      'p/env.yaml': { symlink: '../outside/secret.yaml' },
      'p/shared': { symlink: '../outside/dir' },
      'p/notes': { symlink: '../outside/notes.txt' },
      'p/abs.yaml': { symlink: '/etc/passwd' },
    });
    const { set, diagnostics, sources } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/abs.yaml:BG019@1:1', 'p/env.yaml:BG019@1:1', 'p/shared:BG019@1:1']);
    expect(diagnostics[1]?.message).toBe('`p/env.yaml` is a symbolic link that leads outside `p`; it is not read');
    expect(set.apis.map((d) => d.file)).toEqual(['p/api.yaml']);
    expect([...sources.keys()]).toEqual(['p/api.yaml']);
    expect(JSON.stringify(diagnostics)).not.toMatch(/outside\/|hunter2|etc/);
  });

  it.runIf(process.platform === 'linux')('refuses a link to /proc/self/environ', async () => {
    const root = await writeTree({ 'p/api.yaml': API_RAILWAY, 'p/env.yaml': { symlink: '/proc/self/environ' } });
    const { diagnostics, sources } = await loadPolicySet('p', { cwd: root });
    expect(whereIn(diagnostics)).toEqual(['p/env.yaml:BG019@1:1']);
    expect(sources.has('p/env.yaml')).toBe(false);
  });

  it('follows links that stay inside the directory, also through a linked policy directory', async () => {
    const root = await writeTree({
      'real/apis/railway.yaml': API_RAILWAY,
      'real/team/p.yaml': policy('p', ...RULE),
      'real/linked.yaml': { symlink: 'team/p.yaml' },
      'p': { symlink: 'real' },
    });
    const { set, diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(diagnostics).toEqual([]);
    expect(set.apis).toHaveLength(1);
    expect(set.policies.map((d) => d.file)).toEqual(['p/linked.yaml', 'p/team/p.yaml']);
  });

  it('reports a link loop with help that does not suggest leaving the directory', async () => {
    const root = await writeTree({ 'p/api.yaml': API_RAILWAY, 'p/sub/back': { symlink: '..' } });
    const { diagnostics } = await loadPolicySet('p', { cwd: root });
    expect(diagnostics[0]?.help).not.toMatch(/outside/);
  });
});

describe('loadDocumentsFromFile', () => {
  it('refuses a file whose real path is outside `within`, and reads one inside', async () => {
    const root = await writeTree({
      'outside/secret.yaml': 'password: hunter2-do-not-print\n',
      'tests/leak.yaml': { symlink: '../outside/secret.yaml' },
      'tests/api.yaml': API_RAILWAY,
    });
    const refused = await loadDocumentsFromFile('tests/leak.yaml', { cwd: root, within: 'tests' });
    expect(whereIn(refused.diagnostics)).toEqual(['tests/leak.yaml:BG019@1:1']);
    expect(refused.text).toBeUndefined();
    const read = await loadDocumentsFromFile('tests/api.yaml', { cwd: root, within: 'tests' });
    expect(read.diagnostics).toEqual([]);
    expect(read.documents).toHaveLength(1);
  });
});
