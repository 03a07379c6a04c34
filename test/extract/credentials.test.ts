import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs, fingerprintOf } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir } from '../../src/ir/types.js';
import { TIME } from './fixture.js';
import { httpIr } from './helpers.js';

const AUTH = 'Authorization';

function api(headers: Ir['apis'][number]['tokens']['headers']): Ir {
  const ir = httpIr([
    { name: 'repos/delete', class: 'destructive', type: 'request', reversible: false, resource: null, http: { method: 'DELETE', path: '/repos/{owner}/{repo}' } },
  ]);
  ir.apis.find((a) => a.name === 'railway')!.tokens.headers = headers;
  return ir;
}

const call = (ir: Ir, headers: Record<string, string>) =>
  extractDecisionInputs({ method: 'DELETE', url: 'https://backboard.railway.com/repos/acme/web', headers }, ir, { time: TIME })[0]!;

describe('several schemes on one header', () => {
  const ir = api([{ name: AUTH, schemes: ['Bearer', 'token'] }]);

  test('either scheme carries the same credential', () => {
    expect(call(ir, { authorization: 'Bearer ghp_abc' }).input.token).toEqual({ fingerprint: fingerprintOf('ghp_abc') });
    expect(call(ir, { authorization: 'token ghp_abc' }).input.token).toEqual({ fingerprint: fingerprintOf('ghp_abc') });
    expect(call(ir, { authorization: 'TOKEN ghp_abc' }).input.token).toEqual({ fingerprint: fingerprintOf('ghp_abc') });
  });

  test('another scheme is still a credential, its whole value', () => {
    expect(call(ir, { authorization: 'Basic ghp_abc' }).input.token).toEqual({ fingerprint: fingerprintOf('Basic ghp_abc') });
  });
});

describe('AWS Signature V4', () => {
  const ir = api([{ name: AUTH, schemes: ['AWS4-HMAC-SHA256'] }]);
  const signed = (credential: string) =>
    `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7`;

  test('is identified by the access key id, whatever the signature', () => {
    const a = call(ir, { authorization: signed('Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_request') });
    expect(a.input.token).toEqual({ fingerprint: fingerprintOf('AKIDEXAMPLE') });
    const b = call(ir, { authorization: signed('Credential=AKIDEXAMPLE/20150831/eu-west-1/ec2/aws4_request').replace('5d67', '0000') });
    expect(b.input.token).toEqual(a.input.token);
    expect(JSON.stringify(a)).not.toContain('AKIDEXAMPLE');
  });

  test('a malformed or repeated credential scope is the whole value, an unknown credential', () => {
    for (const bad of ['Credential=AKIDEXAMPLE', 'Credential=/b/c/d/e', 'Credential=AKIDEXAMPLE/1/2/3/4, Credential=AKIDOTHER0000000/1/2/3/4']) {
      const out = call(ir, { authorization: signed(bad) });
      expect(out.input.token?.fingerprint).toBe(fingerprintOf(signed(bad)));
    }
  });
});

describe('token families', () => {
  function withFamily(): Ir {
    const ir = api([{ name: AUTH, schemes: ['Bearer', 'token'] }]);
    const name = ir.apis.find((a) => a.name === 'railway')!.name;
    ir.apis.find((a) => a.name === 'railway')!.tokens.checkScopesFor = ['read', 'write', 'destructive'];
    ir.tokens = [
      { name: 'app-installations', api: name, fingerprint: 'family:ghs_', family: 'ghs_', expires: '2099-01-01T00:00:00Z', grants: [{ operations: ['repos/delete'], environments: ['*'], projects: null, resources: null }] },
      { name: 'one-installation', api: name, fingerprint: fingerprintOf('ghs_known'), family: null, expires: '2099-01-01T00:00:00Z', grants: [] },
      { name: 'short', api: name, fingerprint: 'family:gh', family: 'gh', expires: '2099-01-01T00:00:00Z', grants: [] },
    ];
    return ir;
  }

  test('a credential with a family prefix is decided as the family, by its longest prefix, never shown', () => {
    const ir = withFamily();
    const out = call(ir, { authorization: 'Bearer ghs_16C7e42F292c6912E7710c838347Ae178B4a' });
    expect(out.input.token).toEqual({ fingerprint: 'family:ghs_' });
    expect(JSON.stringify(out)).not.toContain('16C7e42F');
    const decision = evaluate(ir, out.input);
    expect(decision.violations.some((v) => v.kind.startsWith('token'))).toBe(false);
  });

  test('a credential declared by its own fingerprint keeps its own token, and the bare prefix is no member', () => {
    const ir = withFamily();
    expect(call(ir, { authorization: 'Bearer ghs_known' }).input.token).toEqual({ fingerprint: fingerprintOf('ghs_known') });
    expect(call(ir, { authorization: 'Bearer ghs_' }).input.token).toEqual({ fingerprint: 'family:gh' });
    expect(call(ir, { authorization: 'Bearer xyz' }).input.token).toEqual({ fingerprint: fingerprintOf('xyz') });
  });

  test('two headers with different members of one family still conflict', () => {
    const ir = withFamily();
    ir.apis.find((a) => a.name === 'railway')!.tokens.headers.push({ name: 'X-Token', schemes: [] });
    expect(call(ir, { authorization: 'Bearer ghs_a', 'x-token': 'ghs_b' }).error?.code).toBe(EXTRACT_CODES.conflictingHeader);
  });
});
