// Argument conditions (README "Argument conditions"): the reference evaluator and the Wasm engine
// on hand-picked cases — every form, nested paths, text forms of booleans and integers, grants.
import { beforeAll, describe, expect, it } from 'vitest';
import { argumentHolds, projectArguments } from '../../src/core/arguments.js';
import { compileIr } from '../../src/compile/index.js';
import { loadDecisionEngine } from '../../src/engine/sdk.js';
import { evaluate } from '../../src/evaluate/index.js';
import { buildIr } from '../../src/ir/build.js';
import { bundleDataFromIr } from '../../src/ir/data.js';
import type { ApiDocument, PolicyDocument, TokenDocument } from '../../src/schemas/types.generated.js';
import { useBuiltRuntime } from '../compile/support.js';
import { policySet } from '../ir/set.js';

beforeAll(() => {
  useBuiltRuntime();
});

const V = 'blastguard.dev/v1' as const;
const FP = 'sha256:' + 'a'.repeat(64);

const api: ApiDocument = {
  apiVersion: V,
  kind: 'Api',
  metadata: { name: 'aws' },
  spec: {
    protocol: 'aws-query',
    hosts: ['rds.us-east-1.amazonaws.com'],
    environments: ['production', 'staging'],
    protectedEnvironments: ['production'],
    defaults: { read: 'allow', write: 'allow', destructive: 'allow' },
    tokens: { missing: 'allow', checkScopesFor: ['write'] },
    operations: {
      DeleteDBInstance: { class: 'destructive' },
      ModifyRepo: { class: 'write' },
      DeletePrefixes: { class: 'destructive' },
    },
  },
};
const policy: PolicyDocument = {
  apiVersion: V,
  kind: 'Policy',
  metadata: { name: 'aws-safety' },
  spec: {
    api: 'aws',
    rules: [
      { id: 'final-snapshot', match: { operations: ['DeleteDBInstance'], arguments: { SkipFinalSnapshot: [true] } }, mode: 'deny', reason: 'Keep a final snapshot.' },
      { id: 'public', match: { operations: ['ModifyRepo'], arguments: { 'input.private': [false] } }, mode: 'deny', reason: 'No public flips.' },
      { id: 'filter', match: { operations: ['DeletePrefixes'], arguments: { filter: 'empty' } }, mode: 'deny', reason: 'An empty filter is everything.' },
      { id: 'count', match: { operations: ['DeletePrefixes'], arguments: { limit: [0, -3], filter: 'present' } }, mode: 'shadow', reason: 'Odd limit.' },
    ],
  },
};
const token: TokenDocument = {
  apiVersion: V,
  kind: 'Token',
  metadata: { name: 'ci' },
  spec: {
    api: 'aws',
    fingerprint: FP,
    expires: '2030-01-01T00:00:00Z',
    grants: [{ operations: ['ModifyRepo'], environments: ['*'], arguments: { 'input.private': [true], 'input.name': 'present' } }],
  },
};

const ir = buildIr(policySet({ Api: [api], Policy: [policy], Token: [token] }));
const input = (operation: string, args?: unknown, fingerprint?: string): Record<string, unknown> => ({
  api: 'aws',
  operation: { name: operation },
  resource: { environment: 'staging' },
  ...(fingerprint ? { token: { fingerprint } } : {}),
  ...(args === undefined ? {} : { arguments: args }),
  time: '2026-04-25T21:14:03Z',
});

const CASES: [string, Record<string, unknown>, string][] = [
  ['boolean true', input('DeleteDBInstance', { SkipFinalSnapshot: true }), 'aws-safety/final-snapshot'],
  ['boolean as query text', input('DeleteDBInstance', { SkipFinalSnapshot: 'true' }), 'aws-safety/final-snapshot'],
  ['false', input('DeleteDBInstance', { SkipFinalSnapshot: 'false' }), 'default:destructive'],
  ['other case of the text', input('DeleteDBInstance', { SkipFinalSnapshot: 'TRUE' }), 'default:destructive'],
  ['absent', input('DeleteDBInstance', {}), 'default:destructive'],
  ['no arguments', input('DeleteDBInstance'), 'default:destructive'],
  ['nested false', input('ModifyRepo', { input: { private: false, name: 'x' } }), 'aws-safety/public'],
  ['nested through a non-object', input('ModifyRepo', { input: 'private' }), 'default:write'],
  ['empty string filter', input('DeletePrefixes', { filter: '' }), 'aws-safety/filter'],
  ['empty list filter', input('DeletePrefixes', { filter: [] }), 'aws-safety/filter'],
  ['empty object filter', input('DeletePrefixes', { filter: {} }), 'aws-safety/filter'],
  ['null filter', input('DeletePrefixes', { filter: null }), 'aws-safety/filter'],
  ['missing filter', input('DeletePrefixes', {}), 'aws-safety/filter'],
  ['given filter', input('DeletePrefixes', { filter: 'cidr' }), 'default:destructive'],
  ['integer and its text', input('DeletePrefixes', { filter: 'cidr', limit: '-3' }), 'aws-safety/count'],
  ['integer as a number', input('DeletePrefixes', { filter: 'cidr', limit: 0 }), 'aws-safety/count'],
  ['integer text with a leading zero', input('DeletePrefixes', { filter: 'cidr', limit: '00' }), 'default:destructive'],
  ['grant argument holds', input('ModifyRepo', { input: { private: true, name: 'r' } }, FP), 'default:write'],
  ['grant argument fails', input('ModifyRepo', { input: { private: 'yes', name: 'r' } }, FP), 'token:scope'],
  ['grant needs a present name', input('ModifyRepo', { input: { private: true } }, FP), 'token:scope'],
  ['arguments must be an object', input('DeleteDBInstance', ['SkipFinalSnapshot']), 'input:invalid'],
];

describe('argument conditions', () => {
  it.each(CASES)('reference: %s', (_name, i, rule) => {
    expect(evaluate(ir, i).rule).toBe(rule);
  });

  it('the Wasm engine decides every case the same way', async () => {
    const engine = await loadDecisionEngine(compileIr(ir).wasm, bundleDataFromIr(ir));
    for (const [, i] of CASES) expect(engine.decide(i)).toEqual(evaluate(ir, i));
  });

  it('a malformed grant condition in patched data covers nothing', async () => {
    const data = JSON.parse(JSON.stringify({ blastguard: { tokens: { [FP]: { name: 'ci', api: 'aws', expires: '2030-01-01T00:00:00Z', grants: [{ operations: ['*'], environments: ['*'], arguments: { x: [1.5] } }] } }, overrides: { enforcement: 'normal', reason: null, expires: null } } })) as unknown;
    const i = input('ModifyRepo', { x: 1.5 }, FP);
    expect(evaluate(ir, i, data).rule).toBe('token:scope');
    const engine = await loadDecisionEngine(compileIr(ir).wasm, data);
    expect(engine.decide(i)).toEqual(evaluate(ir, i, data));
  });

  it('the IR lists the paths extraction must project, and argument values are normalized', () => {
    expect(ir.apis[0]!.argumentPaths).toEqual(['SkipFinalSnapshot', 'filter', 'input.name', 'input.private', 'limit']);
    expect(ir.policies[0]!.rules[3]!.match.arguments).toEqual({ filter: 'present', limit: [-3, 0] });
  });
});

describe('projectArguments', () => {
  it('keeps only the paths, nested as given, and reads each path alike', () => {
    const args = { input: { private: false, secret: 's3cr3t' }, sql: 'select 1', filter: '' };
    const paths = ['input.private', 'filter', 'missing.deep'];
    const projected = projectArguments(args, paths);
    expect(projected).toEqual({ input: { private: false }, filter: '' });
    expect(JSON.stringify(projected)).not.toContain('s3cr3t');
  });

  it('a whole object for a shorter path holds the longer one', () => {
    expect(projectArguments({ input: { a: 1, b: 2 } }, ['input.a', 'input'])).toEqual({ input: { a: 1, b: 2 } });
  });

  it('nothing to carry is null', () => {
    expect(projectArguments({ other: 1 }, ['skip'])).toBeNull();
  });

  it('forms', () => {
    expect(argumentHolds('empty', undefined)).toBe(true);
    expect(argumentHolds('present', '')).toBe(true);
    expect(argumentHolds([1], '1')).toBe(true);
    expect(argumentHolds(['1'], 1)).toBe(false);
  });
});
