// promote and narrow-token rewrite YAML in place: only the changed scalars or items move; every
// byte around them (comments, order, quoting, flow style) stays; nothing is half-written.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDIT_CODES, narrowToken, promoteRules } from '../../src/edit/index.js';
import { isBlastguardError } from '../../src/core/errors.js';

const POLICY = `# leading comment
apiVersion: blastguard.dev/v1
kind: Policy
metadata:
  name: p1
spec:
  api: railway
  rules:
    - id: quoted   # keeps this comment
      match: { operations: ["class:destructive"] }
      mode: "shadow"
      reason: r
    - id: plain
      match: { operations: [volumeDelete] }
      mode: shadow  # trailing
      reason: r
    - id: single
      mode: 'shadow'
      reason: r
    - id: hard
      mode: deny
      reason: r
    - id: open
      mode: allow
---
apiVersion: blastguard.dev/v1
kind: Policy
metadata: { name: p2 }
spec:
  rules:
    - { id: flow, mode: shadow, reason: r }
`;

const TOKEN = `apiVersion: blastguard.dev/v1
kind: Token
metadata:
  name: t1
spec:
  grants:
    # flow list
    - operations: [a, b, c, d]
      environments: [staging]
    - operations:
        - e   # e stays
        - f
        - class:destructive
      environments: [production]
    - operations: [g]
      environments: [production]
`;

let work: string;
let dir: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blastguard-edit-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function fresh(): Promise<void> {
  dir = await mkdtemp(path.join(work, 'p-'));
  await mkdir(path.join(dir, 'tokens'));
  await writeFile(path.join(dir, 'policy.yaml'), POLICY);
  await writeFile(path.join(dir, 'tokens', 'token.yaml'), TOKEN);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isBlastguardError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('promoteRules', () => {
  it('changes only the mode scalars, in their quoting style, block and flow alike', async () => {
    await fresh();
    const promoted = await promoteRules({ dir, cwd: work, rules: ['p1/quoted', 'p1/plain', 'p1/single', 'p2/flow'] });
    expect(promoted.rules.map((p) => [p.rule, p.line])).toEqual([
      ['p1/quoted', 11],
      ['p1/plain', 15],
      ['p1/single', 18],
      ['p2/flow', 31],
    ]);
    const after = await readFile(path.join(dir, 'policy.yaml'), 'utf8');
    expect(after).toBe(POLICY.replace('mode: "shadow"', 'mode: "deny"').replace('mode: shadow  # trailing', 'mode: deny  # trailing').replace("mode: 'shadow'", "mode: 'deny'").replace('{ id: flow, mode: shadow,', '{ id: flow, mode: deny,'));
    // No temporary file is left beside it.
    expect(await readdir(dir)).toEqual(['policy.yaml', 'tokens']);
  });

  it('refuses unknown, deny and allow rules with codes, before writing anything', async () => {
    await fresh();
    expect(await codeOf(promoteRules({ dir, cwd: work, rules: ['p1/plain', 'p1/hard'] }))).toBe(EDIT_CODES.alreadyDeny);
    expect(await codeOf(promoteRules({ dir, cwd: work, rules: ['p1/open'] }))).toBe(EDIT_CODES.notShadow);
    expect(await codeOf(promoteRules({ dir, cwd: work, rules: ['p1/nope'] }))).toBe(EDIT_CODES.unknownRule);
    expect(await codeOf(promoteRules({ dir, cwd: work, rules: ['p9/x'] }))).toBe(EDIT_CODES.unknownRule);
    expect(await codeOf(promoteRules({ dir, cwd: work, rules: ['plain'] }))).toBe(EDIT_CODES.badRuleId);
    expect(await readFile(path.join(dir, 'policy.yaml'), 'utf8')).toBe(POLICY);
  });
});

describe('narrowToken', () => {
  const expand = (selector: string): string[] => (selector === 'class:destructive' ? ['x', 'y'] : []);

  it('removes dropped items only: flow separators, block lines, whole grants; selectors expand to what was used', async () => {
    await fresh();
    const used = new Set(['a', 'c', 'e', 'y']);
    const r = await narrowToken({ dir, cwd: work, token: 't1', keep: (op) => used.has(op), expand });
    expect(r.dropped).toEqual(['b', 'd', 'f', 'g']);
    expect(r.expanded).toEqual([{ selector: 'class:destructive', into: ['y'] }]);
    expect(r.droppedGrants).toEqual([2]);
    const after = await readFile(path.join(dir, 'tokens', 'token.yaml'), 'utf8');
    expect(after).toBe(
      TOKEN.replace('[a, b, c, d]', '[a, c]')
        .replace('        - f\n', '')
        .replace('- class:destructive', '- y')
        .replace('    - operations: [g]\n      environments: [production]\n', ''),
    );
  });

  it('dry runs write nothing; a token left without grants and an unknown token are coded errors', async () => {
    await fresh();
    const r = await narrowToken({ dir, cwd: work, token: 't1', keep: () => false, expand, dryRun: true }).catch((e: unknown) => e);
    expect(isBlastguardError(r) && r.code).toBe(EDIT_CODES.emptyToken);
    const dry = await narrowToken({ dir, cwd: work, token: 't1', keep: (op) => op !== 'a', expand, dryRun: true });
    expect(dry.dropped).toEqual(['a']);
    expect(await readFile(path.join(dir, 'tokens', 'token.yaml'), 'utf8')).toBe(TOKEN);
    expect(await codeOf(narrowToken({ dir, cwd: work, token: 'nope', keep: () => true, expand }))).toBe(EDIT_CODES.unknownToken);
  });

  it('any subset dropped from a flow or block list leaves exactly the kept items, the rest byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/), { minLength: 1, maxLength: 8 }), fc.boolean(), fc.func(fc.boolean()), async (ops, flow, keeps) => {
        const keep = (op: string): boolean => ops.indexOf(op) === 0 || keeps(op);
        const list = flow ? `[${ops.join(', ')}]` : `\n${ops.map((o) => `        - ${o}`).join('\n')}`;
        const text = `kind: Token\nmetadata:\n  name: t1\nspec:\n  grants:\n    - operations: ${list}\n      environments: [staging]\n# tail\n`;
        const d = await mkdtemp(path.join(work, 'prop-'));
        await writeFile(path.join(d, 't.yaml'), text);
        await narrowToken({ dir: d, cwd: work, token: 't1', keep, expand: () => [] });
        const after = await readFile(path.join(d, 't.yaml'), 'utf8');
        const doc = parse(after) as { spec: { grants: { operations: string[]; environments: string[] }[] } };
        expect(doc.spec.grants[0]!.operations).toEqual(ops.filter(keep));
        expect(doc.spec.grants[0]!.environments).toEqual(['staging']);
        expect(after.startsWith('kind: Token\nmetadata:\n  name: t1\nspec:\n  grants:\n    - operations: ')).toBe(true);
        expect(after.endsWith('      environments: [staging]\n# tail\n')).toBe(true);
        await rm(d, { recursive: true, force: true });
      }),
      { numRuns: 80 },
    );
  });
});
