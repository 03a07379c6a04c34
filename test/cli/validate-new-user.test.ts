import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeTree, yaml } from '../helpers/fs.js';
import type { Tree } from '../helpers/fs.js';
import { API_RAILWAY, policy, token } from '../helpers/policies.js';

const RULE = ['    - id: r1', '      mode: deny', '      reason: no'];
const base = (extra: Tree): Tree => ({ 'policies/apis/railway.yaml': API_RAILWAY, ...extra });

/**
 * Mistakes a first-time user makes. Each must give one located, coded error and exit 1, never a
 * stack trace or an internal error. [name, files, expected `file:line:col: error CODE`]
 */
const CASES: [string, Tree, string][] = [
  ['an empty directory', { 'policies/.keep': '' }, 'policies:1:1: error BG003'],
  ['no policy directory at all', { 'README.md': '# hi' }, 'policies:1:1: error BG001'],
  ['a file where the directory should be', { policies: API_RAILWAY }, 'policies:1:1: error BG002'],
  ['tabs for indentation', base({ 'policies/p.yaml': 'spec:\n\trules: []\n' }), 'policies/p.yaml:2:1: error BG010'],
  ['an unterminated string', base({ 'policies/p.yaml': 'metadata: { name: "x }\n' }), 'policies/p.yaml:1:19: error BG008'],
  [
    'an unclosed flow mapping',
    base({ 'policies/t.yaml': token('t').replace('metadata: { name: t }', 'metadata: { name: t-two') }),
    'policies/t.yaml:3:11: error BG008',
  ],
  ['a duplicate key', base({ 'policies/p.yaml': `${policy('p', ...RULE)}metadata: { name: q }\n` }), 'policies/p.yaml:10:1: error BG009'],
  [
    'a Kubernetes manifest',
    base({ 'policies/k8s.yaml': yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: x }') }),
    'policies/k8s.yaml:1:13: error BG015',
  ],
  ['a document without kind', base({ 'policies/p.yaml': yaml('apiVersion: blastguard.dev/v1', 'metadata: { name: p }') }), 'policies/p.yaml:1:1: error BG013'],
  ['a lowercase kind', base({ 'policies/p.yaml': policy('p', ...RULE).replace('kind: Policy', 'kind: policy') }), 'policies/p.yaml:2:7: error BG014'],
  ['a policy without spec', base({ 'policies/p.yaml': yaml('apiVersion: blastguard.dev/v1', 'kind: Policy', 'metadata: { name: p }') }), 'policies/p.yaml:1:1: error BG020'],
  ['a nested too deep document', base({ 'policies/p.yaml': `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n` }), 'policies/p.yaml:1:67: error BG061'],
  ['mode `block`', base({ 'policies/p.yaml': policy('p', '    - id: r1', '      mode: block') }), 'policies/p.yaml:8:13: error BG023'],
  ['a deny rule without reason', base({ 'policies/p.yaml': policy('p', '    - id: r1', '      mode: deny') }), 'policies/p.yaml:7:7: error BG020'],
  [
    'the token itself instead of its fingerprint',
    base({ 'policies/t.yaml': token('t', ['ghp', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z'].join('_')) }),
    'policies/t.yaml:6:16: error BG056',
  ],
  ['a policy for an undeclared api', { 'policies/p.yaml': policy('p', ...RULE) }, 'policies/p.yaml:5:8: error BG040'],
  [
    'an environment typo',
    base({ 'policies/p.yaml': policy('p', '    - id: r1', '      match: { environments: [prod] }', '      mode: allow') }),
    'policies/p.yaml:8:31: error BG046',
  ],
  ['an expired token', base({ 'policies/t.yaml': token('t').replace(/expires: .*/, 'expires: 2020-01-01T00:00:00Z') }), 'policies/t.yaml:7:12: error BG049'],
  [
    'a file saved as Latin-1',
    base({ 'policies/p.yaml': Buffer.concat([Buffer.from('metadata: { description: "caf'), Buffer.from([0xe9]), Buffer.from('" }\n')]) }),
    'policies/p.yaml:1:30: error BG007',
  ],
  ['a list instead of a document', base({ 'policies/p.yaml': '- kind: Policy\n' }), 'policies/p.yaml:1:1: error BG012'],
  ['an alias bomb', base({ 'policies/p.yaml': bomb() }), 'policies/p.yaml:2:8: error BG011'],
];

function bomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']] as const) {
    lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
  }
  return yaml(...lines);
}

describe('validate: new-user mistakes', () => {
  it.each(CASES)('%s', async (_name, tree, expected) => {
    const cwd = await writeTree(tree);
    const { code, stderr } = await runCli(['validate'], { cwd });
    expect(stderr).toContain(expected);
    expect(code).toBe(1);
    expect(stderr).not.toContain('internal error');
    expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);
  });

  it('accepts a byte order mark and Windows line endings', async () => {
    const cwd = await writeTree({ 'policies/apis/railway.yaml': `\uFEFF${API_RAILWAY.replace(/\n/g, '\r\n')}` });
    const { code, stderr } = await runCli(['validate'], { cwd });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
