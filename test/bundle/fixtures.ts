import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { BundleContent, SigningAlgorithm } from '../../src/bundle/index.js';
import { isBlastguardError } from '../../src/core/errors.js';

/** A key pair (or HMAC secret) for `alg` as PEM / raw bytes, generated per test run: no committed key material. */
export interface TestKeys {
  alg: SigningAlgorithm;
  signing: Uint8Array;
  verification: Uint8Array;
}

const cache = new Map<string, TestKeys>();

export function testKeys(alg: SigningAlgorithm, label = ''): TestKeys {
  const cacheKey = `${alg}/${label}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  let keys: TestKeys;
  if (alg.startsWith('HS')) {
    const secret = Buffer.from(randomBytes(64).toString('base64url'));
    keys = { alg, signing: secret, verification: secret };
  } else {
    const pair = alg.startsWith('ES')
      ? generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg as 'ES256'] })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = {
      alg,
      signing: Buffer.from(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      verification: Buffer.from(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string),
    };
  }
  cache.set(cacheKey, keys);
  return keys;
}

/** A stand-in module: the bundle layer treats wasm as opaque bytes. */
export function syntheticContent(overrides: Partial<BundleContent> = {}): BundleContent {
  return {
    wasm: Buffer.concat([Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]), Buffer.from('synthetic module')]),
    data: {
      blastguard: {
        tokens: { 'sha256:abc': { name: 'ci', api: 'railway', expires: null, grants: [] } },
        overrides: { enforcement: 'normal', reason: null, expires: null },
      },
    },
    revision: '0123456789abcdef0123456789abcdef01234567',
    entrypoints: ['blastguard/decision', 'blastguard/allow'],
    metadata: { compiler: 'blastguard 0.1.0', ir_digest: 'sha256:00' },
    ...overrides,
  };
}

/** The code of the BlastguardError a promise or function fails with ('ok' when it succeeds). */
export async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    if (isBlastguardError(e)) return e.code;
    throw e;
  }
}
