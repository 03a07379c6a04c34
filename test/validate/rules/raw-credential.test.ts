import { describe, expect, it } from 'vitest';
import { looksLikeCredential } from '../../../src/core/credentials.js';
import { whereIn } from '../../helpers/diagnostics.js';
import { yaml } from '../../helpers/fs.js';
import { API_RAILWAY, policy, token } from '../../helpers/policies.js';
import { check } from '../../helpers/validate.js';
import { findCredential } from '../../../src/validate/rules/raw-credential.js';

// Built at run time so that secret scanners do not flag this test file itself.
const fake = (prefix: string, body = 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z') => `${prefix}${body}`;
const GHP = fake('ghp_');

describe('looksLikeCredential', () => {
  it.each([
    GHP,
    fake('gho_'),
    fake('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'),
    fake('glpat-', 'xY7zAbCdEfGhIjKlMnOp'),
    fake('xoxb-', '1234567890-abcdefghij'),
    fake('sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'),
    fake('sk-proj-', 'abcdEFGH1234ijklMNOP5678'),
    fake('AKIA', 'IOSFODNN7EXAMPLE'),
    fake('AIza', 'SyD-abcdefghijklmnopqrstuvwxyz01234'),
    fake('npm_', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z'),
    fake('pypi-', 'AgEIcHlwaS5vcmcCJGE0ZjY3YjA0'),
    `-----BEGIN RSA ${'PRIVATE'} KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----`,
    fake('eyJ', 'hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'),
    'x7Kp2Qm9Vz4Rt8Lw3Nb6Yc1Hd5Fg0Js',
    'Bearer 9b2f6c1e-4d7a-4b8e-a1f3-6c2d9e8f7a10',
  ])('flags %s', (value) => {
    expect(looksLikeCredential(value)).toBeDefined();
  });

  it.each([
    `sha256:${'a'.repeat(64)}`,
    'https://backboard.railway.com/graphql/v2?x=AbC123dEf456GhI789',
    '/var/lib/railway/Volumes/Project42/Data',
    '123e4567-e89b-12d3-a456-426614174000',
    'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
    'Irreversible in production; the backups share the volume.',
    'volumeInstanceBackupScheduleUpdate',
    'projectScheduleDeleteForce2024',
    'railway-production',
    'fake-ci-token-for-replay',
    'X-Blastguard-Attempt',
    'Bearer ${token:domains}',
    'Bearer authentication-required',
    'token ci-domains-production-2027',
  ])('does not flag %s', (value) => {
    expect(looksLikeCredential(value)).toBeUndefined();
  });
});

describe('raw-credential', () => {
  it('reports credential-looking values in any document, masked, with fingerprint help', () => {
    const t = token('t', undefined, ['  purpose: deploys with ' + GHP]);
    const api = API_RAILWAY.replace('metadata: { name: railway }', `metadata: { name: railway, labels: { key: "${fake('xoxp-', '1234567890-abcdefghij')}" } }`);
    const out = check({ 'api.yaml': api, 't.yaml': t }, ['BG056']);
    expect(whereIn(out)).toEqual(['api.yaml:BG056@3:43', 't.yaml:BG056@10:12']);
    expect(out[1]?.message).toBe('`spec.purpose` looks like a credential (a GitHub token: `ghp_…`)');
    expect(out.map((d) => d.message).join(' ')).not.toContain('aB3dE5');
    expect(out[1]?.help).toContain('declare its sha256 fingerprint in a Token instead');
  });

  it('checks replay headers but exempts replay token values', () => {
    const replay = yaml(
      'apiVersion: blastguard.dev/v1',
      'kind: Replay',
      'metadata: { name: r }',
      'spec:',
      '  title: t',
      '  date: 2026-04-25',
      '  sources: [{ url: "https://example.com" }]',
      '  tokens: [{ name: ci, value: fake-x7Kp2Qm9Vz4Rt8Lw3Nb6Yc1Hd5Fg0Js }]',
      '  steps:',
      '    - name: s',
      '      time: 2026-04-25T00:00:00Z',
      `      request: { method: POST, url: "https://x", headers: { Authorization: "Bearer ${GHP}" } }`,
      '      expect: [{ operation: volumeDelete, mode: deny }]',
    );
    const out = check({ 'r.yaml': replay }, ['BG056']);
    expect(whereIn(out)).toEqual(['r.yaml:BG056@12:76']);
  });

  it('reports a token-like value after an authorization scheme, even a UUID, masked', () => {
    const uuid = '9b2f6c1e-4d7a-4b8e-a1f3-6c2d9e8f7a10';
    const rules = (reason: string) =>
      policy('p', '    - id: r1', '      match: { operations: [volumeDelete] }', '      mode: deny', `      reason: ${reason}`);
    for (const reason of [`"Bearer ${uuid}"`, `"call it with Authorization: Token ${uuid}"`, '"Basic dXNlcjpwYXNzd29yZA=="', `"bearer ${uuid}"`]) {
      const out = check({ 'api.yaml': API_RAILWAY, 'p.yaml': rules(reason) }, ['BG056']);
      expect(whereIn(out), reason).toEqual(['p.yaml:BG056@10:15']);
      expect(out[0]?.message).not.toContain('4d7a');
      expect(out[0]?.message).not.toContain('cjpw');
    }
    expect(check({ 'api.yaml': API_RAILWAY, 'p.yaml': rules(`"Bearer ${uuid}"`) }, ['BG056'])[0]?.message).toBe(
      '`spec.rules[0].reason` looks like a credential (a credential after an authorization scheme: `9b2f…`)',
    );
  });

  it('leaves UUIDs elsewhere, and prose about bearer tokens, alone', () => {
    const uuid = '9b2f6c1e-4d7a-4b8e-a1f3-6c2d9e8f7a10';
    const p = policy(
      'p',
      '    - id: r1',
      `      match: { operations: [volumeDelete], resources: { ids: ["${uuid}"], projects: [${uuid}] } }`,
      '      mode: deny',
      `      reason: "Bearer tokens for volume ${uuid} must not delete it; Token authentication-required; token ci-domains-2027-01"`,
    );
    expect(check({ 'api.yaml': API_RAILWAY, 'p.yaml': p }, ['BG056'])).toEqual([]);
  });

  it('accepts the example-style documents', () => {
    expect(check({ 'api.yaml': API_RAILWAY, 't.yaml': token('t') }, ['BG056'])).toEqual([]);
  });
});

describe('form bodies (AWS Query)', () => {
  it('checks each field of a form on its own, so a query action is no secret but a token in a field is', () => {
    expect(findCredential('Action=DeleteDBInstance&Version=2014-10-31&DBInstanceIdentifier=course-platform-db&SkipFinalSnapshot=true')).toBeUndefined();
    expect(findCredential('Action=TerminateInstances&InstanceId.1=i-0123456789abcdef0&Version=2016-11-15')).toBeUndefined();
    expect(findCredential('token=ghp_16C7e42F292c6912E7710c838347Ae178B4a&x=1')?.match.what).toBe('a GitHub token');
  });
});
