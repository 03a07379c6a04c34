import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SIGNING_ALGORITHMS, hashBundleFile, readBundle, type SigningAlgorithm } from '../../src/bundle/index.js';
import { packSignedBundle, loadSigningKey } from '../../src/sign/index.js';
import { decodeCompactJws, loadVerificationKey, openBundle, singleKeyConfig, verifyBundle } from '../../src/verify/index.js';
import { codeOf, syntheticContent, testKeys } from '../bundle/fixtures.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('build → read → verify', () => {
  it.each(SIGNING_ALGORITHMS.map((a) => [a]))('%s', async (alg: SigningAlgorithm) => {
    const keys = testKeys(alg);
    const bytes = await packSignedBundle(syntheticContent(), { signing: { key: loadSigningKey(keys.signing, alg), keyId: 'release' } });
    const bundle = await readBundle(bytes);
    expect([...bundle.files.keys()]).toEqual(['data.json', 'policy.wasm', '.manifest']);
    const result = await verifyBundle(bundle, singleKeyConfig(loadVerificationKey(keys.verification, alg), { keyId: 'release' }));
    expect(result).toMatchObject({ keyId: 'release', algorithm: alg, files: ['data.json', 'policy.wasm', '.manifest'], excluded: [] });
    expect(result.revision).toBe('0123456789abcdef0123456789abcdef01234567');
  });
});

describe('OPA shapes', () => {
  it('writes the tar entries, manifest and signatures file as OPA does', async () => {
    const keys = testKeys('RS256');
    const bytes = await packSignedBundle(syntheticContent(), { signing: { key: loadSigningKey(keys.signing, 'RS256'), keyId: 'default' } });
    // gzip header: mtime 0, OS byte 255
    expect([...bytes.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(bytes[9]).toBe(0xff);
    const tar = gunzipSync(bytes);
    const names: string[] = [];
    for (let off = 0; off + 512 <= tar.length; ) {
      const h = tar.subarray(off, off + 512);
      if (h.every((b) => b === 0)) break;
      const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      names.push(name);
      expect(h.subarray(100, 107).toString()).toBe('0000600');
      expect(String.fromCharCode(h[156]!)).toBe('0');
      expect(h.subarray(136, 147).toString()).toBe('00000000000');
      expect(h.subarray(265, 265 + 32).every((b) => b === 0)).toBe(true);
      const size = parseInt(h.subarray(124, 135).toString(), 8);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual(['/data.json', '/policy.wasm', '/.signatures.json', '/.manifest']);

    const bundle = await readBundle(bytes);
    expect(Buffer.from(bundle.files.get('.manifest')!).toString()).toBe(
      '{"revision":"0123456789abcdef0123456789abcdef01234567","roots":["blastguard"],"wasm":[{"entrypoint":"blastguard/decision","module":"/policy.wasm"},{"entrypoint":"blastguard/allow","module":"/policy.wasm"}],"rego_version":1,"metadata":{"compiler":"blastguard 0.1.0","ir_digest":"sha256:00"}}\n',
    );
    const sigText = Buffer.from(bundle.signatures!).toString();
    expect(sigText).toMatch(/^\{\n "signatures": \[\n {2}"[A-Za-z0-9_.-]+"\n \]\n\}$/);
    const jwt = (JSON.parse(sigText) as { signatures: string[] }).signatures[0]!;
    const [h, p] = jwt.split('.') as [string, string];
    expect(Buffer.from(h, 'base64url').toString()).toBe('{"alg":"RS256","kid":"default"}');
    const files = [...bundle.files].map(([name, b]) => `{"name":"${name}","hash":"${hashBundleFile(name, b)}","algorithm":"SHA-256"}`);
    expect(Buffer.from(p, 'base64url').toString()).toBe(`{"files":[${files.join(',')}],"keyid":"default"}`);
    expect(decodeCompactJws(jwt).payload.keyid).toBe('default');
  });

  it('omits kid and keyid without a key id, and puts claims and scope in sorted order', async () => {
    const keys = testKeys('HS256');
    const bytes = await packSignedBundle(syntheticContent(), {
      signing: { key: loadSigningKey(keys.signing, 'HS256'), scope: 'write', claims: { iss: 'ci', iat: 1700000000 } },
    });
    const bundle = await readBundle(bytes);
    const jwt = (JSON.parse(Buffer.from(bundle.signatures!).toString()) as { signatures: string[] }).signatures[0]!;
    const [h, p] = jwt.split('.') as [string, string];
    expect(Buffer.from(h, 'base64url').toString()).toBe('{"alg":"HS256"}');
    expect(Object.keys(JSON.parse(Buffer.from(p, 'base64url').toString()) as object)).toEqual(['files', 'iat', 'iss', 'scope']);
    const key = loadVerificationKey(keys.verification, 'HS256');
    const result = await verifyBundle(bundle, singleKeyConfig(key, { scope: 'write' }));
    expect(result).toMatchObject({ scope: 'write', issuer: 'ci', issuedAt: 1700000000 });
  });

  it('rejects claims OPA could not decode', async () => {
    const key = loadSigningKey(testKeys('HS256').signing, 'HS256');
    expect(await codeOf(() => packSignedBundle(syntheticContent(), { signing: { key, claims: { files: [] } } }))).toBe('BG253');
    expect(await codeOf(() => packSignedBundle(syntheticContent(), { signing: { key, claims: { iat: '1' } } }))).toBe('BG253');
    expect(await codeOf(() => packSignedBundle(syntheticContent(), { signing: { key, claims: { scope: 'a' }, scope: 'b' } }))).toBe('BG253');
  });

  it('refuses keys that do not fit the algorithm', async () => {
    const rsa = testKeys('RS256');
    const ec = testKeys('ES256');
    expect(await codeOf(() => loadSigningKey(rsa.signing, 'HS256'))).toBe('BG252');
    expect(await codeOf(() => loadSigningKey(Buffer.from('short'), 'HS256'))).toBe('BG252');
    expect(await codeOf(() => loadSigningKey(ec.signing, 'RS256'))).toBe('BG251');
    expect(await codeOf(() => loadSigningKey(ec.signing, 'ES384'))).toBe('BG251');
    expect(await codeOf(() => loadSigningKey(rsa.verification, 'RS256'))).toBe('BG251');
    expect(await codeOf(() => loadVerificationKey(rsa.signing, 'RS256'))).toBe('BG315');
    expect(await codeOf(() => loadVerificationKey(rsa.verification, 'HS256'))).toBe('BG315');
    expect(await codeOf(() => loadVerificationKey(rsa.verification, 'ES256'))).toBe('BG315');
    expect(await codeOf(() => loadVerificationKey(Buffer.from('not a key'), 'RS256'))).toBe('BG315');
  });
});

describe('reproducible builds', () => {
  it.each([['unsigned'], ['RS256'], ['HS512']])('%s: identical content → identical bytes', async (mode) => {
    const signing =
      mode === 'unsigned' ? undefined : { key: loadSigningKey(testKeys(mode as SigningAlgorithm).signing, mode as SigningAlgorithm) };
    const a = await packSignedBundle(syntheticContent(), { signing });
    const b = await packSignedBundle(syntheticContent(), { signing });
    expect(sha256(a)).toBe(sha256(b));
  });

  it('an unsigned bundle of fixed content has a fixed digest (any machine, any release)', async () => {
    expect(sha256(await packSignedBundle(syntheticContent()))).toBe('2e36dfdbc0ad4aa874df64e8b00a3cab4010d4e12ea17ab23691af7a86d7c0cd');
  });

  it('PS/ES: only the signature differs', async () => {
    for (const alg of ['PS256', 'ES256'] as const) {
      const key = loadSigningKey(testKeys(alg).signing, alg);
      const a = await readBundle(await packSignedBundle(syntheticContent(), { signing: { key } }));
      const b = await readBundle(await packSignedBundle(syntheticContent(), { signing: { key } }));
      for (const [name, bytes] of a.files) expect(sha256(bytes)).toBe(sha256(b.files.get(name)!));
    }
  });

  it('a data-only change leaves policy.wasm byte-identical', async () => {
    const a = await readBundle(await packSignedBundle(syntheticContent()));
    const b = await readBundle(await packSignedBundle(syntheticContent({ data: { blastguard: { tokens: {}, overrides: {} } } })));
    expect(sha256(a.files.get('policy.wasm')!)).toBe(sha256(b.files.get('policy.wasm')!));
    expect(sha256(a.files.get('data.json')!)).not.toBe(sha256(b.files.get('data.json')!));
  });
});

describe('openBundle', () => {
  it('verifies, or skips only when told to', async () => {
    const keys = testKeys('ES256');
    const bytes = await packSignedBundle(syntheticContent(), { signing: { key: loadSigningKey(keys.signing, 'ES256') } });
    const key = loadVerificationKey(keys.verification, 'ES256');
    expect((await openBundle(bytes, { verification: singleKeyConfig(key) })).verification?.files).toHaveLength(3);
    expect((await openBundle(bytes, { skipVerification: true })).verification).toBeNull();
    expect(await codeOf(() => openBundle(bytes, { verification: { keys: {} } }))).toBe('BG300');
  });
});
