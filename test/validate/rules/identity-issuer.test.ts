import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/ir/build.js';
import { whereIn } from '../../helpers/diagnostics.js';
import { check, setFrom } from '../../helpers/validate.js';

const ed = generateKeyPairSync('ed25519');
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pem = (k: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) => k.export({ type: 'spki', format: 'pem' }).toString();
const block = (text: string) => `|\n${text.trim().split('\n').map((l) => `          ${l}`).join('\n')}`;
const jwk = JSON.stringify(ec.publicKey.export({ format: 'jwk' }));

function issuer(keys: string, extra = ''): string {
  return `apiVersion: blastguard.dev/v1
kind: IdentityIssuer
metadata:
  name: acme-jobs
spec:
  tenants: [pocketos]
  originators: ["user:*"]
  maxLifetime: 15m
${extra}  keys:
${keys}`;
}

const CODES = ['BG820', 'BG821', 'BG822', 'BG823', 'BG824', 'BG825', 'BG826'];

describe('IdentityIssuer validation', () => {
  it('accepts PEM and JWK public keys and compiles them into the IR', () => {
    const files = { 'i.yaml': issuer(`    - kid: ed-1\n      pem: ${block(pem(ed.publicKey))}\n    - { kid: ec-1, jwk: ${jwk} }\n`) };
    expect(check(files, CODES)).toEqual([]);
    const ir = buildIr(setFrom(files));
    expect(ir.identityIssuers).toEqual([
      expect.objectContaining({ name: 'acme-jobs', tenants: ['pocketos'], originators: ['user:*'], maxLifetimeSeconds: 900, algorithms: ['ES256', 'EdDSA'], jwksUrl: null }),
    ]);
    expect(ir.identityIssuers?.[0]?.keys.map((k) => [k.kid, k.pem !== null, k.jwk !== null])).toEqual([['ed-1', true, false], ['ec-1', false, true]]);
  });

  it('an IR without issuers has no `identityIssuers` (digests of existing repositories do not move)', () => {
    expect('identityIssuers' in buildIr(setFrom({}))).toBe(false);
  });

  it('refuses private keys, unusable keys, duplicate kids and keys of no allowed algorithm, each located', () => {
    const priv = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const privJwk = JSON.stringify(ec.privateKey.export({ format: 'jwk' }));
    const files = {
      'i.yaml': issuer(
        [
          `    - kid: a\n      pem: ${block(priv)}`,
          `    - { kid: b, jwk: ${privJwk} }`,
          `    - kid: c\n      pem: ${block(pem(rsa.publicKey))}`,
          `    - { kid: d, pem: "not a key" }`,
          `    - kid: e\n      pem: ${block(pem(ed.publicKey))}`,
          `    - kid: e\n      pem: ${block(pem(ed.publicKey))}`,
          `    - { kid: f, pem: "x", jwk: ${jwk} }`,
        ].join('\n') + '\n',
        '  algorithms: [ES256]\n',
      ),
    };
    const out = check(files, CODES);
    expect(out.map((d) => d.code)).toEqual(['BG821', 'BG821', 'BG820', 'BG820', 'BG822', 'BG823', 'BG822', 'BG820']);
    expect(whereIn(out)[0]).toMatch(/^i\.yaml:BG821@12:12$/);
    expect(out[0]?.message).toBe('key `a` of identity issuer `acme-jobs` is a private key; only the public key belongs in the policy');
  });

  it('needs keys or a jwksUrl, an https jwksUrl, and a lifetime of at most a day', () => {
    const bare = issuer('').replace('  keys:\n', '');
    expect(check({ 'i.yaml': bare }, CODES).map((d) => d.code)).toEqual(['BG824']);
    const http = bare.replace('maxLifetime: 15m', 'maxLifetime: 25h\n  jwksUrl: http://keys.acme.dev/jwks.json');
    expect(check({ 'i.yaml': http }, CODES).map((d) => [d.code, d.line])).toEqual([['BG825', 9], ['BG826', 8]]);
    expect(check({ 'i.yaml': bare.replace('maxLifetime: 15m', 'maxLifetime: 24h\n  jwksUrl: http://127.0.0.1:8080/jwks') }, CODES)).toEqual([]);
    expect(check({ 'i.yaml': bare.replace('maxLifetime: 15m', 'maxLifetime: 1h\n  jwksUrl: https://keys.acme.dev/jwks') }, CODES)).toEqual([]);
  });
});
