import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { argvFor } from '../../action/src/main.js';
// @ts-expect-error -- a plain ESM build script without type declarations
import { checkAction } from '../../action/build.mjs';

describe('github action', () => {
  it('action/dist is the bundle of action/src and the current runtime (run `npm run build:action`)', async () => {
    expect(await (checkAction as () => Promise<string[]>)()).toEqual([]);
  });

  it('declares node24 and every input main.ts reads', () => {
    const action = parse(readFileSync('action/action.yml', 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown> };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.mjs' });
    const source = readFileSync('action/src/main.ts', 'utf8');
    const read = new Set([...source.matchAll(/input\('([a-z-]+)'\)/g)].map((m) => m[1]));
    for (const name of read) expect(Object.keys(action.inputs)).toContain(name);
  });

  it('maps inputs to CLI arguments with GitHub annotations', () => {
    const inputs: Record<string, string> = { dir: 'pol', tests: 't', 'min-coverage': '90', out: 'b.tar.gz', 'signing-key': 'k', 'signing-alg': 'ES256', 'key-id': 'ci' };
    const input = (n: string): string => inputs[n] ?? '';
    expect(argvFor('validate', input, {})).toEqual(['validate', '--dir', 'pol', '--format', 'github']);
    expect(argvFor('test', input, {})).toEqual(['test', '--dir', 'pol', '--format', 'github', '--tests', 't', '--min-coverage', '90']);
    expect(argvFor('build', input, { GITHUB_SHA: 'abc' })).toEqual([
      'build', '--dir', 'pol', '--format', 'github', '--out', 'b.tar.gz', '--revision', 'abc',
      '--signing-key-env', 'BLASTGUARD_ACTION_SIGNING_KEY', '--signing-alg', 'ES256', '--key-id', 'ci',
    ]);
  });
});
