import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../../src/identity/index.js';
import type { IrIdentityIssuer } from '../../src/ir/types.js';

/** A key pair generated for one test run: private keys are never committed. */
export interface TestKey {
  signer: SigningKey;
  publicKey: KeyObject;
  /** The public half as a policy declares it. */
  declared: { kid: string; pem: string; jwk: null };
}

export function testKey(kid: string, type: 'ed25519' | 'p256' | 'p384' = 'ed25519'): TestKey {
  const pair =
    type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: type === 'p256' ? 'P-256' : 'P-384' });
  return {
    signer: { key: pair.privateKey, kid },
    publicKey: pair.publicKey,
    declared: { kid, pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(), jwk: null },
  };
}

export function testIssuer(name: string, keys: readonly TestKey[], overrides: Partial<IrIdentityIssuer> = {}): IrIdentityIssuer {
  return {
    name,
    keys: keys.map((k) => k.declared),
    jwksUrl: null,
    tenants: ['pocketos'],
    originators: ['user:*'],
    maxLifetimeSeconds: 3600,
    algorithms: ['ES256', 'ES384', 'EdDSA'],
    ...overrides,
  };
}
