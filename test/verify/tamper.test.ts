import { CompactSign } from 'jose';
import { createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bundleFiles,
  digestInput,
  gzipDeterministic,
  hashBundleFile,
  readBundle,
  readTarGz,
  writeTar,
  type BundleEntry,
} from '../../src/bundle/index.js';
import { packSignedBundle, loadSigningKey, serializeSignatures } from '../../src/sign/index.js';
import {
  compileExcludePattern,
  loadVerificationKey,
  singleKeyConfig,
  verifyBundle,
  type VerificationConfig,
} from '../../src/verify/index.js';
import { codeOf, syntheticContent, testKeys } from '../bundle/fixtures.js';

const keys = testKeys('RS256');
const attacker = testKeys('RS256', 'attacker');
const config = (over: Partial<VerificationConfig> = {}): VerificationConfig => ({
  ...singleKeyConfig(loadVerificationKey(keys.verification, 'RS256')),
  ...over,
});

let signed: BundleEntry[];

beforeAll(async () => {
  const bytes = await packSignedBundle(syntheticContent(), { signing: { key: loadSigningKey(keys.signing, 'RS256'), keyId: 'default' } });
  signed = await readTarGz(bytes);
});

const repack = (entries: readonly BundleEntry[]): Uint8Array => gzipDeterministic(writeTar(entries));
const get = (entries: readonly BundleEntry[], path: string): Uint8Array => entries.find((e) => e.path === path)!.bytes;
const replace = (entries: readonly BundleEntry[], path: string, bytes: Uint8Array): BundleEntry[] =>
  entries.map((e) => (e.path === path ? { path, bytes } : e));
const jwtOf = (entries: readonly BundleEntry[]): string =>
  (JSON.parse(Buffer.from(get(entries, '.signatures.json')).toString()) as { signatures: string[] }).signatures[0]!;
const withJwts = (entries: readonly BundleEntry[], jwts: unknown[]): BundleEntry[] =>
  replace(entries, '.signatures.json', Buffer.from(JSON.stringify({ signatures: jwts }, null, 1)));

async function verdict(entries: readonly BundleEntry[], cfg: VerificationConfig = config()): Promise<string> {
  return codeOf(async () => verifyBundle(await readBundle(repack(entries)), cfg));
}

/** A JWT over our real file list, signed by whoever holds `key`, with any header. */
async function forge(header: Record<string, unknown>, key: Uint8Array | ReturnType<typeof createPrivateKey>, payload?: unknown): Promise<string> {
  const files = signed.filter((e) => e.path !== '.signatures.json').map((e) => ({ name: e.path, hash: hashBundleFile(e.path, e.bytes), algorithm: 'SHA-256' }));
  const body = Buffer.from(JSON.stringify(payload ?? { files, keyid: 'default' }));
  return new CompactSign(body).setProtectedHeader(header as { alg: string }).sign(key);
}

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const out = Buffer.from(bytes);
  out[at] = out[at]! ^ 0x01;
  return out;
};

describe('tamper matrix', () => {
  it('accepts the untouched bundle', async () => {
    expect(await verdict(signed)).toBe('ok');
  });

  it('flipped byte in policy.wasm → digest mismatch', async () => {
    expect(await verdict(replace(signed, 'policy.wasm', flip(get(signed, 'policy.wasm'), 10)))).toBe('BG313');
  });

  it('flipped byte in data.json → digest mismatch', async () => {
    const data = Buffer.from(get(signed, 'data.json'));
    const at = data.indexOf('railway') + 1;
    expect(await verdict(replace(signed, 'data.json', flip(data, at)))).toBe('BG313');
  });

  it('flipped byte in .manifest → digest mismatch', async () => {
    const m = Buffer.from(get(signed, '.manifest'));
    expect(await verdict(replace(signed, '.manifest', flip(m, m.indexOf('0123') + 1)))).toBe('BG313');
  });

  it('reformatted data.json with the same content still verifies (canonical hashing)', async () => {
    const pretty = JSON.stringify(JSON.parse(Buffer.from(get(signed, 'data.json')).toString()), null, 2);
    expect(await verdict(replace(signed, 'data.json', Buffer.from('\ufeff' + pretty)))).toBe('ok');
  });

  it('flipped byte in the signature → bad signature', async () => {
    const jwt = jwtOf(signed);
    const i = jwt.lastIndexOf('.') + 10;
    const tampered = jwt.slice(0, i) + (jwt[i] === 'A' ? 'B' : 'A') + jwt.slice(i + 1);
    expect(await verdict(withJwts(signed, [tampered]))).toBe('BG309');
  });

  it('added file → not covered', async () => {
    expect(await verdict([...signed, { path: 'README.md', bytes: Buffer.from('hi') }])).toBe('BG311');
  });

  it('added file matched by an exclude pattern → verifies and reports it excluded', async () => {
    const result = await verifyBundle(
      await readBundle(repack([...signed, { path: 'docs/README.md', bytes: Buffer.from('hi') }])),
      config({ excludeFiles: ['docs/*.md'] }),
    );
    expect(result.excluded).toEqual(['docs/README.md']);
    expect(await verdict([...signed, { path: 'docs/README.md', bytes: Buffer.from('hi') }], config({ excludeFiles: ['*.md'] }))).toBe('BG311');
    expect(await verdict(signed, config({ excludeFiles: ['*'] }))).toBe('BG320');
    expect(await verdict(signed, config({ excludeFiles: ['policy.wasm'] }))).toBe('BG320');
    expect(await verdict([...signed, { path: 'x/policy.rego', bytes: Buffer.from('package x') }], config({ excludeFiles: ['x/*'] }))).toBe('BG320');
    // The api catalog reads requests for decideRequest: as much a policy file as the wasm.
    expect(await verdict([...signed, { path: 'catalog.json', bytes: Buffer.from('{}') }], config({ excludeFiles: ['catalog.*'] }))).toBe('BG320');
  });

  it('dropped file → signed file missing', async () => {
    expect(await verdict(signed.filter((e) => e.path !== 'data.json'))).toBe('BG312');
  });

  it('renamed file → not covered', async () => {
    expect(await verdict(signed.map((e) => (e.path === '.manifest' ? { path: '.manifest.bak', bytes: e.bytes } : e)))).toBe('BG311');
  });

  it("another bundle's signature → digest mismatch", async () => {
    const other = await readTarGz(
      await packSignedBundle(syntheticContent({ revision: 'ffff' }), { signing: { key: loadSigningKey(keys.signing, 'RS256'), keyId: 'default' } }),
    );
    expect(await verdict(replace(signed, '.signatures.json', get(other, '.signatures.json')))).toBe('BG313');
  });

  it('re-signed with another key → bad signature', async () => {
    const jwt = await forge({ alg: 'RS256', kid: 'default' }, createPrivateKey(Buffer.from(attacker.signing)));
    expect(await verdict(withJwts(signed, [jwt]))).toBe('BG309');
  });

  it('HS256 signed with the RSA public key PEM as secret → algorithm refused', async () => {
    const jwt = await forge({ alg: 'HS256', kid: 'default' }, Buffer.from(keys.verification));
    expect(await verdict(withJwts(signed, [jwt]))).toBe('BG308');
    // and the public key cannot be configured as an HMAC secret in the first place
    expect(await codeOf(() => loadVerificationKey(keys.verification, 'HS256'))).toBe('BG315');
  });

  it('alg none → refused', async () => {
    const h = Buffer.from('{"alg":"none"}').toString('base64url');
    const p = jwtOf(signed).split('.')[1]!;
    expect(await verdict(withJwts(signed, [`${h}.${p}.`]))).toBe('BG305');
    expect(await verdict(withJwts(signed, [`${h}.${p}.AAAA`]))).toBe('BG308');
  });

  it('header alg differing from the configured one → refused, even with a valid signature', async () => {
    const jwt = await forge({ alg: 'RS384', kid: 'default' }, createPrivateKey(Buffer.from(keys.signing)));
    expect(await verdict(withJwts(signed, [jwt]))).toBe('BG308');
  });

  it('a second JWT → refused', async () => {
    expect(await verdict(withJwts(signed, [jwtOf(signed), jwtOf(signed)]))).toBe('BG304');
  });

  it('no JWT → refused', async () => {
    expect(await verdict(withJwts(signed, []))).toBe('BG303');
  });

  it('padded base64 → malformed', async () => {
    const [h, p, s] = jwtOf(signed).split('.') as [string, string, string];
    expect(await verdict(withJwts(signed, [`${h}.${p}.${s}==`]))).toBe('BG305');
    expect(await verdict(withJwts(signed, [`${h}=.${p}.${s}`]))).toBe('BG305');
    expect(await verdict(withJwts(signed, [`${h}.${p}`]))).toBe('BG305');
    expect(await verdict(withJwts(signed, [`${h}.${Buffer.from('{"files":').toString('base64url')}.${s}`]))).toBe('BG305');
    expect(await verdict(withJwts(signed, [42]))).toBe('BG305');
  });

  it('.signatures.json that is not JSON, or names a plugin → refused', async () => {
    expect(await verdict(replace(signed, '.signatures.json', Buffer.from('{')))).toBe('BG302');
    expect(await verdict(replace(signed, '.signatures.json', Buffer.from(JSON.stringify({ signatures: [jwtOf(signed)], plugin: 'x' }))))).toBe(
      'BG318',
    );
  });

  it('stripped .signatures.json → refused, with and without a key id configured', async () => {
    const stripped = signed.filter((e) => e.path !== '.signatures.json');
    expect(await verdict(stripped, config())).toBe('BG301');
    expect(await verdict(stripped, config({ keyId: undefined }))).toBe('BG301');
    expect(await verdict(stripped, { keys: { default: loadVerificationKey(keys.verification, 'RS256') } })).toBe('BG301');
  });

  it('no keys configured → refused before anything else', async () => {
    expect(await verdict(signed, { keys: {} })).toBe('BG300');
  });

  it('key id resolution: configured, else header kid, else payload keyid', async () => {
    const key = loadVerificationKey(keys.verification, 'RS256');
    expect(await verdict(signed, { keys: { default: key } })).toBe('ok');
    expect(await verdict(signed, { keys: { other: key } })).toBe('BG307');
    expect(await verdict(signed, { keys: { default: key }, keyId: 'prod' })).toBe('BG307');
    const anonymous = await forge({ alg: 'RS256' }, createPrivateKey(Buffer.from(keys.signing)), {
      files: signed.filter((e) => e.path !== '.signatures.json').map((e) => ({ name: e.path, hash: hashBundleFile(e.path, e.bytes), algorithm: 'SHA-256' })),
    });
    expect(await verdict(withJwts(signed, [anonymous]), { keys: { default: key } })).toBe('BG306');
    expect(await verdict(withJwts(signed, [anonymous]), { keys: { default: key }, keyId: 'default' })).toBe('ok');
  });

  it('scope mismatch → refused', async () => {
    expect(await verdict(signed, config({ scope: 'write' }))).toBe('BG310');
    const scoped = await readTarGz(
      await packSignedBundle(syntheticContent(), { signing: { key: loadSigningKey(keys.signing, 'RS256'), keyId: 'default', scope: 'write' } }),
    );
    expect(await verdict(scoped, config())).toBe('BG310');
    expect(await verdict(scoped, config({ scope: 'write' }))).toBe('ok');
    const keyScoped = { keys: { default: loadVerificationKey(keys.verification, 'RS256', { scope: 'write' }) }, keyId: 'default' };
    expect(await verdict(scoped, keyScoped)).toBe('ok');
  });

  it('unsupported, weak or missing hash algorithm → refused', async () => {
    const priv = createPrivateKey(Buffer.from(keys.signing));
    const files = (algorithm: string | undefined): unknown[] =>
      signed.filter((e) => e.path !== '.signatures.json').map((e) => ({ name: e.path, hash: hashBundleFile(e.path, e.bytes), algorithm }));
    for (const alg of ['MD5', 'SHA-1', 'SHA256', undefined]) {
      const jwt = await forge({ alg: 'RS256' }, priv, { files: files(alg) });
      expect(await verdict(withJwts(signed, [jwt]))).toBe('BG314');
    }
    const sha512 = signed
      .filter((e) => e.path !== '.signatures.json')
      .map((e) => ({ name: e.path, hash: hashBundleFile(e.path, e.bytes, 'SHA-512').toUpperCase(), algorithm: 'SHA-512' }));
    expect(await verdict(withJwts(signed, [await forge({ alg: 'RS256' }, priv, { files: sha512 })]))).toBe('ok');
  });

  it('a file listed twice → refused', async () => {
    const priv = createPrivateKey(Buffer.from(keys.signing));
    const files = signed.filter((e) => e.path !== '.signatures.json').map((e) => ({ name: e.path, hash: hashBundleFile(e.path, e.bytes), algorithm: 'SHA-256' }));
    expect(await verdict(withJwts(signed, [await forge({ alg: 'RS256' }, priv, { files: [...files, files[0]] })]))).toBe('BG316');
  });

  it('a crit header → refused', async () => {
    const priv = createPrivateKey(Buffer.from(keys.signing));
    const h = Buffer.from('{"alg":"RS256","crit":["exp"],"exp":1}').toString('base64url');
    const [, p] = jwtOf(signed).split('.') as [string, string];
    const sig = await forge({ alg: 'RS256' }, priv);
    expect(await verdict(withJwts(signed, [`${h}.${p}.${sig.split('.')[2]}`]))).toBe('BG305');
  });

  it('PS256 with maximum salt length (as OPA signs) verifies', async () => {
    const ps = testKeys('PS256');
    const { sign, constants } = await import('node:crypto');
    const files = bundleFiles(syntheticContent());
    const h = Buffer.from('{"alg":"PS256","kid":"default"}').toString('base64url');
    const p = Buffer.from(JSON.stringify({ files: files.map((e) => ({ name: e.path, hash: hashBundleFile(e.path, e.bytes), algorithm: 'SHA-256' })) })).toString('base64url');
    const sig = sign('sha256', Buffer.from(`${h}.${p}`), {
      key: createPrivateKey(Buffer.from(ps.signing)),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
    }).toString('base64url');
    const bundle = [...files, { path: '.signatures.json', bytes: serializeSignatures(`${h}.${p}.${sig}`) }];
    expect(await verdict(bundle, singleKeyConfig(loadVerificationKey(ps.verification, 'PS256')))).toBe('ok');
  });
});

describe('exclude patterns (Go filepath.Match)', () => {
  it.each([
    ['*.md', 'README.md', true],
    ['*.md', 'docs/README.md', false],
    ['docs/*', 'docs/a', true],
    ['?.txt', 'a.txt', true],
    ['?.txt', '/.txt', false],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'dx', true],
    ['[^a-c]x', 'ax', false],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['a.b', 'axb', false],
  ])('%s vs %s', (pattern, path, expected) => {
    expect(compileExcludePattern(pattern)(path)).toBe(expected);
  });

  it.each([['[a-'], ['['], ['\\'], ['[]'], ['[z-a]']])('%s is malformed', async (pattern) => {
    expect(await codeOf(() => compileExcludePattern(pattern))).toBe('BG317');
  });
});

describe('any single-bit flip', () => {
  it('is rejected unless it leaves the canonical content unchanged', async () => {
    const files = signed.filter((e) => e.path !== '.signatures.json');
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: files.length - 1 }), fc.nat(), fc.nat({ max: 7 }), async (which, offset, bit) => {
        const target = files[which]!;
        const at = offset % target.bytes.length;
        const bytes = Buffer.from(target.bytes);
        bytes[at] = bytes[at]! ^ (1 << bit);
        const code = await verdict(replace(signed, target.path, bytes));
        if (code === 'ok') {
          // Only a change that canonicalizes to the same JSON (e.g. hex case in a \u escape) may pass.
          expect(Buffer.from(digestInput(target.path, bytes)).equals(Buffer.from(digestInput(target.path, target.bytes)))).toBe(true);
        } else {
          expect(code).toMatch(/^BG(2[13]\d|31[13])$/);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('messages', () => {
  it('keep untrusted names on one line', async () => {
    try {
      const h = Buffer.from(JSON.stringify({ alg: 'RS256\nforged: yes' })).toString('base64url');
      const [, p, s] = jwtOf(signed).split('.') as [string, string, string];
      await verifyBundle(await readBundle(repack(withJwts(signed, [`${h}.${p}.${s}`]))), config());
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message).toContain('RS256\\x0aforged');
    }
  });
});
