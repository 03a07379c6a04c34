import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeTree } from '../helpers/fs.js';

const jobs = generateKeyPairSync('ed25519');
const runner = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ed25519');
const priv = (k: typeof jobs.privateKey) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
const pub = (k: typeof jobs.publicKey) => k.export({ type: 'spki', format: 'pem' }).toString();
const indent = (t: string) => t.trim().split('\n').map((l) => `          ${l}`).join('\n');

function issuers(): string {
  return `apiVersion: blastguard.dev/v1
kind: IdentityIssuer
metadata: { name: acme-jobs }
spec:
  tenants: [pocketos]
  originators: ["user:*"]
  maxLifetime: 15m
  keys:
    - kid: jobs-1
      pem: |
${indent(pub(jobs.publicKey))}
---
apiVersion: blastguard.dev/v1
kind: IdentityIssuer
metadata: { name: job-runner }
spec:
  tenants: ["*"]
  originators: ["*"]
  maxLifetime: 5m
  keys:
    - { kid: runner-1, jwk: ${JSON.stringify(runner.publicKey.export({ format: 'jwk' }))} }
`;
}

const NOW = '2026-04-24T18:00:00Z';
const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('blastguard envelope', () => {
  it('issues, attenuates, verifies and inspects a chain; keys are never printed', async () => {
    const root = await writeTree({
      'policies/issuers.yaml': issuers(),
      'jobs.pem': priv(jobs.privateKey),
      'runner.jwk': JSON.stringify(runner.privateKey.export({ format: 'jwk' })),
      'other.pem': priv(other.privateKey),
    });
    const issued = await runCli(['envelope', 'issue', '--key', 'jobs.pem', '--kid', 'jobs-1', '--issuer', 'acme-jobs', '--originator', 'user:jer', '--tenant', 'pocketos', '--causation', TP, '--lifetime', '10m', '--now', NOW], { cwd: root });
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    const envelope = issued.stdout.trim();
    expect(envelope.split('.')).toHaveLength(3);
    const narrowed = await runCli(['envelope', 'attenuate', '-', '--key', 'runner.jwk', '--kid', 'runner-1', '--issuer', 'job-runner', '--operations', 'serviceInstanceRedeploy', '--environments', 'production', '--lifetime', '2m', '--now', NOW], { cwd: root, stdin: envelope });
    expect(narrowed.code).toBe(0);
    const verified = await runCli(['envelope', 'verify', '-', '--dir', 'policies', '--now', '2026-04-24T18:01:00Z', '--operation', 'serviceInstanceRedeploy', '--environment', 'production'], { cwd: root, stdin: narrowed.stdout });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ verified: true, originator: 'user:jer', tenant: 'pocketos', causation: TP, issuers: ['acme-jobs', 'job-runner'], expires: '2026-04-24T18:02:00.000Z' });
    const outside = await runCli(['envelope', 'verify', narrowed.stdout.trim(), '--dir', 'policies', '--now', '2026-04-24T18:01:00Z', '--operation', 'volumeDelete'], { cwd: root });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/BG816/);
    const inspected = await runCli(['envelope', 'inspect', '-'], { cwd: root, stdin: narrowed.stdout });
    expect(JSON.parse(inspected.stdout).map((l: { claims: { iss: string } }) => l.claims.iss)).toEqual(['job-runner', 'acme-jobs']);
    expect(inspected.stdout).not.toContain(envelope.split('.')[2]);
    const all = [issued, narrowed, verified, outside, inspected].map((r) => r.stdout + r.stderr).join('');
    expect(all).not.toContain('PRIVATE KEY');
    expect(all).not.toContain(JSON.parse(JSON.stringify(runner.privateKey.export({ format: 'jwk' }))).d);
  });

  it('refuses a wrongly signed, an expired and an unusable key with their codes', async () => {
    const root = await writeTree({ 'policies/issuers.yaml': issuers(), 'other.pem': priv(other.privateKey), 'pub.pem': pub(jobs.publicKey), 'rsa.pem': priv(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey) });
    const forged = await runCli(['envelope', 'issue', '--key', 'other.pem', '--kid', 'jobs-1', '--issuer', 'acme-jobs', '--originator', 'user:jer', '--tenant', 'pocketos', '--now', NOW], { cwd: root });
    const bad = await runCli(['envelope', 'verify', '-', '--now', NOW], { cwd: root, stdin: forged.stdout });
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/BG805/)]);
    const late = await runCli(['envelope', 'verify', '-', '--now', '2026-04-25T00:00:00Z'], { cwd: root, stdin: forged.stdout });
    expect(late.stderr).toMatch(/BG805/);
    for (const file of ['pub.pem', 'rsa.pem', 'missing.pem']) {
      const r = await runCli(['envelope', 'issue', '--key', file, '--kid', 'k', '--issuer', 'acme-jobs', '--originator', 'user:jer', '--tenant', 'pocketos'], { cwd: root });
      expect([r.code, r.stderr], file).toEqual([1, expect.stringMatching(/BG830/)]);
      expect(r.stderr).not.toContain(pub(jobs.publicKey).split('\n')[1]);
    }
    const dur = await runCli(['envelope', 'issue', '--key', 'other.pem', '--kid', 'k', '--issuer', 'acme-jobs', '--originator', 'user:jer', '--tenant', 'pocketos', '--lifetime', 'forever'], { cwd: root });
    expect(dur.stderr).toMatch(/BG831 --lifetime `forever` is not a duration/);
  });
});
