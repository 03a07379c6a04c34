// A resource id composed from several arguments (`id: "{owner}/{repo}"`) reads one way or the call
// is refused: bypass review 2, finding 5 (a grant for `pacman` covered every owner's `pacman`).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { composeId, idTemplateProblem, parseIdTemplate } from '../../src/core/id-template.js';
import { EXTRACT_CODES, extractDecisionInputs, fingerprintOf } from '../../src/extract/index.js';
import type { HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { IrOperation } from '../../src/ir/types.js';
import { TIME } from './fixture.js';
import { httpIr, ir } from './helpers.js';

const MCP_TOKEN = 'fake-github-mcp-pacman-token';

describe('github-rest names a repository `owner/repo` (the example catalog)', () => {
  const pacman = { resources: { 'ukend0464/pacman': { kind: 'repository', environment: 'sandbox' } } };
  const read = (path: string) => {
    const request: HttpRequest = { method: 'GET', url: `https://api.github.com${path}`, headers: { Authorization: `Bearer ${MCP_TOKEN}` } };
    const out = extractDecisionInputs(request, ir, { time: TIME, inventory: pacman });
    expect(out).toHaveLength(1);
    return { input: out[0]!.input, error: out[0]!.error?.code, decision: evaluate(ir, out[0]!.input) };
  };

  test("a grant for `ukend0464/pacman` does not cover another owner's `pacman`", () => {
    expect(ir.tokens.find((t) => t.name === 'github-mcp-pacman')?.fingerprint).toBe(fingerprintOf(MCP_TOKEN));
    const own = read('/repos/ukend0464/pacman/contents/README.md');
    expect(own.input.resource).toEqual({ kind: 'repository', id: 'ukend0464/pacman', environment: 'sandbox' });
    expect(own.decision.mode).toBe('allow');

    const other = read('/repos/victim-corp/pacman/contents/README.md');
    expect(other.input.resource).toEqual({ kind: 'repository', id: 'victim-corp/pacman' });
    expect([other.decision.mode, other.decision.rule]).toEqual(['deny', 'token:scope']);
  });

  test('owner and name compare without case, as GitHub reads them, and the input carries the inventory spelling', () => {
    const shouted = read('/repos/UKEND0464/Pacman/issues');
    expect(shouted.input.resource).toEqual({ kind: 'repository', id: 'ukend0464/pacman', environment: 'sandbox' });
    expect(shouted.decision.mode).toBe('allow');
  });

  test('an owner or name holding the separator (an encoded `/`) is refused, never joined into another id', () => {
    expect(read('/repos/ukend0464%2Fpacman/x/issues').error).toBe(EXTRACT_CODES.ambiguousResourceId);
    expect(read('/repos/ukend0464/pac%2fman/issues').error).toBe(EXTRACT_CODES.ambiguousResourceId);
    expect(read('/repos/ukend0464%2Fpacman/x/issues').decision.rule).toBe('input:invalid');
  });
});

describe('composed ids from body arguments', () => {
  const transfer: IrOperation = {
    name: 'transfer',
    class: 'destructive',
    type: 'request',
    reversible: false,
    resource: { kind: 'repository', idArg: null, idTemplate: '{owner}/{repo}', environmentArg: null, projectArg: null },
    http: { method: 'POST', path: '/transfer' },
  };
  const rest = httpIr([transfer]);
  const post = (body: unknown): HttpRequest => ({ method: 'POST', url: 'https://backboard.railway.com/transfer', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('every part present: strings, or integers as their digits', () => {
    const out = extractDecisionInputs(post({ owner: 'acme', repo: 7 }), rest, { time: TIME });
    expect(out[0]?.input.resource).toEqual({ kind: 'repository', id: 'acme/7' });
  });

  test.each([
    ['a missing part', { repo: 'web' }, EXTRACT_CODES.incompleteResourceId],
    ['an empty part', { owner: '', repo: 'web' }, EXTRACT_CODES.incompleteResourceId],
    ['a part that is no string or integer', { owner: ['acme'], repo: 'web' }, EXTRACT_CODES.incompleteResourceId],
    ['every part missing', {}, EXTRACT_CODES.incompleteResourceId],
    ['a separator in the first part', { owner: 'acme/web', repo: 'x' }, EXTRACT_CODES.ambiguousResourceId],
    ['a separator in the last part', { owner: 'acme', repo: 'web/x' }, EXTRACT_CODES.ambiguousResourceId],
  ])('%s is refused (denied as input:invalid)', (_, body, code) => {
    const out = extractDecisionInputs(post(body), rest, { time: TIME });
    expect(out).toHaveLength(1);
    expect([out[0]?.operation, out[0]?.error?.code]).toEqual([null, code]);
    expect(evaluate(rest, out[0]?.input).rule).toBe('input:invalid');
  });
});

describe('composeId', () => {
  // Parts over a small alphabet holding every separator character, so that different parts
  // joining into one id is likely when it is possible at all.
  const alphabet = ['a', ':', '-', '/', '.'];
  const byId = (template: string, tuples: string[][]) => {
    const seen = new Map<string, string[]>();
    for (const values of tuples) {
      const composed = composeId(template, (path) => values[parseIdTemplate(template).args.indexOf(path)] || null);
      if (!('id' in composed)) continue;
      const before = seen.get(composed.id);
      if (before !== undefined) expect(values, `${template}: \`${composed.id}\``).toEqual(before);
      seen.set(composed.id, values);
    }
    return seen.size;
  };

  test('two calls whose parts differ never compose the same id (every pair of parts up to 3 characters)', () => {
    // Multi-character separators included: `x:` + `y` and `x` + `:y` would both give `x:::y`
    // with `{a}::{b}` if only the separator as a whole were refused.
    const parts = [''];
    for (let n = 0; n < 3; n++) for (const p of parts.filter((q) => q.length === n)) for (const c of alphabet) parts.push(p + c);
    const pairs = parts.flatMap((a) => parts.map((b) => [a, b]));
    for (const template of ['{a}/{b}', '{a}::{b}', 'pre:{a}-{b}', '{a}:-{b}.', '{a}.{b}']) expect(byId(template, pairs)).toBeGreaterThan(0);
  });

  test('three parts: the same, on random samples', () => {
    const part = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(part, part, part), { minLength: 50, maxLength: 50 }), (tuples) => {
        for (const template of ['{a}/{b}/{c}', '{a}:{b}::{c}', 'x-{a}.{b}:{c}']) byId(template, tuples);
      }),
    );
  });

  test('names the missing part, or the part holding a separator character', () => {
    expect(composeId('{owner}/{repo}', (p) => ({ owner: 'acme', repo: 'web' })[p] ?? null)).toEqual({ id: 'acme/web' });
    expect(composeId('{owner}/{repo}', (p) => ({ owner: 'acme' })[p] ?? null)).toEqual({ missing: 'repo' });
    expect(composeId('{a}::{b}', (p) => ({ a: 'x:', b: 'y' })[p] ?? null)).toEqual({ ambiguous: 'a', separator: ':' });
    expect(composeId('arn:{a}', (p) => ({ a: 'x:y' })[p] ?? null)).toEqual({ id: 'arn:x:y' });
  });

  test.each([
    ['{owner}/{repo}', null],
    ['repo:{repo}', null],
    ['owner/repo', 'names no `{argument}`'],
    ['{owner}{repo}', 'joins `{owner}` and `{repo}` with no separator'],
    ['{owner}/{owner}', 'names `{owner}` twice'],
    ['{owner}/{repo-name}', 'has `/{repo-name}`, a `{` or `}` that is no `{argument}`'],
  ])('idTemplateProblem(%s)', (template, message) => {
    expect(idTemplateProblem(template)?.message ?? null).toBe(message);
  });
});
