import { describe, expect, it } from 'vitest';
import { where } from '../../helpers/diagnostics.js';
import { yaml } from '../../helpers/fs.js';
import { check } from '../../helpers/validate.js';

const API = yaml(
  'apiVersion: blastguard.dev/v1',
  'kind: Api',
  'metadata: { name: github }',
  'spec:',
  '  protocol: http',
  '  hosts: [api.github.com]',
  '  environments: [production]',
  '  protectedEnvironments: [production]',
  '  defaults: { read: allow, write: shadow, destructive: deny }',
  '  operations:',
  '    repos/update:',
  '      class: write',
  '      http: { method: PATCH, path: "/repos/{owner}/{repo}", body: [private, visibility, security_and_analysis] }',
  '    repos/get:',
  '      class: read',
  '      http: { method: GET, path: "/repos/{owner}/{repo}" }',
);

const policy = (match: string): string =>
  yaml(
    'apiVersion: blastguard.dev/v1',
    'kind: Policy',
    'metadata: { name: repos }',
    'spec:',
    '  api: github',
    '  rules:',
    '    - id: public',
    `      match: ${match}`,
    '      mode: deny',
    '      reason: No public flips.',
  );

describe('unknown-argument', () => {
  it('accepts declared body, path and nested parameters', () => {
    const out = check({ 'api.yaml': API, 'p.yaml': policy('{ operations: [repos/update], arguments: { private: [false], repo: present, "security_and_analysis.advanced_security": absent } }') }, ['BG080']);
    expect(out).toEqual([]);
  });

  it('is an error at the condition whose argument no selected route declares, with a suggestion', () => {
    const out = check({ 'api.yaml': API, 'p.yaml': policy('{ operations: [repos/update], arguments: { privat: [false] } }') }, ['BG080']);
    expect(where(out)).toEqual(['BG080@8:65']);
    expect(out[0]?.severity).toBe('error');
    expect(out[0]?.message).toBe('argument `privat` is not a parameter of `repos/update` in api `github`; the condition on `privat` reads a value that is never there');
    expect(out[0]?.help).toMatch(/private/);
  });

  it('checks grants, and selectors by class', () => {
    const token = yaml(
      'apiVersion: blastguard.dev/v1',
      'kind: Token',
      'metadata: { name: ci }',
      'spec:',
      '  api: github',
      '  fingerprint: sha256:' + 'a'.repeat(64),
      '  expires: 2030-01-01T00:00:00Z',
      '  grants:',
      '    - { operations: ["class:read"], environments: ["*"], arguments: { private: [true] } }',
    );
    const out = check({ 'api.yaml': API, 't.yaml': token }, ['BG080']);
    expect(out.map((d) => d.code)).toEqual(['BG080']);
  });
});
